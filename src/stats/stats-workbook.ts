import type ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import {
  cellFormats,
  columnLetter,
  dayCell,
  loadExcelJS,
  momentCell,
  monthCell,
  sheetName,
} from '../shared/spreadsheet';

/*
 * The statistics as an Excel workbook (issue 21), written from what the stats service answers,
 * whatever sections it holds: its counts and ratios (each a `Figure`: value, numerator,
 * denominator) on the first sheet, each list (the per-unit table, the monthly series, the
 * breakdowns) on a sheet of its own, each nested section (an object of figures) on its own
 * sheet too. A new figure or table appears without a change here; it reads best with its
 * label in the locale files (`stats.figures.<key>`, or `statsWorkbook.labels.<key>`).
 */

type Cell = string | number | Date | null;

/** A ratio with what it is made of, as the stats service answers each rate. */
interface FigureLike {
  value: number | null;
  numerator: number;
  denominator: number;
}

function isFigure(value: unknown): value is FigureLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    'numerator' in value &&
    'denominator' in value &&
    'value' in value
  );
}

function isSection(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isFigure(value);
}

/** Fields whose values are codes shown by their label: the locale namespace each one's labels are in. */
const codeLabels: Record<string, string> = {
  type: 'disputeTypes',
  level: 'levels',
  track: 'tracks',
  outcome: 'caseOutcomes',
  source: 'sources',
  reasonCode: 'escalationReasons',
  category: 'petitions.categories',
  flag: 'oversight.petitions.flags',
};

export interface StatsWorkbookContext {
  t: TFunction;
  /** The units' names in the reader's language, by id (`unitId` fields are shown by name). */
  unitNames: Map<string, string>;
  now: Date;
  /** When the figures were read from the standby (DATABASE_READ_URL): the moment they are true of. */
  dataAsOf?: Date;
}

/** A leaf's label: the figure's name on the statistics page, else the workbook's own, else the key. */
function labelOf(t: TFunction, key: string): string {
  return t([`stats.figures.${key}`, `statsWorkbook.labels.${key}`], { defaultValue: key });
}

/** A value as a cell: dates and months as date cells, codes and units by their names. */
function cellOf(
  key: string,
  value: unknown,
  context: StatsWorkbookContext,
): { value: Cell; format?: string } {
  if (value === null || value === undefined) return { value: null };
  if (typeof value === 'number')
    return { value, format: Number.isInteger(value) ? cellFormats.count : '0.0' };
  if (typeof value === 'boolean') return { value: context.t(value ? 'cases.yes' : 'cases.no') };
  if (typeof value !== 'string') return { value: JSON.stringify(value) };
  if (key === 'unitId') return { value: context.unitNames.get(value) ?? value };
  if (codeLabels[key]) return { value: context.t(`${codeLabels[key]}.${value}`, { defaultValue: value }) };
  const day = dayCell(value);
  if (day) return { value: day, format: cellFormats.day };
  const month = monthCell(value);
  if (month) return { value: month, format: cellFormats.month };
  return { value };
}

/** A table's columns: one per field (three per figure: rate, numerator, denominator), in the rows' order. */
interface TableColumn {
  key: string;
  /** Which part of a figure the column holds; null: the field's value itself. */
  part: keyof FigureLike | null;
  header: string;
}

function tableColumns(rows: Array<Record<string, unknown>>, t: TFunction): TableColumn[] {
  const keys: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  return keys.flatMap((key): TableColumn[] => {
    const label = labelOf(t, key);
    if (!rows.some((row) => isFigure(row[key]))) return [{ key, part: null, header: label }];
    return (['value', 'numerator', 'denominator'] as const).map((part) => ({
      key,
      part,
      header: part === 'value' ? label : `${label} · ${t(`stats.${part}`)}`,
    }));
  });
}

/** Bold header, frozen, with filters: each sheet reads and sorts as a table. */
function headed(sheet: ExcelJS.Worksheet, headers: string[], widths: number[]): void {
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  sheet.columns = headers.map((header, index) => ({ header, width: widths[index] ?? 16 }));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = `A1:${columnLetter(headers.length)}1`;
}

function addCells(sheet: ExcelJS.Worksheet, cells: Array<{ value: Cell; format?: string }>): void {
  const row = sheet.addRow(cells.map((cell) => cell.value));
  cells.forEach((cell, index) => {
    if (cell.format) row.getCell(index + 1).numFmt = cell.format;
  });
}

/** A list of rows as a sheet of its own: a table with a column per field. */
function writeTable(sheet: ExcelJS.Worksheet, rows: unknown[], context: StatsWorkbookContext): void {
  const records = rows.filter(isSection);
  const columns = tableColumns(records, context.t);
  headed(
    sheet,
    columns.map((column) => column.header),
    columns.map((column) => (column.key === 'unitId' ? 28 : 14)),
  );
  for (const record of records)
    addCells(
      sheet,
      columns.map(({ key, part }) => {
        const value = record[key];
        if (!part) return cellOf(key, value, context);
        if (!isFigure(value)) return { value: null };
        return part === 'value'
          ? { value: value.value, format: cellFormats.percent }
          : { value: value[part], format: cellFormats.count };
      }),
    );
}

/**
 * A section's figures as rows (figure, value, numerator, denominator), and its lists and
 * nested sections each on a sheet of its own, named by its label.
 */
function writeSection(
  workbook: ExcelJS.Workbook,
  sheet: ExcelJS.Worksheet,
  section: Record<string, unknown>,
  context: StatsWorkbookContext & { names: Set<string> },
): void {
  const { t } = context;
  headed(
    sheet,
    [t('stats.figure'), t('stats.value'), t('stats.numerator'), t('stats.denominator')],
    [32, 14, 14, 14],
  );
  const later: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(section)) {
    if (isFigure(value))
      addCells(sheet, [
        { value: labelOf(t, key) },
        { value: value.value, format: cellFormats.percent },
        { value: value.numerator, format: cellFormats.count },
        { value: value.denominator, format: cellFormats.count },
      ]);
    else if (Array.isArray(value) || isSection(value)) later.push([key, value]);
    else addCells(sheet, [{ value: labelOf(t, key) }, cellOf(key, value, context)]);
  }
  for (const [key, value] of later) {
    const name = sheetName(
      t([`statsWorkbook.sheets.${key}`, `stats.figures.${key}`], { defaultValue: key }),
      context.names,
    );
    const own = workbook.addWorksheet(name);
    if (Array.isArray(value)) writeTable(own, value, context);
    else writeSection(workbook, own, value as Record<string, unknown>, context);
  }
}

/** The filter the figures were taken with (the answer's `scope`), and when: the workbook's last sheet. */
function writeScope(
  sheet: ExcelJS.Worksheet,
  scope: Record<string, unknown>,
  context: StatsWorkbookContext,
): void {
  const { t } = context;
  sheet.columns = [{ width: 22 }, { width: 36 }];
  addCells(sheet, [
    { value: t('caseWorkbook.exportedAt') },
    { value: momentCell(context.now), format: cellFormats.moment },
  ]);
  if (context.dataAsOf)
    addCells(sheet, [
      { value: t('caseWorkbook.dataAsOf') },
      { value: momentCell(context.dataAsOf), format: cellFormats.momentWithSeconds },
    ]);
  for (const [key, value] of Object.entries(scope)) {
    if (value === null || value === undefined) continue;
    const label = t([`statsWorkbook.scope.${key}`, `stats.${key}`], { defaultValue: key });
    addCells(sheet, [{ value: label }, cellOf(key, value, context)]);
  }
  sheet.getColumn(1).font = { bold: true };
}

/**
 * The statistics workbook: `report` is what the stats service answers (its figures, with the
 * series beside them), `scope` the filter they were taken with.
 */
export async function statsWorkbook(
  report: Record<string, unknown> & { scope?: Record<string, unknown> },
  context: StatsWorkbookContext,
): Promise<ExcelJS.Workbook> {
  const { Workbook } = await loadExcelJS();
  const workbook = new Workbook();
  workbook.created = context.now;
  const names = new Set<string>();
  const { scope, ...sections } = report;
  const first = workbook.addWorksheet(sheetName(context.t('statsWorkbook.sheets.figures'), names));
  writeSection(workbook, first, sections, { ...context, names });
  if (scope)
    writeScope(
      workbook.addWorksheet(sheetName(context.t('statsWorkbook.sheets.scope'), names)),
      scope,
      context,
    );
  return workbook;
}

import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import type { Locale } from '../shared/i18n/i18n';
import {
  cellFormats,
  columnLetter,
  dayCell,
  loadExcelJS,
  momentCell,
  sheetName,
} from '../shared/spreadsheet';
import type { Case } from './case.entity';
import type { presentCase } from './case.presenter';
import type { CaseListQuery } from './case.schemas';
import { stateLabel } from './case.view-model';
import type { ExportedParty } from './case-export.queries';

/** One case as the workbook writes it: the row, as presented, with its masked applicants and respondents. */
export interface CaseExportRow {
  row: Case;
  presented: ReturnType<typeof presentCase>;
  parties: ExportedParty[];
}

type Cell = string | number | Date | null;

/** A column of the case workbook: its header (a locale key), width, number format and value. */
interface CaseColumn {
  header: string;
  width: number;
  format?: keyof typeof cellFormats;
  value(row: CaseExportRow, t: TFunction): Cell;
}

/** The parties of one role as a cell: each name with the numbers as stored masked. */
function partiesCell(parties: ExportedParty[], role: ExportedParty['role']): string {
  return parties
    .filter((party) => party.role === role)
    .map((party) => [party.name, party.idNumberMasked, party.phoneMasked].filter(Boolean).join(' '))
    .join('; ');
}

/**
 * The case workbook's columns, in order. Dates are date cells (Excel sorts and filters them):
 * the day the application was received, registration, acceptance, the deadline's last day and
 * closure. Another column (the risk grade, issue 21) is one more entry here.
 */
export const caseWorkbookColumns: CaseColumn[] = [
  { header: 'cases.number', width: 22, value: ({ presented }) => presented.number },
  { header: 'cases.title', width: 32, value: ({ presented }) => presented.title },
  { header: 'cases.type', width: 14, value: ({ presented }, t) => t(`disputeTypes.${presented.type}`) },
  { header: 'cases.state', width: 16, value: ({ presented }, t) => stateLabel(t, presented.state) },
  {
    header: 'riskGrades.field',
    width: 10,
    value: ({ presented }, t) => (presented.riskGrade ? t(`riskGrades.badge.${presented.riskGrade}`) : null),
  },
  {
    header: 'cases.outcome',
    width: 14,
    value: ({ presented }, t) => (presented.outcome ? t(`caseOutcomes.${presented.outcome}`) : null),
  },
  {
    header: 'cases.level',
    width: 12,
    value: ({ presented }, t) => (presented.level ? t(`levels.${presented.level}`) : null),
  },
  {
    header: 'cases.track',
    width: 14,
    value: ({ presented }, t) => (presented.track ? t(`tracks.${presented.track}`) : null),
  },
  { header: 'cases.holdingUnit', width: 24, value: ({ presented }) => presented.holdingUnit?.name ?? null },
  {
    header: 'cases.registeredUnit',
    width: 24,
    value: ({ presented }) => presented.registeredUnit?.name ?? null,
  },
  { header: 'cases.mediator', width: 14, value: ({ presented }) => presented.mediator?.displayName ?? null },
  { header: 'caseWorkbook.applicants', width: 40, value: ({ parties }) => partiesCell(parties, 'applicant') },
  {
    header: 'caseWorkbook.respondents',
    width: 40,
    value: ({ parties }) => partiesCell(parties, 'respondent'),
  },
  {
    header: 'caseWorkbook.receivedOn',
    width: 12,
    format: 'day',
    value: ({ row }) => dayCell(row.receivedOn),
  },
  {
    header: 'caseExport.registeredAt',
    width: 17,
    format: 'moment',
    value: ({ row }) => momentCell(row.createdAt),
  },
  {
    header: 'caseWorkbook.acceptedAt',
    width: 17,
    format: 'moment',
    value: ({ row }) => (row.acceptedAt ? momentCell(row.acceptedAt) : null),
  },
  {
    header: 'caseExport.deadlineDue',
    width: 12,
    format: 'day',
    value: ({ presented }) => (presented.deadline ? dayCell(presented.deadline.due) : null),
  },
  {
    header: 'caseExport.overdue',
    width: 10,
    value: ({ presented }, t) =>
      presented.deadline ? t(presented.overdue ? 'cases.yes' : 'cases.no') : null,
  },
  {
    header: 'caseExport.closedAt',
    width: 17,
    format: 'moment',
    value: ({ row }) => (row.closedAt ? momentCell(row.closedAt) : null),
  },
  {
    header: 'caseExport.amount',
    width: 14,
    format: 'amount',
    value: ({ presented }) => presented.amountInDispute,
  },
  { header: 'cases.groupSize', width: 10, format: 'count', value: ({ presented }) => presented.groupSize },
];

/** The filter an export was made with, as the "about" sheet lists it (names already looked up). */
export interface ExportedFilter {
  query: CaseListQuery;
  unitName: string | null;
  mediatorName: string | null;
}

export interface CaseWorkbookContext {
  t: TFunction;
  locale: Locale;
  now: Date;
  /** When the cases were read from the standby (DATABASE_READ_URL): the moment they are true of. */
  dataAsOf?: Date;
  filter: ExportedFilter;
  /** The most cases a workbook holds; past it the "about" sheet says the list was cut. */
  max: number;
}

/** The filter in words: one [label, value] pair per filter set. */
function filterLines({ query, unitName, mediatorName }: ExportedFilter, t: TFunction): Array<[string, Cell]> {
  const lines: Array<[string, Cell]> = [];
  if (query.q) lines.push([t('caseWorkbook.search'), query.q]);
  if (query.state) lines.push([t('cases.state'), stateLabel(t, query.state)]);
  if (query.type) lines.push([t('cases.type'), t(`disputeTypes.${query.type}`)]);
  if (query.level) lines.push([t('cases.level'), t(`levels.${query.level}`)]);
  if (query.track) lines.push([t('cases.track'), t(`tracks.${query.track}`)]);
  if (query.unitId) lines.push([t('cases.holdingUnit'), unitName ?? query.unitId]);
  if (query.mediatorId) lines.push([t('cases.mediator'), mediatorName ?? query.mediatorId]);
  if (query.overdue !== undefined)
    lines.push([t('caseExport.overdue'), t(query.overdue ? 'cases.yes' : 'cases.no')]);
  if (query.from) lines.push([t('caseWorkbook.registeredFrom'), dayCell(query.from)]);
  if (query.to) lines.push([t('caseWorkbook.registeredTo'), dayCell(query.to)]);
  return lines;
}

/**
 * Writes the case list as an .xlsx workbook to `out` while the pages are read: each page's
 * rows are committed (written and let go) before the next page is asked for, so a long list
 * never sits in memory whole. The first page is read before anything is written, so that a
 * refusal or a failed query still answers as an error, not as half a file (`onStart` is
 * called just before the first byte: the caller sets its headers there).
 */
export async function writeCaseWorkbook(
  out: Writable,
  pages: AsyncIterable<CaseExportRow[]>,
  context: CaseWorkbookContext,
  onStart: () => void = () => {},
): Promise<void> {
  const { t } = context;
  const { stream } = await loadExcelJS();
  const iterator = pages[Symbol.asyncIterator]();
  let page = await iterator.next();
  onStart();
  const workbook = new stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.created = context.now;
  const names = new Set<string>();
  const sheet = workbook.addWorksheet(sheetName(t('caseWorkbook.casesSheet'), names), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = caseWorkbookColumns.map((column) => ({
    header: t(column.header),
    width: column.width,
    style: column.format ? { numFmt: cellFormats[column.format] } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = `A1:${columnLetter(caseWorkbookColumns.length)}1`;
  let written = 0;
  let cut = false;
  for (; !page.done; page = await iterator.next()) {
    for (const item of page.value) {
      if (written === context.max) {
        cut = true;
        break;
      }
      sheet.addRow(caseWorkbookColumns.map((column) => column.value(item, t))).commit();
      written++;
    }
    if (cut) break;
  }
  await iterator.return?.();
  sheet.commit();
  writeAboutSheet(workbook.addWorksheet(sheetName(t('caseWorkbook.aboutSheet'), names)), context, {
    written,
    cut,
  });
  await workbook.commit();
}

/** The second sheet: when the list was exported, with which filter, how many cases, whether it was cut. */
function writeAboutSheet(
  sheet: ExcelJS.Worksheet,
  context: CaseWorkbookContext,
  { written, cut }: { written: number; cut: boolean },
): void {
  const { t } = context;
  sheet.columns = [{ width: 22 }, { width: 40 }];
  const exportedAt = momentCell(context.now);
  const dataAsOf = context.dataAsOf ? momentCell(context.dataAsOf) : undefined;
  const lines: Array<[string, Cell]> = [
    [t('caseWorkbook.exportedAt'), exportedAt],
    ...(dataAsOf ? [[t('caseWorkbook.dataAsOf'), dataAsOf] as [string, Cell]] : []),
    [t('caseWorkbook.caseCount'), written],
  ];
  const filter = filterLines(context.filter, t);
  lines.push(
    ...(filter.length > 0
      ? filter
      : [[t('caseWorkbook.filter'), t('caseWorkbook.noFilter')] as [string, Cell]]),
  );
  if (cut) lines.push([t('caseWorkbook.cut'), t('caseWorkbook.cutAt', { max: context.max })]);
  for (const [label, value] of lines) {
    const row = sheet.addRow([label, value]);
    row.getCell(1).font = { bold: true };
    if (value instanceof Date)
      row.getCell(2).numFmt =
        value === exportedAt
          ? cellFormats.moment
          : value === dataAsOf
            ? cellFormats.momentWithSeconds
            : cellFormats.day;
    row.commit();
  }
  sheet.commit();
}

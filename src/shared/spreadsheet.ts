/**
 * What the Excel exports (.xlsx) share: dates as real date cells, written as the district reads
 * them. A workbook has no time zone: Excel shows a date cell's wall-clock digits to everyone, so a
 * moment is written as its Asia/Shanghai wall clock (UTC+8 all year: China keeps no summer time),
 * and a plain day (`YYYY-MM-DD`, already a day in Asia/Shanghai) as that day's midnight.
 */
import type ExcelJS from 'exceljs';

/**
 * exceljs, loaded on the first export rather than at start: with its dependencies (jszip,
 * archiver, unzipper, bluebird, fast-csv: 156 modules) it is 7 MB of heap and 8 MB of the app's
 * resident memory at start (Node 26.10, `require` of dist/src/server.js with and without it),
 * held by every process although only the two .xlsx routes use it.
 */
let exceljs: Promise<typeof ExcelJS> | undefined;
export function loadExcelJS(): Promise<typeof ExcelJS> {
  exceljs ??= import('exceljs').then((module) => module.default);
  return exceljs;
}

const shanghaiOffsetMs = 8 * 60 * 60 * 1000;

/** Number formats of the exports' cells (Excel's own codes, the same in every language). */
export const cellFormats = {
  moment: 'yyyy-mm-dd hh:mm',
  /** A moment to the second: the "data as of" of what was read from the standby. */
  momentWithSeconds: 'yyyy-mm-dd hh:mm:ss',
  day: 'yyyy-mm-dd',
  month: 'yyyy-mm',
  percent: '0.0%',
  amount: '#,##0.00',
  count: '0',
} as const;

/** A moment as the date cell showing its Asia/Shanghai wall clock. */
export function momentCell(moment: Date): Date {
  return new Date(moment.getTime() + shanghaiOffsetMs);
}

/** A plain day (`YYYY-MM-DD`) as a date cell, or null when the text is no such day. */
export function dayCell(day: string): Date | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00Z`) : null;
}

/** A month (`YYYY-MM`) as the date cell of its first day, or null when the text is no month. */
export function monthCell(month: string): Date | null {
  return /^\d{4}-\d{2}$/.test(month) ? new Date(`${month}-01T00:00:00Z`) : null;
}

/** The spreadsheet's name of a column: 1 → A, 27 → AA. */
export function columnLetter(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** The media type of an .xlsx workbook. */
export const xlsxMediaType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A sheet's name as Excel allows it: at most 31 characters, none of `[]:*?/\`, unique in
 * the workbook (a second one gets a number).
 */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(/[[\]:*?/\\]/g, ' ')
      .trim()
      .slice(0, 31) || 'Sheet';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++)
    name = `${base.slice(0, 31 - String(n).length - 1)} ${n}`;
  taken.add(name.toLowerCase());
  return name;
}

import { type Options, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { caseSources } from '../cases/case.entity';
import type { PartyInput } from '../cases/case.schemas';
import { checkCreditCode, checkResidentId, upgradeFirstGenerationId } from '../cases/party-identifiers';
import { AppError } from '../shared/errors';
import { isoDay } from '../shared/http/calendar-fields';
import { mediationLevels } from '../units/unit.entity';
import { referralAgencies } from '../workflows/case-events/intake.events';
import { disputeTypes, tracks } from '../workflows/rules/dispute-rules.types';

/** A row of the historic import as the CSV states it (API.md "Historic import (CSV)"), validated cell by cell. */

/** The columns of the historic import (API.md "Historic import (CSV)"), in order. */
export const importColumns = [
  'number',
  'type',
  'title',
  'source',
  'unitCode',
  'registeredOn',
  'screenedOn',
  'screening',
  'track',
  'level',
  'closedOn',
  'outcome',
  // optional: the agency a row closed by referral out went to (the forum it still holds)
  'referredTo',
  // optional: the two sides, for the one-forum check of an open row (and stored as its parties)
  'applicant',
  'applicantIdNumber',
  'respondent',
  'respondentIdNumber',
] as const;
export const requiredColumns = ['type', 'title', 'source', 'unitCode', 'registeredOn'];

// a blank cell of an optional column is not in the row the schema reads (`rowOf`): the column is `.optional()`
const date = isoDay().optional();
const partyName = z.string().trim().max(200, 'validation.too_big').optional();
/**
 * A side's ID number: a person's resident ID (GB 11643-1999) or an organisation's
 * 统一社会信用代码 (GB 32100-2015), each with its check character, stored normalised.
 * Historic records may hold a first-generation 15-digit number: it is upgraded to the
 * 18-character one that replaced it, which is what registration and the search know.
 */
const idNumber = z
  .string()
  .trim()
  .max(40, 'validation.too_big')
  .transform((value, ctx) => {
    const typed = upgradeFirstGenerationId(value) ?? value;
    // a resident ID first: about one in 31 of them also passes the credit code's check
    const asPerson = checkResidentId(typed);
    if (asPerson.ok) return asPerson.value;
    const asOrganisation = checkCreditCode(typed);
    if (asOrganisation.ok) return asOrganisation.value;
    // letters before the last place: meant as a credit code, else as a resident ID
    const meant = /[A-Z]/i.test(typed.slice(0, -1)) ? asOrganisation : asPerson;
    ctx.addIssue({ code: 'custom', message: meant.problem });
    return z.NEVER;
  })
  .optional();
const outcomes = [
  'resolved',
  'unresolved',
  'withdrawn',
  'not_accepted',
  'referred_out',
  'enforcement_referred',
] as const;

export const rowSchema = z
  .object({
    number: z.string().trim().max(48, 'validation.too_big').optional(),
    type: z.enum(disputeTypes, { error: 'validation.invalid_value' }),
    title: z.string().trim().min(1, 'validation.required').max(200, 'validation.too_big'),
    source: z.enum(caseSources, { error: 'validation.invalid_value' }),
    unitCode: z.string().trim().min(1, 'validation.required'),
    registeredOn: isoDay(),
    screenedOn: date,
    screening: z
      .enum(['accepted', 'declined', 'referred_out'], { error: 'validation.invalid_value' })
      .optional(),
    track: z.enum(tracks, { error: 'validation.invalid_value' }).optional(),
    level: z.enum(mediationLevels, { error: 'validation.invalid_value' }).optional(),
    closedOn: date,
    outcome: z.enum(outcomes, { error: 'validation.invalid_value' }).optional(),
    /** The agency it was referred to, as REFER_OUT names it (`referralAgencies`). */
    referredTo: z.enum(referralAgencies, { error: 'validation.invalid_value' }).optional(),
    applicant: partyName,
    applicantIdNumber: idNumber,
    respondent: partyName,
    respondentIdNumber: idNumber,
  })
  .superRefine((row, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    for (const side of ['applicant', 'respondent'] as const) {
      if (row[`${side}IdNumber`] && !row[side]) issue(side, 'validation.required');
    }
    if (row.screenedOn && row.screenedOn < row.registeredOn)
      issue('screenedOn', 'validation.import_before_registration');
    if (row.closedOn && row.closedOn < row.registeredOn)
      issue('closedOn', 'validation.import_before_registration');
    if (Boolean(row.closedOn) !== Boolean(row.outcome))
      issue(row.closedOn ? 'outcome' : 'closedOn', 'validation.import_closed_needs_outcome');
    if (row.referredTo && row.screening !== 'referred_out' && row.outcome !== 'referred_out')
      issue('referredTo', 'validation.import_referred_to_without_referral');
    if (row.screening === 'accepted' && !row.track) issue('track', 'validation.required');
    if (row.track === 'people' && !row.level) issue('level', 'validation.required');
    if (row.screening === 'declined' && row.outcome && row.outcome !== 'not_accepted')
      issue('outcome', 'validation.import_outcome_mismatch');
    if (row.screening === 'referred_out' && row.outcome && row.outcome !== 'referred_out')
      issue('outcome', 'validation.import_outcome_mismatch');
    if (
      row.screening !== 'accepted' &&
      row.outcome &&
      !['not_accepted', 'referred_out', 'withdrawn'].includes(row.outcome)
    ) {
      issue('screening', 'validation.import_outcome_mismatch');
    }
  });
export type ImportRow = z.infer<typeof rowSchema>;

export type ImportRowError = {
  row: number;
  column: string;
  message: string;
  params?: Record<string, unknown>;
};

/** 422 with one line per bad cell: nothing was imported. */
export class ImportRejectedError extends AppError {
  constructor(details: ImportRowError[]) {
    super('import_rejected', 422, details.slice(0, 1000), { count: details.length });
  }
}

/** A record as `parseImportCsv` reads it: its line, and its row when the row is valid. */
type ParsedRecord = { line: number; data?: ImportRow };
/**
 * `parse` with records as arrays of cells, each turned into what `on_record` answers: the
 * library's types give an `on_record` without `columns` only arrays to answer.
 */
const parseRecords = parse as unknown as (
  input: string | Buffer,
  options: Options<ParsedRecord, string[]> & {
    columns?: false;
    on_record: (cells: string[]) => ParsedRecord | null;
  },
) => ParsedRecord[];

/**
 * The header's columns: which of them a row is read from (a name stated twice is read from its last
 * place), and which keep a blank cell (a required column's blank is its own error: "required").
 */
interface ColumnsRead {
  names: readonly string[];
  read: readonly boolean[];
  keepBlank: readonly boolean[];
}

function columnsRead(names: string[]): ColumnsRead {
  return {
    names,
    read: names.map((name, index) => names.lastIndexOf(name) === index),
    keepBlank: names.map((name) => requiredColumns.includes(name)),
  };
}

/** A header's unknown and missing columns, reported on row 1. */
function headerErrorsOf(header: string[]): ImportRowError[] {
  const errors: ImportRowError[] = [];
  for (const column of header) {
    if (!(importColumns as readonly string[]).includes(column))
      errors.push({ row: 1, column, message: 'validation.unknown_column' });
  }
  for (const column of requiredColumns) {
    if (!header.includes(column)) errors.push({ row: 1, column, message: 'validation.missing_column' });
  }
  return errors;
}

/** A row as the schema reads it: its cells by column, an optional column's blank cell left out (absent). */
function rowOf(columns: ColumnsRead, cells: string[]): Record<string, string> {
  const row: Record<string, string> = {};
  for (let index = 0; index < cells.length; index++) {
    if (columns.read[index] && (cells[index] !== '' || columns.keepBlank[index]))
      row[columns.names[index]] = cells[index];
  }
  return row;
}

/**
 * Parses and validates every row; unknown or missing columns are reported on the header row (1).
 * A `Buffer` is read as UTF-8.
 */
export function parseImportCsv(csv: string | Buffer): {
  rows: Array<{ line: number; data?: ImportRow }>;
  errors: ImportRowError[];
} {
  const errors: ImportRowError[] = [];
  if (typeof csv === 'string' ? csv.includes('\u0000') : csv.includes(0))
    throw new ImportRejectedError([{ row: 1, column: '', message: 'validation.nul_character' }]);
  // each record is checked as it is parsed (on_record), so the file's cells are never all
  // held twice over — as strings and as rows — in a big import (memory, test/bench). Records
  // come as arrays, the first the header, and each row is read from its cells without the
  // optional columns' blank ones (`rowOf`): no object of every cell, no wrapper a cell to make
  // '' absent (issue 22, nineteenth round: the parse allocated 7–8 kB a row, half of it so)
  let line = 0;
  let rows: ParsedRecord[];
  let columns: ColumnsRead | null = null;
  let headerIsWrong = false;
  try {
    // a record for which `on_record` answers null (the header, rows under a wrong one) is left out
    rows = parseRecords(csv, {
      encoding: 'utf8',
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      trim: true,
      on_record: (cells) => {
        line += 1;
        if (!columns) {
          errors.push(...headerErrorsOf(cells));
          headerIsWrong = errors.length > 0;
          columns = columnsRead(cells);
          return null;
        }
        if (headerIsWrong) return null; // rows under a wrong header mean nothing
        const parsed = rowSchema.safeParse(rowOf(columns, cells));
        if (parsed.success) return { line, data: parsed.data };
        for (const issue of parsed.error.issues) {
          errors.push({
            row: line,
            column: String(issue.path[0] ?? ''),
            message: issue.message.startsWith('validation.') ? issue.message : `validation.${issue.code}`,
          });
        }
        return { line };
      },
    });
  } catch (error) {
    throw new ImportRejectedError([
      { row: (error as { lines?: number }).lines ?? 1, column: '', message: 'validation.csv_malformed' },
    ]);
  }
  if (headerIsWrong) throw new ImportRejectedError(errors);
  if (rows.length === 0)
    throw new ImportRejectedError([{ row: 1, column: '', message: 'validation.import_empty' }]);
  return { rows, errors };
}

/** The row's two sides, as registration takes parties (a side without a name is not stated). */
export function partiesOf(data: ImportRow): PartyInput[] {
  // a side identified by a 统一社会信用代码 is an organisation (an employer, a hospital)
  const side = (role: 'applicant' | 'respondent', name?: string, idNumber?: string): PartyInput[] =>
    name
      ? [
          {
            role,
            kind: idNumber && !checkResidentId(idNumber).ok ? 'organisation' : 'person',
            name,
            ...(idNumber ? { idNumber } : {}),
          },
        ]
      : [];
  return [
    ...side('applicant', data.applicant, data.applicantIdNumber),
    ...side('respondent', data.respondent, data.respondentIdNumber),
  ];
}

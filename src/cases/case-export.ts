import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { TFunction } from 'i18next';
import type { Actor } from '../access/actor';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { type Freshness, freshnessOf, type ReadsOf } from '../shared/db/read-replica';
import { toLocalDateTimeInput } from '../shared/format';
import { asOfFileSuffix } from '../shared/freshness.view-model';
import type { Locale } from '../shared/i18n/i18n';
import { unitName } from '../units/unit.presenter';
import type { Case } from './case.entity';
import type { CasePresenter, presentCase } from './case.presenter';
import type { CaseListQuery } from './case.schemas';
import type { CaseService } from './case.service';
import type { CaseExportQueries } from './case-export.queries';
import { type CaseExportRow, writeCaseWorkbook } from './case-export-xlsx';
import type { CaseListQueries } from './case-list.queries';

/** Excel opens a UTF-8 CSV as UTF-8 only when it starts with a byte order mark. */
const byteOrderMark = '\uFEFF';

/**
 * A cell Excel would read as a formula (=, +, -, @, tab, carriage return) is prefixed
 * with an apostrophe: a party's name must never run as a formula on a supervisor's PC.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * A moment in a CSV cell: `2026-12-03 16:15`, Asia/Shanghai (the district's clock, as every
 * page shows it), in both languages. A spreadsheet reads this form as a date and time and
 * sorts it; the localised text the pages show (2026年12月3日 16:15) it keeps as text, which
 * sorts by its characters. A day (the deadline) is its `YYYY-MM-DD` alone.
 */
export function csvMoment(date: Date): string {
  return toLocalDateTimeInput(date).replace('T', ' ');
}

/** The case list as CSV (Excel-friendly UTF-8 with BOM), headed and labelled in the reader's language. */
export function casesCsv(
  rows: Array<{ row: Case; presented: ReturnType<typeof presentCase> }>,
  { t }: { t: TFunction; locale: Locale },
): string {
  const header = [
    t('cases.number'),
    t('cases.title'),
    t('cases.type'),
    t('cases.source'),
    t('cases.state'),
    t('cases.outcome'),
    t('cases.track'),
    t('cases.level'),
    t('cases.holdingUnit'),
    t('cases.registeredUnit'),
    t('cases.mediator'),
    t('caseExport.deadlineDue'),
    t('caseExport.overdue'),
    t('caseExport.amount'),
    t('cases.groupSize'),
    t('caseExport.registeredAt'),
    t('caseExport.closedAt'),
  ];
  const body = rows.map(({ row, presented }) =>
    [
      presented.number,
      presented.title,
      t(`disputeTypes.${presented.type}`),
      t(`sources.${presented.source}`),
      t(`caseStates.${presented.state.replace('.', '_')}`),
      presented.outcome ? t(`caseOutcomes.${presented.outcome}`) : '',
      presented.track ? t(`tracks.${presented.track}`) : '',
      presented.level ? t(`levels.${presented.level}`) : '',
      presented.holdingUnit?.name ?? '',
      presented.registeredUnit?.name ?? '',
      presented.mediator?.displayName ?? '',
      presented.deadline ? presented.deadline.due : '',
      presented.deadline ? (presented.overdue ? t('cases.yes') : t('cases.no')) : '',
      presented.amountInDispute === null ? '' : presented.amountInDispute.toFixed(2),
      presented.groupSize === null ? '' : String(presented.groupSize),
      csvMoment(row.createdAt),
      row.closedAt ? csvMoment(row.closedAt) : '',
    ].map(neutraliseFormula),
  );
  return byteOrderMark + stringify([header, ...body], { record_delimiter: 'windows' });
}

/** How far an export reads: pages of `pageSize` cases, `max` cases at most (CSV and workbook alike). */
export interface CaseExportLimits {
  pageSize: number;
  max: number;
}

/** What an export reads its cases with: on the standby when one serves (DATABASE_READ_URL), else the primary. */
export interface CaseExportReaders {
  lists: CaseListQueries;
  queries: CaseExportQueries;
}

/**
 * The case list exported: every case matching the filter, as CSV or as an Excel workbook, in the
 * reader's language. The cases and their parties are read where `reads` sends them (a standby,
 * with the same visibility narrowing as the list); the names shown with them (units, mediators)
 * from the primary, as the list page does.
 */
export class CaseExport {
  private readonly limits: CaseExportLimits;

  constructor(
    private readonly cases: Pick<CaseService, 'list'>,
    private readonly presenter: Pick<CasePresenter, 'presentList'>,
    private readonly reads: ReadsOf<CaseExportReaders>,
    private readonly clock: Clock,
    limits: Partial<CaseExportLimits> = {},
  ) {
    this.limits = { pageSize: 200, max: 10000, ...limits };
  }

  /**
   * The exported file's name: the day it was made (Asia/Shanghai), `cases-2026-12-03.xlsx`; read
   * from the standby, with the moment it is true of: `cases-2026-12-03-asof-140531.xlsx`.
   */
  fileName(extension: 'csv' | 'xlsx', freshness?: Freshness): string {
    const asOf = freshness ? asOfFileSuffix(freshness) : '';
    return `cases-${todayInShanghai(this.clock.now())}${asOf}.${extension}`;
  }

  /** Every case matching the filter (up to `max`), for an export: the list's query run page by page. */
  async listAll(
    actor: Actor,
    query: CaseListQuery,
    max = this.limits.max,
    lists?: CaseListQueries,
  ): Promise<Case[]> {
    const rows: Case[] = [];
    for (let page = 1; rows.length < max; page++) {
      const { items } = await this.cases.list(
        actor,
        { ...query, page, pageSize: this.limits.pageSize },
        lists,
      );
      rows.push(...items);
      if (items.length < this.limits.pageSize) break;
    }
    return rows.slice(0, max);
  }

  /** The filtered list as the CSV file (`casesCsv`), headed and labelled in the reader's language, with its freshness. */
  async csv(
    actor: Actor,
    query: CaseListQuery,
    context: { t: TFunction; locale: Locale },
  ): Promise<{ csv: string } & Freshness> {
    const read = await this.reads.read(({ lists }) => this.listAll(actor, query, this.limits.max, lists));
    const rows = read.value;
    const presented = await this.presenter.presentList(rows, context.locale);
    const csv = casesCsv(
      rows.map((row, index) => ({ row, presented: presented[index] })),
      context,
    );
    return { csv, ...freshnessOf(read) };
  }

  /**
   * The filtered list as an .xlsx workbook written to `out` page by page (`writeCaseWorkbook`):
   * the list's query, presented, with each page's applicants and respondents, masked.
   * `onStart` runs once the first page is read, just before the first byte is written, with the
   * freshness of what is read (the "about" sheet says it too, when read from the standby). A
   * standby that fails before then leaves the export to the primary; once the file has begun,
   * the download is cut off as any failure then cuts it.
   */
  async xlsx(
    actor: Actor,
    query: CaseListQuery,
    context: { t: TFunction; locale: Locale },
    out: Writable,
    onStart?: (freshness: Freshness) => void,
  ): Promise<void> {
    let started = false;
    await this.reads.read(
      async (on, freshness) => {
        const names = await on.queries.filterNames(query);
        await writeCaseWorkbook(
          out,
          this.pages(actor, query, context.locale, on),
          {
            ...context,
            now: this.clock.now(),
            dataAsOf: freshness.readFrom === 'standby' ? freshness.asOf : undefined,
            max: this.limits.max,
            filter: {
              query,
              unitName: names.unit ? unitName(names.unit, context.locale) : null,
              mediatorName: names.mediatorName,
            },
          },
          () => {
            started = true;
            onStart?.(freshness);
          },
        );
      },
      { mayRetry: () => !started },
    );
  }

  /** The list's pages, each read when the one before has been written: cases, presented, with their parties. */
  private async *pages(
    actor: Actor,
    query: CaseListQuery,
    locale: Locale,
    on: CaseExportReaders,
  ): AsyncGenerator<CaseExportRow[]> {
    const { pageSize } = this.limits;
    for (let page = 1; ; page++) {
      const { items } = await this.cases.list(actor, { ...query, page, pageSize }, on.lists);
      if (items.length === 0) return;
      const [presented, parties] = await Promise.all([
        this.presenter.presentList(items, locale),
        on.queries.partiesOf(items.map((row) => row.id)),
      ]);
      const partiesByCase = new Map<string, typeof parties>();
      for (const party of parties)
        partiesByCase.set(party.caseId, [...(partiesByCase.get(party.caseId) ?? []), party]);
      yield items.map((row, index) => ({
        row,
        presented: presented[index],
        parties: partiesByCase.get(row.id) ?? [],
      }));
      if (items.length < pageSize) return;
    }
  }
}

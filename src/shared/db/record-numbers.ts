import type { EntityManager } from 'typeorm';

/** A record's number as printed: prefix, year and the counter's value in six digits (MH-2026-000123). */
export function formatRecordNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

/**
 * Gap-free record numbers per district and year (MH-2026-000123): the counter row
 * is created or bumped inside the registering transaction and stays locked until
 * it commits, so a rolled-back registration gives its number back.
 */
export async function nextRecordNumber(
  tx: EntityManager,
  series: { name: 'case' | 'petition'; prefix: string },
  districtId: string,
  year: number,
): Promise<string> {
  const rows: Array<{ last_seq: number }> = await tx.query(
    `INSERT INTO record_numbers (series, district_id, year, last_seq) VALUES ($1, $2, $3, 1)
     ON CONFLICT (series, district_id, year) DO UPDATE SET last_seq = record_numbers.last_seq + 1
     RETURNING last_seq`,
    [series.name, districtId, year],
  );
  return formatRecordNumber(series.prefix, year, rows[0].last_seq);
}

/**
 * `count` numbers of a series at once, from the same gap-free counter (the historic
 * import: a block per district and year); answers the first of them, the others follow.
 */
export async function reserveRecordNumbers(
  tx: EntityManager,
  series: 'case' | 'petition',
  block: { districtId: string; year: number; count: number },
): Promise<number> {
  const [{ last_seq: last }]: Array<{ last_seq: number }> = await tx.query(
    `INSERT INTO record_numbers (series, district_id, year, last_seq) VALUES ($1, $2, $3, $4)
         ON CONFLICT (series, district_id, year) DO UPDATE SET last_seq = record_numbers.last_seq + $4 RETURNING last_seq`,
    [series, block.districtId, block.year, block.count],
  );
  return last - block.count + 1;
}

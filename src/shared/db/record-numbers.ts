import type { EntityManager } from 'typeorm';

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
  return `${series.prefix}-${year}-${String(rows[0].last_seq).padStart(6, '0')}`;
}

import type { DataSource } from 'typeorm';
import type { PartyRole } from './party.entity';

/** A party as an export lists it: name and the numbers as stored masked, never the encrypted ones. */
export interface ExportedParty {
  caseId: string;
  role: PartyRole;
  name: string;
  idNumberMasked: string | null;
  phoneMasked: string | null;
}

/** What the case list's exports read besides the list itself. */
export class CaseExportQueries {
  constructor(private readonly db: DataSource) {}

  /**
   * The applicants and respondents of these cases, in the order they were entered. Only the
   * masked columns are selected: a full number never reaches an exported file.
   */
  async partiesOf(caseIds: string[]): Promise<ExportedParty[]> {
    if (caseIds.length === 0) return [];
    const rows: Array<{
      case_id: string;
      role: PartyRole;
      name: string;
      id_number_masked: string | null;
      phone_masked: string | null;
    }> = await this.db.query(
      `SELECT case_id, role, name, id_number_masked, phone_masked FROM parties
       WHERE case_id = ANY($1::uuid[]) AND role IN ('applicant', 'respondent')
       ORDER BY case_id, position`,
      [caseIds],
    );
    return rows.map((row) => ({
      caseId: row.case_id,
      role: row.role,
      name: row.name,
      idNumberMasked: row.id_number_masked,
      phoneMasked: row.phone_masked,
    }));
  }

  /** The names a filter's unit and mediator are shown by (null where none is set or found). */
  async filterNames(filter: { unitId?: string; mediatorId?: string }): Promise<{
    unit: { nameZh: string; nameEn: string } | null;
    mediatorName: string | null;
  }> {
    const [unit]: Array<{ name_zh: string; name_en: string }> = filter.unitId
      ? await this.db.query('SELECT name_zh, name_en FROM units WHERE id = $1', [filter.unitId])
      : [];
    const [mediator]: Array<{ display_name: string }> = filter.mediatorId
      ? await this.db.query('SELECT display_name FROM users WHERE id = $1', [filter.mediatorId])
      : [];
    return {
      unit: unit ? { nameZh: unit.name_zh, nameEn: unit.name_en } : null,
      mediatorName: mediator?.display_name ?? null,
    };
  }
}

import type { DataSource, EntityManager } from 'typeorm';

/** What a lookup code belongs to: a case or a petition. */
export interface LookupSubject {
  type: 'case' | 'petition';
  id: string;
}

/** The party access panel's facts: whether a code is current, since when, from whom; whether lookup is on. */
export interface LookupAccess {
  hasCode: boolean;
  issuedAt: Date | null;
  issuedByName: string | null;
  enabled: boolean;
}

/**
 * `lookup_codes`: one row per case or petition with its 查询码 as a keyed hash (never the
 * code), and whether the lookup is on. The only code that queries it.
 */
export class LookupCodeRepository {
  constructor(private readonly db: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  /** Stores a new code's hash: the subject's old code (if any) stops working; on/off stays as it was. */
  async storeIssued(
    subject: LookupSubject,
    issued: { codeHash: string; at: Date; by: string | null },
    tx: EntityManager,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO lookup_codes (subject_type, subject_id, code_hash, issued_at, issued_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (subject_type, subject_id) DO UPDATE SET
         code_hash = EXCLUDED.code_hash, issued_at = EXCLUDED.issued_at, issued_by = EXCLUDED.issued_by`,
      [subject.type, subject.id, issued.codeHash, issued.at, issued.by],
    );
  }

  /** Turns the lookup on or off (kept also before any code is issued). */
  async storeEnabled(subject: LookupSubject, enabled: boolean, at: Date, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO lookup_codes (subject_type, subject_id, lookup_enabled, enabled_changed_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (subject_type, subject_id) DO UPDATE SET
         lookup_enabled = EXCLUDED.lookup_enabled, enabled_changed_at = EXCLUDED.enabled_changed_at`,
      [subject.type, subject.id, enabled, at],
    );
  }

  async accessOf(subject: LookupSubject, tx?: EntityManager): Promise<LookupAccess> {
    const [row]: Array<{
      code_hash: string | null;
      issued_at: Date | null;
      issued_by_name: string | null;
      lookup_enabled: boolean;
    }> = await this.manager(tx).query(
      `SELECT l.code_hash, l.issued_at, u.display_name AS issued_by_name, l.lookup_enabled
       FROM lookup_codes l LEFT JOIN users u ON u.id = l.issued_by
       WHERE l.subject_type = $1 AND l.subject_id = $2`,
      [subject.type, subject.id],
    );
    if (!row) return { hasCode: false, issuedAt: null, issuedByName: null, enabled: true };
    return {
      hasCode: row.code_hash !== null,
      issuedAt: row.issued_at ? new Date(row.issued_at) : null,
      issuedByName: row.issued_by_name,
      enabled: row.lookup_enabled,
    };
  }

  /** The current code's hash, whether the lookup is on or off (null: no code issued). */
  async currentHashOf(subject: LookupSubject, tx?: EntityManager): Promise<string | null> {
    const [row]: Array<{ code_hash: string | null }> = await this.manager(tx).query(
      'SELECT code_hash FROM lookup_codes WHERE subject_type = $1 AND subject_id = $2',
      [subject.type, subject.id],
    );
    return row?.code_hash ?? null;
  }
}

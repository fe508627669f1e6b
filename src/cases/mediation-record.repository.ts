import type { DataSource } from 'typeorm';
import type { Tx } from '../shared/db/transactions';
import type { PlainInsert } from '../shared/db/write-batch';
import { Agreement, MediationSession } from './mediation-record.entity';

/** What an agreement's row may change to after it was reached (the event's own columns stay). */
type AgreementChange = Partial<
  Pick<Agreement, 'status' | 'judiciallyConfirmed' | 'rulingNo' | 'ruledOn' | 'breachGuidance'>
>;

/**
 * The only code that queries a case's mediation records: the sessions logged on it
 * (LOG_SESSION) and its agreements (REACH_AGREEMENT and what happens to the agreement
 * afterwards). A case has at most one **active** agreement: reaching a new one, a new
 * round of mediation or a rejected confirmation supersedes it.
 */
export class MediationRecordRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * A logged session, as a row of the event's one statement (`CaseRepository.eventWrites`):
   * a fixed text, planned once per connection (its id and `created_at` are the table's defaults).
   */
  sessionInsert(
    values: Pick<MediationSession, 'caseId' | 'eventSeq' | 'kind' | 'heldAt' | 'minutes'> &
      Partial<Pick<MediationSession, 'place' | 'attendees' | 'recordedBy'>>,
  ): PlainInsert {
    return {
      sql: `INSERT INTO mediation_sessions (case_id, event_seq, kind, held_at, place, attendees, minutes, recorded_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      values: [
        values.caseId,
        values.eventSeq,
        values.kind,
        values.heldAt,
        values.place ?? null,
        values.attendees ?? null,
        values.minutes,
        values.recordedBy ?? null,
      ],
    };
  }

  /** How many sessions, hearings and visits were logged on the case (what a hand-off says was done). */
  countSessions(tx: Tx, caseId: string): Promise<number> {
    return tx.count(MediationSession, { where: { caseId } });
  }

  /** Records a new agreement; the active one before it must have been superseded first (`changeActiveAgreement`). */
  async insertAgreement(tx: Tx, values: Partial<Agreement>): Promise<void> {
    await tx.insert(Agreement, values);
  }

  /** Changes the case's active agreement, if it has one (superseded, confirmed, fulfilled, breached). */
  async changeActiveAgreement(tx: Tx, caseId: string, changes: AgreementChange): Promise<void> {
    await tx.update(Agreement, { caseId, status: 'active' }, changes);
  }

  /** The case's current agreement (the latest not superseded by a new round of mediation), if any. */
  latestAgreementOf(caseId: string, tx?: Tx): Promise<Agreement | null> {
    return (tx ?? this.db.manager)
      .createQueryBuilder(Agreement, 'a')
      .where('a.case_id = :caseId', { caseId })
      .andWhere(`a.status <> 'superseded'`)
      .orderBy('a.event_seq', 'DESC')
      .getOne();
  }
}

import { daysBetween } from '../deadlines/plain-date';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { EscalationRepository } from '../escalations/escalation.repository';
import type { PendingInsert } from '../shared/db/write-batch';
import type { CaseEventStep, SteppedCaseEvent } from './case-event-step';
import { type HandOffEvent, handOffRecordOf } from './hand-off-record';
import type { MediationRecordRepository } from './mediation-record.repository';

/**
 * The records an event keeps besides itself and the case's columns: a logged session, a
 * hand-off's escalation record, what becomes of the case's agreement.
 */
export class CaseEventRecords {
  constructor(
    private readonly records: MediationRecordRepository,
    private readonly escalations: EscalationRepository,
  ) {}

  /**
   * The rows an event adds besides itself (a session, a hand-off), for the event's one
   * statement; what it changes in rows that exist already (the case's agreement) is
   * written here, in the event's transaction, first.
   */
  async sideRecords(stepped: SteppedCaseEvent): Promise<PendingInsert[]> {
    const { tx, row, event, seq } = stepped;
    switch (event.type) {
      case 'LOG_SESSION':
        return [
          this.records.sessionInsert({
            caseId: row.id,
            eventSeq: seq,
            kind: event.kind,
            heldAt: new Date(event.heldAt),
            place: event.place ?? null,
            attendees: event.attendees ?? null,
            minutes: event.minutes,
            recordedBy: stepped.actor.id,
          }),
        ];
      case 'REACH_AGREEMENT':
        // the agreement before goes first: only one is active at a time
        await this.records.changeActiveAgreement(tx, row.id, { status: 'superseded' });
        await this.records.insertAgreement(tx, {
          caseId: row.id,
          eventSeq: seq,
          form: event.form,
          terms: event.terms,
          performBy: event.performBy ?? null,
          reachedOn: stepped.today,
          confirmationWindowEndsOn: event.confirmationWindowEndsOn,
          confirmable: event.form === 'written' ? event.confirmable === true : null,
          notConfirmableReason: event.notConfirmableReason ?? null,
        });
        return [];
      case 'CONFIRMED':
        await this.records.changeActiveAgreement(tx, row.id, {
          judiciallyConfirmed: true,
          rulingNo: event.rulingNo,
          ruledOn: event.ruledOn,
        });
        return [];
      case 'FULFILLED':
        await this.records.changeActiveAgreement(tx, row.id, { status: 'fulfilled' });
        return [];
      case 'BREACHED':
        await this.records.changeActiveAgreement(tx, row.id, {
          status: 'breached',
          breachGuidance: { concerns: event.concerns ?? [], guidance: event.guidance },
        });
        return [];
      case 'RESUME_MEDIATION':
      case 'CONFIRMATION_REJECTED':
        await this.records.changeActiveAgreement(tx, row.id, { status: 'superseded' });
        return [];
      case 'ESCALATE':
      case 'RETURN_DOWN':
      case 'TRANSFER':
        return [await this.handOff(stepped, event)];
      default:
        return [];
    }
  }

  /** The escalation record of a hand-off, with what the unit handing off did: sessions held, days held. */
  private async handOff(stepped: SteppedCaseEvent, event: HandOffEvent): Promise<PendingInsert> {
    const { tx, row, holdingUnit, today } = stepped;
    const heldSince = await this.heldSince(stepped);
    const sessionsHeld = await this.records.countSessions(tx, row.id);
    return this.escalations.handOffInsert({
      caseId: row.id,
      eventSeq: stepped.seq,
      fromUnitId: holdingUnit.id,
      toUnitId: stepped.after.holdingUnitId,
      ...handOffRecordOf(event, stepped.before, stepped.after),
      sessionsHeld,
      daysHeld: Math.max(0, daysBetween(todayInShanghai(heldSince), today)),
      byUserId: stepped.actor.id,
      status: 'pending',
      createdAt: stepped.now,
    });
  }

  /** When the current holding unit received the case (its last hand-off in, else registration). */
  private async heldSince({ tx, row, holdingUnit }: CaseEventStep): Promise<Date> {
    const lastIn = await this.escalations.lastHandOffInto(tx, row.id, holdingUnit.id);
    return lastIn?.createdAt ?? row.createdAt;
  }
}

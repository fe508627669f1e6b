import type { MigrationInterface, QueryRunner } from 'typeorm';
import { OfficialCalendarRepository } from '../src/deadlines/official-calendar.repository';
import { dueDateOf } from '../src/deadlines/period';
import { todayInShanghai, WorkingCalendar } from '../src/deadlines/working-calendar';
import { rulesFor } from '../src/workflows/rules';

/**
 * Judicial confirmation as the law draws it (issue 19; 人民调解法 §33, 民事诉讼法 §205, §206,
 * §187; 民诉法解释 §355; 劳动争议调解仲裁法 §15, §16):
 *
 * - An agreement says itself whether the court can confirm it (`confirmable`, and why not:
 *   `not_confirmable_reason`) instead of its dispute type. Agreements recorded before: a
 *   written one with a confirmation window could be confirmed, and so can a written one from
 *   the court's 委派调解 (judicial track, §205(1)), which the old rules gave no window; a
 *   written land or demolition agreement was refused by type — kept refused, its reason left
 *   null (nobody recorded one: the case page says so), which the mediator may correct by a
 *   new agreement; other written ones without a window (administrative mediation) cannot be;
 *   oral ones have nothing to confirm (null).
 * - A written judicial-track agreement still inside its 30 days at the upgrade (§33, counted
 *   by the type's window rule: calendar days, §85 off a holiday) is given its window in the
 *   case's context, which the statechart and the API read. The agreement's row keeps the
 *   window its REACH_AGREEMENT recorded (none): the row mirrors that event, and the audit
 *   check compares the two (src/integrity/mirrored-records.ts).
 * - The court's ruling is dated (`ruled_on`); a breach records the guidance given
 *   (`breach_guidance`).
 * - Case snapshots: the rules excerpt no longer carries `judicialConfirmationApplies`, and a
 *   labour case's FAIL no longer offers the payment order (§16 needs an agreement); the
 *   context carries the agreement's day of effect (`agreementReachedOn`).
 * - A case waiting for the court's ruling is held by that court (from its application's
 *   payload) and returns to the unit that held it with the ruling (`agreementUnitId`). Its
 *   decision clock (§187) starts with applications made from now on: the ones pending here
 *   show none.
 */
export class DecideJudicialConfirmationPerAgreementAtTheCourt1764200300000 implements MigrationInterface {
  name = 'DecideJudicialConfirmationPerAgreementAtTheCourt1764200300000';

  /** `now`: the upgrade's instant (tests pass their clock's). */
  constructor(private readonly now: () => Date = () => new Date()) {}

  /**
   * §33, §205(1): the written judicial-track agreements awaiting performance, unconfirmed and
   * without a window, whose 30 days (the type's window rule, from the day the agreement took
   * effect) have not run out today, get that window in the case's context.
   */
  private async openJudicialTrackWindows(db: QueryRunner): Promise<void> {
    const agreements: Array<{ caseId: string; type: string; rulesVersion: number; reachedOn: string }> =
      await db.query(
        `SELECT c.id AS "caseId", c.type, c.rules_version AS "rulesVersion", to_char(a.reached_on, 'YYYY-MM-DD') AS "reachedOn"
           FROM agreements a JOIN cases c ON c.id = a.case_id
          WHERE a.form = 'written' AND a.status = 'active' AND NOT a.judicially_confirmed
            AND c.state = 'agreement.awaitingFulfilment' AND c.snapshot #>> '{context,track}' = 'judicial'
            AND c.snapshot #>> '{context,confirmationWindowEndsOn}' IS NULL`,
      );
    if (agreements.length === 0) return;
    const today = todayInShanghai(this.now());
    const calendar = new WorkingCalendar({
      years: await new OfficialCalendarRepository(db.connection).allYears(db.manager),
    });
    for (const agreement of agreements) {
      const window = rulesFor(agreement.type, agreement.rulesVersion).judicialConfirmation.applicationWindow;
      const endsOn = dueDateOf(agreement.reachedOn, window, calendar);
      if (endsOn < today) continue; // YYYY-MM-DD compares as text
      await db.query(
        `UPDATE cases SET snapshot = jsonb_set(snapshot, '{context,confirmationWindowEndsOn}', to_jsonb($2::text))
          WHERE id = $1`,
        [agreement.caseId, endsOn],
      );
    }
  }

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE agreements
         ADD COLUMN confirmable boolean,
         ADD COLUMN not_confirmable_reason varchar(32),
         ADD COLUMN ruled_on date,
         ADD COLUMN breach_guidance jsonb`,
    );
    await db.query(
      `UPDATE agreements a SET
         confirmable = a.confirmation_window_ends_on IS NOT NULL OR c.snapshot #>> '{context,track}' = 'judicial'
       FROM cases c WHERE c.id = a.case_id AND a.form = 'written'`,
    );
    await this.openJudicialTrackWindows(db);
    await db.query(
      `UPDATE cases SET snapshot = jsonb_set(snapshot #- '{context,rules,judicialConfirmationApplies}',
         '{context,rules,failureGuidance}',
         CASE WHEN type = 'labour'
           THEN coalesce((SELECT jsonb_agg(g) FROM jsonb_array_elements(snapshot #> '{context,rules,failureGuidance}') g
                           WHERE g <> '"payment_order"'), '[]'::jsonb)
           ELSE snapshot #> '{context,rules,failureGuidance}' END)`,
    );
    await db.query(
      `UPDATE cases c SET snapshot = jsonb_set(c.snapshot, '{context,agreementReachedOn}', to_jsonb(a.reached_on::text))
         FROM agreements a
        WHERE a.case_id = c.id AND a.status <> 'superseded' AND c.state LIKE 'agreement.%'`,
    );
    await db.query(
      `UPDATE cases c SET
         holding_unit_id = r.court,
         held_unit_ids = CASE WHEN r.court = ANY(c.held_unit_ids) THEN c.held_unit_ids ELSE c.held_unit_ids || r.court END,
         snapshot = c.snapshot || jsonb_build_object('context', (c.snapshot -> 'context') || jsonb_build_object(
           'agreementUnitId', c.holding_unit_id, 'confirmationCourtId', r.court, 'holdingUnitId', r.court,
           'confirmationAppliedOn', r.applied_on))
         FROM (SELECT DISTINCT ON (e.case_id) e.case_id, (e.payload ->> 'court')::uuid AS court,
                      e.payload ->> 'appliedOn' AS applied_on
                 FROM case_events e WHERE e.type = 'REQUEST_JUDICIAL_CONFIRMATION'
                ORDER BY e.case_id, e.seq DESC) r
        WHERE r.case_id = c.id AND c.state = 'agreement.judicialConfirmation'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE cases SET holding_unit_id = (snapshot #>> '{context,agreementUnitId}')::uuid,
         snapshot = jsonb_set(snapshot, '{context,holdingUnitId}', snapshot #> '{context,agreementUnitId}')
       WHERE state = 'agreement.judicialConfirmation' AND snapshot #>> '{context,agreementUnitId}' IS NOT NULL`,
    );
    await db.query(
      `UPDATE cases SET snapshot = jsonb_set(
         snapshot #- '{context,agreementReachedOn}' #- '{context,agreementUnitId}' #- '{context,confirmationCourtId}'
           #- '{context,confirmationAppliedOn}',
         '{context,rules,judicialConfirmationApplies}',
         to_jsonb(type NOT IN ('land_requisition', 'demolition_relocation')))`,
    );
    await db.query(
      `ALTER TABLE agreements DROP COLUMN confirmable, DROP COLUMN not_confirmable_reason,
         DROP COLUMN ruled_on, DROP COLUMN breach_guidance`,
    );
  }
}

import type { QueryRunner } from 'typeorm';
import { DecideJudicialConfirmationPerAgreementAtTheCourt1764200300000 as Migration } from '../../migrations/1764200300000-DecideJudicialConfirmationPerAgreementAtTheCourt';
import { casePageView } from '../../src/cases/case-page.view-model';
import { dueDate } from '../../src/deadlines/period';
import { officialCalendar } from '../../src/deadlines/working-calendar';
import { createI18n } from '../../src/shared/i18n/i18n';
import { startTestApp, type TestApp } from '../support/test-app';
import { type CaseTeam, createCaseTeam, registerCase, sendEvents } from './case-api';

/**
 * The migration of issue 19 on cases recorded before it (人民调解法 §33; 民事诉讼法 §205;
 * 民诉法解释 §355; 劳动争议调解仲裁法 §16): taken back down to the old shape, then up again.
 */
describe('migration: judicial confirmation decided per agreement, at the court', () => {
  let testApp: TestApp;
  let team: CaseTeam;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    team = await createCaseTeam(testApp);
  });
  afterAll(() => testApp.close());

  async function agreed(type: string) {
    const community = team.mediators.community;
    const registered = await registerCase(testApp, community, { type });
    const body = await sendEvents(testApp, registered.body.id, registered.body.version, [
      [community, { type: 'SUBMIT' }],
      [community, { type: 'ACCEPT', track: 'people', level: 'community' }],
      [community, { type: 'ASSIGN', mediatorId: community.user.id }],
      [community, { type: 'REACH_AGREEMENT', form: 'written', terms: '十日内付清。' }],
    ]);
    return { id: registered.body.id as string, version: body.version };
  }

  /** A written agreement from the court's 委派调解 (judicial track), reached at the court. */
  async function agreedAtCourt() {
    const court = team.mediators.court;
    const registered = await registerCase(testApp, team.mediators.community);
    const body = await sendEvents(testApp, registered.body.id, registered.body.version, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [team.mediators.community, { type: 'ACCEPT', track: 'judicial', unitId: team.units.court.id }],
      [court, { type: 'ASSIGN', mediatorId: court.user.id }],
      [court, { type: 'REACH_AGREEMENT', form: 'written', terms: '双方同意分两期付清货款。' }],
    ]);
    return { id: registered.body.id as string, version: body.version };
  }

  /** As the old rules left a judicial-track agreement: no window, in the agreement or the case. */
  async function withoutWindow(runner: QueryRunner, caseId: string, reachedOn?: string) {
    // an agreement is never reached before its case was registered (a trigger says so): the case goes back too
    if (reachedOn)
      await runner.query(`UPDATE cases SET created_at = $2::date - 1 WHERE id = $1`, [caseId, reachedOn]);
    await runner.query(
      `UPDATE agreements SET confirmation_window_ends_on = NULL, reached_on = coalesce($2::date, reached_on)
        WHERE case_id = $1`,
      [caseId, reachedOn ?? null],
    );
    // (the day of effect in the context is the agreement's, put back by the migration)
    await runner.query(
      `UPDATE cases SET snapshot = jsonb_set(snapshot, '{context,confirmationWindowEndsOn}', 'null') WHERE id = $1`,
      [caseId],
    );
  }

  it('keeps what could be confirmed, leaves the reason of land agreements refused by type unrecorded (§355: nobody decided one), drops the payment order from labour FAIL, and hands pending applications to their court', async () => {
    const labour = await agreed('labour');
    await sendEvents(testApp, labour.id, labour.version, [
      [
        team.mediators.community,
        {
          type: 'REQUEST_JUDICIAL_CONFIRMATION',
          court: team.units.court.id,
          appliedOn: '2026-12-03',
          jointlyApplied: true,
        },
      ],
    ]);
    const land = await agreed('land_requisition');
    // 民事诉讼法 §205(1): judicial-track agreements, one still inside its 30 days, one past them
    const recent = await agreedAtCourt();
    const older = await agreedAtCourt();

    const runner = testApp.db.createQueryRunner();
    try {
      const migration = new Migration(() => testApp.clock.now());
      await migration.down(runner);
      // as the old rules wrote them: land agreements got no window, labour FAIL offered the payment order
      await runner.query('UPDATE agreements SET confirmation_window_ends_on = NULL WHERE case_id = $1', [
        land.id,
      ]);
      await runner.query(
        `UPDATE cases SET snapshot = jsonb_set(snapshot, '{context,rules,failureGuidance}', '["arbitration", "payment_order"]')
          WHERE id = $1`,
        [labour.id],
      );
      await withoutWindow(runner, recent.id);
      // reached 2026-11-02: its 30 days ended 2026-12-02, the day before the upgrade
      await withoutWindow(runner, older.id, '2026-11-02');
      const [old] = await runner.query('SELECT holding_unit_id FROM cases WHERE id = $1', [labour.id]);
      expect(old.holding_unit_id).toBe(team.units.community.id);

      await migration.up(runner);
    } finally {
      await runner.release();
    }

    const [pending] = await testApp.db.query(
      `SELECT holding_unit_id, held_unit_ids, snapshot #> '{context}' AS context FROM cases WHERE id = $1`,
      [labour.id],
    );
    expect(pending.holding_unit_id).toBe(team.units.court.id);
    expect(pending.held_unit_ids).toContain(team.units.court.id);
    expect(pending.context).toMatchObject({
      holdingUnitId: team.units.court.id,
      confirmationCourtId: team.units.court.id,
      agreementUnitId: team.units.community.id,
      // the day the parties applied, from the application's event: the ruling may not precede it
      confirmationAppliedOn: '2026-12-03',
      agreementReachedOn: '2026-12-03',
      rules: { failureGuidance: ['arbitration'] },
    });
    expect(pending.context.rules).not.toHaveProperty('judicialConfirmationApplies');

    const agreements = await testApp.db.query(
      `SELECT case_id, confirmable, not_confirmable_reason AS reason FROM agreements WHERE case_id = ANY($1)`,
      [[labour.id, land.id, recent.id, older.id]],
    );
    expect(agreements).toEqual(
      expect.arrayContaining([
        { case_id: labour.id, confirmable: true, reason: null },
        { case_id: land.id, confirmable: false, reason: null },
        { case_id: recent.id, confirmable: true, reason: null },
        { case_id: older.id, confirmable: true, reason: null },
      ]),
    );

    // 人民调解法 §33: the window of the one still inside its 30 days (calendar days, §85), which the court may now confirm
    const windows = await testApp.db.query(
      `SELECT id, snapshot #>> '{context,confirmationWindowEndsOn}' AS "endsOn" FROM cases WHERE id = ANY($1)`,
      [[recent.id, older.id]],
    );
    expect(windows).toEqual(
      expect.arrayContaining([
        { id: recent.id, endsOn: dueDate('2026-12-03', 30, 'calendar', officialCalendar) },
        { id: older.id, endsOn: null },
      ]),
    );
    const court = team.mediators.court;
    const [recentCase] = await testApp.db.query('SELECT version FROM cases WHERE id = $1', [recent.id]);
    const applied = await sendEvents(testApp, recent.id, recentCase.version, [
      [
        court,
        {
          type: 'REQUEST_JUDICIAL_CONFIRMATION',
          court: team.units.court.id,
          appliedOn: '2026-12-03',
          jointlyApplied: true,
        },
      ],
    ]);
    expect(applied.state).toBe('agreement.judicialConfirmation');

    // the land agreement's page says it was not offered confirmation and that no reason was recorded
    const actor = await testApp.services.actors.load(team.mediators.community.user.id);
    if (!actor) throw new Error('no actor');
    const i18n = await createI18n('zh-CN');
    const page = casePageView(
      await testApp.services.caseFiles.open(actor, land.id),
      { timeline: 'all' },
      { t: i18n.getFixedT('zh-CN'), locale: 'zh-CN' },
    );
    expect(page.case.confirmation?.status).toBe(
      '本协议按原规则未提供司法确认，未记录不能确认的原因（民诉法解释第三百五十五条）。',
    );
  });
});

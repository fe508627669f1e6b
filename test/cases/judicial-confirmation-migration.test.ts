import { DecideJudicialConfirmationPerAgreementAtTheCourt1764200300000 as Migration } from '../../migrations/1764200300000-DecideJudicialConfirmationPerAgreementAtTheCourt';
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

  it('keeps what could be confirmed, marks land agreements refused by type as outside civil jurisdiction (§355(1)), drops the payment order from labour FAIL, and hands pending applications to their court', async () => {
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

    const runner = testApp.db.createQueryRunner();
    try {
      const migration = new Migration();
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
      agreementReachedOn: '2026-12-03',
      rules: { failureGuidance: ['arbitration'] },
    });
    expect(pending.context.rules).not.toHaveProperty('judicialConfirmationApplies');

    const agreements = await testApp.db.query(
      `SELECT case_id, confirmable, not_confirmable_reason AS reason FROM agreements WHERE case_id = ANY($1)`,
      [[labour.id, land.id]],
    );
    expect(agreements).toEqual(
      expect.arrayContaining([
        { case_id: labour.id, confirmable: true, reason: null },
        { case_id: land.id, confirmable: false, reason: 'outside_civil_jurisdiction' },
      ]),
    );
  });
});

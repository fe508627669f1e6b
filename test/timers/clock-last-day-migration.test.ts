import { KeepTheCaseClocksLastDayWithItsClock1764900100000 as AddCheck } from '../../migrations/1764900100000-KeepTheCaseClocksLastDayWithItsClock';
import { CheckEveryCasesClockHasItsLastDay1764900110000 as ValidateCheck } from '../../migrations/1764900110000-CheckEveryCasesClockHasItsLastDay';
import { acceptedCase } from '../support/accepted-case';
import { createCase } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** Issue 22, fourteenth round: the deadline sweep finds the cases with a clock by their last day. */
describe('a case’s clock and its last day kept together (migrations 1764900100000, 1764900110000)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('when rows written before the constraint disagree, then the last day is set from the clock, and the constraint is validated', async () => {
    const { dispute: withClock, mediator } = await acceptedCase(testApp.services, testApp.db);
    const withoutClock = await createCase(testApp.services, mediator.id);

    const runner = testApp.db.createQueryRunner();
    try {
      await new AddCheck().down(runner);
      // as an older writer could have left them: a clock without its last day, a last day without a clock
      await testApp.db.query('UPDATE cases SET deadline_due = NULL WHERE id = $1', [withClock.id]);
      await testApp.db.query(`UPDATE cases SET deadline_due = '2026-01-05' WHERE id = $1`, [withoutClock.id]);
      await new AddCheck().up(runner);
      await new ValidateCheck().up(runner);
    } finally {
      await runner.release();
    }

    const rows: Array<{ id: string; due: string | null; clock_due: string | null }> = await testApp.db.query(
      `SELECT id, to_char(deadline_due, 'YYYY-MM-DD') AS due, deadline->>'due' AS clock_due FROM cases WHERE id = ANY($1::uuid[])`,
      [[withClock.id, withoutClock.id]],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(withClock.id)?.clock_due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(byId.get(withClock.id)?.due).toBe(byId.get(withClock.id)?.clock_due);
    expect(byId.get(withoutClock.id)).toMatchObject({ due: null, clock_due: null });
    const [constraint] = await testApp.db.query(
      `SELECT convalidated FROM pg_constraint WHERE conname = 'cases_deadline_due_with_deadline'`,
    );
    expect(constraint.convalidated).toBe(true);
  });
});

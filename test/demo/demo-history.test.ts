import { demoPassword } from '../../src/demo/demo-accounts';
import { type DemoHistoryResult, seedDemoHistory } from '../../src/demo/demo-history';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { ChainAuditRepository } from '../../src/integrity/chain-audit.repository';
import { ChainAuditService } from '../../src/integrity/chain-audit.service';
import { Browser } from '../support/auth';
import { eventLogOf, startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(300_000);

const now = new Date('2026-12-03T10:00:00+08:00');

/** The figures of the stats page's table: figure key → value as shown. */
function figuresIn(html: string): Map<string, string> {
  const rows = [...html.matchAll(/<tr data-figure="([^"]+)"><th scope="row">[^<]*<\/th><td>([^<]*)<\/td>/g)];
  return new Map(rows.map(([, key, value]) => [key, value]));
}

describe('the demo year (issue 21): a first start in demo mode tells a year of history through the real write path', () => {
  let testApp: TestApp;
  let told: DemoHistoryResult[];
  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true, demoData: 'history' }, { startAt: now });
    // the demo accounts' passwords set before the test's clock starts
    await seedDemoOrganisation(testApp.db, new Date('2020-01-01T00:00:00Z'));
    // two instances starting together on one database: one tells the year, the other waits and writes nothing
    told = await Promise.all([
      seedDemoHistory(testApp.db, testApp.config, testApp.clock.now()),
      seedDemoHistory(testApp.db, testApp.config, testApp.clock.now()),
    ]);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('when two instances start together, then exactly one tells the year, and the write path refused none of its steps', () => {
    expect(told.map((result) => result.seeded).sort()).toEqual([false, true]);
    const tally = told.find((result) => result.seeded)?.tally ?? {};
    expect(Object.keys(tally).filter((what) => what.startsWith('refused:'))).toEqual([]);
    // every kind of step the brief asks for was taken
    const missing: string[] = [];
    for (const step of [
      'case:ACCEPT',
      'case:ASSIGN',
      'case:LOG_SESSION',
      'case:ESCALATE',
      'case:RETURN_DOWN',
      'case:TRANSFER',
      'review:endorsed',
      'review:questioned',
      'case:REACH_AGREEMENT',
      'case:CONFIRMED',
      'case:RECORD_FOLLOW_UP',
      'case:FULFILLED',
      'case:BREACHED',
      'case:FAIL',
      'case:WITHDRAW',
      'case:DECLINE',
      'petition:VISIT',
      'petition:REPLY',
      'petition:REVIEW_DECIDED',
      'petition:LINK_CASE',
    ]) {
      if (!tally[step]) missing.push(step);
    }
    expect(missing).toEqual([]);
  });

  it('when told, then 300 cases (and those opened from petitions) and 60 petitions were registered over the year, none after today', async () => {
    const [cases] = await testApp.db.query(
      'SELECT count(*)::int AS n, min(created_at) AS first, max(created_at) AS last FROM cases',
    );
    expect(cases.n).toBe(300 + (told.find((result) => result.seeded)?.tally['petition:LINK_CASE'] ?? 0));
    expect(new Date(cases.first).getTime()).toBeLessThan(now.getTime() - 330 * 86_400_000);
    expect(new Date(cases.last).getTime()).toBeLessThanOrEqual(now.getTime());
    const [petitions] = await testApp.db.query('SELECT count(*)::int AS n FROM petitions');
    expect(petitions.n).toBe(60);
    // the states a newcomer meets: open, in agreement, closed
    const states: Array<{ state: string }> = await testApp.db.query('SELECT DISTINCT state FROM cases');
    expect(states.map((row) => row.state)).toEqual(
      expect.arrayContaining(['mediation.inProgress', 'agreement.awaitingFulfilment', 'closed']),
    );
  });

  it('when the workstation mediator signs in, then the dashboard lists cases, not "暂无"', async () => {
    const browser = new Browser(testApp.app);
    await browser.signIn('mediator', demoPassword);
    const dashboard = await browser.get('/');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text.match(/href="\/cases\/[0-9a-f-]{36}"/g)?.length ?? 0).toBeGreaterThanOrEqual(5);
    const list = await browser.get('/cases');
    expect(list.text.match(/href="\/cases\/[0-9a-f-]{36}"/g)?.length ?? 0).toBeGreaterThanOrEqual(10);
  });

  it('when the district supervisor opens the statistics, then the figures are not zero', async () => {
    const browser = new Browser(testApp.app);
    await browser.signIn('supervisor', demoPassword);
    const stats = await browser.get('/stats?from=2025-12-01&to=2026-12-03');
    expect(stats.status).toBe(200);
    const figures = figuresIn(stats.text);
    expect(figures.size).toBeGreaterThan(0);
    const nonZero = [...figures.values()].filter((value) => /[1-9]/.test(value));
    expect(nonZero.length).toBeGreaterThanOrEqual(3);
  });

  it('when the audit chains are checked (npm run audit:verify), then every case and petition chain is intact', async () => {
    const audit = new ChainAuditService(new ChainAuditRepository(testApp.db), eventLogOf(testApp));
    const { checked, findings } = await audit.audit();
    const [cases] = await testApp.db.query('SELECT count(*)::int AS n FROM cases');
    expect(checked).toEqual({ case: cases.n, petition: 60 });
    expect(findings).toEqual([]);
  });

  it('when started again, then nothing more is written', async () => {
    const [before] = await testApp.db.query('SELECT count(*)::int AS n FROM cases');
    const again = await seedDemoHistory(testApp.db, testApp.config, testApp.clock.now());
    expect(again.seeded).toBe(false);
    const [after] = await testApp.db.query('SELECT count(*)::int AS n FROM cases');
    expect(after.n).toBe(before.n);
  });
});

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
      'case:SET_RISK_GRADE',
      'screening:ZERO_REPORT',
      'screening:FILED',
      'screening:ITEM_TO_CASE',
      'screening:MISSING_FLAGGED',
      'group:REGISTER',
      'group:LINKED',
    ]) {
      if (!tally[step]) missing.push(step);
    }
    expect(missing).toEqual([]);
  });

  it('when told, then 300 cases (and those opened from petitions, screening and the group) and 60 petitions were registered over the year, none after today', async () => {
    const [cases] = await testApp.db.query(
      'SELECT count(*)::int AS n, min(created_at) AS first, max(created_at) AS last FROM cases',
    );
    const tally = told.find((result) => result.seeded)?.tally ?? {};
    expect(cases.n).toBe(
      300 +
        (tally['petition:LINK_CASE'] ?? 0) +
        (tally['screening:ITEM_TO_CASE'] ?? 0) +
        (tally['group:REGISTER'] ?? 0),
    );
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

  it('when told, then every community workstation screened every month (矛盾纠纷排查), mostly zero reports, some items of grades 1–4, one made a case', async () => {
    const rounds: Array<{ period: string; units: number; zero: number }> = await testApp.db.query(
      `SELECT r.period, count(*)::int AS units,
              count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM screening_items i WHERE i.round_id = r.id))::int AS zero
       FROM screening_rounds r GROUP BY r.period ORDER BY r.period`,
    );
    const [workstations] = await testApp.db.query(
      "SELECT count(*)::int AS n FROM units WHERE kind = 'community'",
    );
    // December 2025 to November 2026 (this month's round is not due yet); one workstation missed one month
    expect(rounds.map((row) => row.period)).toEqual(
      Array.from(
        { length: 12 },
        (_, index) => `${index === 0 ? 2025 : 2026}-${String(((index + 11) % 12) + 1).padStart(2, '0')}`,
      ),
    );
    expect(rounds.reduce((sum, row) => sum + row.units, 0)).toBe(12 * workstations.n - 1);
    const zero = rounds.reduce((sum, row) => sum + row.zero, 0);
    expect(zero).toBeGreaterThan((12 * workstations.n) / 2);
    const grades: Array<{ grade: number; n: number }> = await testApp.db.query(
      'SELECT risk_grade AS grade, count(*)::int AS n FROM screening_items GROUP BY risk_grade ORDER BY risk_grade',
    );
    expect(grades.map((row) => row.grade)).toEqual([1, 2, 3, 4]);
    const highRisk = grades.filter((row) => row.grade >= 3).reduce((sum, row) => sum + row.n, 0);
    expect(highRisk).toBeGreaterThanOrEqual(3);
    expect(highRisk).toBeLessThan(grades.reduce((sum, row) => sum + row.n, 0) / 3);
    const [made] = await testApp.db.query(
      "SELECT count(*)::int AS n FROM screening_items i JOIN cases c ON c.id = i.case_id WHERE c.source = 'grid_patrol'",
    );
    expect(made.n).toBe(1);
  });

  it('when the town supervisor opens the screening overview, then one workstation shows one missing month (缺报), flagged by the daily job, the others filed or zero', async () => {
    const browser = new Browser(testApp.app);
    await browser.signIn('supervisor.street', demoPassword);
    const overview = await browser.get('/screenings/overview');
    expect(overview.status).toBe(200);
    const statuses = [...overview.text.matchAll(/data-status="([a-zA-Z]+)"/g)].map(([, status]) => status);
    // 莘庄镇's three workstations × six months, this month still to come
    expect(statuses).toHaveLength(18);
    expect(statuses.filter((status) => status === 'missing')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'pending')).toHaveLength(3);
    expect(statuses).toContain('zero');
    expect(statuses.filter((status) => status === 'notOwed')).toEqual([]);
    const flags: Array<{ period: string }> = await testApp.db.query(
      'SELECT period FROM screening_missing_reports',
    );
    expect(flags).toEqual([{ period: '2026-09' }]);
  });

  it('when told, then some cases are risk-graded at registration and a few graded anew with a reason (SET_RISK_GRADE)', async () => {
    const graded: Array<{ grade: number; n: number }> = await testApp.db.query(
      'SELECT risk_grade AS grade, count(*)::int AS n FROM cases WHERE risk_grade IS NOT NULL GROUP BY risk_grade ORDER BY risk_grade',
    );
    expect(graded.map((row) => row.grade)).toEqual([1, 2, 3, 4]);
    const [ungraded] = await testApp.db.query(
      'SELECT count(*)::int AS n FROM cases WHERE risk_grade IS NULL',
    );
    expect(ungraded.n).toBeGreaterThan(0);
    const regraded: Array<{ reason: string }> = await testApp.db.query(
      "SELECT payload->>'reason' AS reason FROM case_events WHERE type = 'SET_RISK_GRADE'",
    );
    expect(regraded.length).toBeGreaterThanOrEqual(3);
    for (const { reason } of regraded) expect(reason.length).toBeGreaterThan(5);
  });

  it('when told, then one group dispute (群体性纠纷) has a master case and 3–5 member cases linked by its number', async () => {
    const groups: Array<{ master: string; number: string; members: number }> = await testApp.db.query(
      `SELECT m.id AS master, m.number, count(c.id)::int AS members
       FROM cases c JOIN cases m ON m.id = c.master_case_id GROUP BY m.id, m.number`,
    );
    expect(groups).toHaveLength(1);
    expect(groups[0].members).toBeGreaterThanOrEqual(3);
    expect(groups[0].members).toBeLessThanOrEqual(5);
    const links: Array<{ number: string }> = await testApp.db.query(
      "SELECT payload->>'masterNumber' AS number FROM case_events WHERE type = 'GROUP_LINKED'",
    );
    expect(links).toHaveLength(groups[0].members);
    for (const link of links) expect(link.number).toBe(groups[0].number);
    // the workstation mediator sees the group's cases on the master's group page
    const browser = new Browser(testApp.app);
    await browser.signIn('mediator', demoPassword);
    const page = await browser.get(`/cases/${groups[0].master}/group`);
    expect(page.status).toBe(200);
    for (const member of await testApp.db.query('SELECT number FROM cases WHERE master_case_id = $1', [
      groups[0].master,
    ]))
      expect(page.text).toContain(member.number);
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

import { lookupThrottleRules } from '../../src/tracking/lookup-throttle';
import { type CaseTeam, createCaseTeam } from '../cases/case-api';
import { startTestApp, type TestApp } from '../support/test-app';
import { acceptedCase, auditOf, startAt, track } from './tracking-support';

/**
 * Issue 20: lookups are throttled per address (an IPv6 address by its /64) and per number,
 * counted in the database; a refused lookup is answered 429 with Retry-After before its code
 * is checked, and works again once the window has passed.
 */
describe('throttling of the progress lookup', () => {
  let testApp: TestApp;
  let team: CaseTeam;

  beforeEach(async () => {
    testApp = await startTestApp({}, { startAt });
    team = await createCaseTeam(testApp);
  });
  afterEach(() => testApp.close());

  it('per number: after its failures from many addresses, even the right code is answered 429 until the window ends', async () => {
    const dispute = await acceptedCase(testApp, team);
    const { maxFailures, windowMinutes } = lookupThrottleRules.number;
    for (let i = 0; i < maxFailures; i += 1) {
      const wrong = await track(
        testApp,
        { number: dispute.number, code: 'AAAAA-AAAAA' },
        { ip: `192.0.2.${i + 1}` },
      );
      expect(wrong.status).toBe(404);
    }
    const refused = await track(
      testApp,
      { number: dispute.number, code: dispute.code },
      { ip: '192.0.2.200' },
    );
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('track_throttled');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(windowMinutes * 60);

    const throttled = (await auditOf(testApp, 'track.lookup')).filter(
      (e) => e.details.outcome === 'throttled',
    );
    expect(throttled).toEqual([
      expect.objectContaining({
        ip: '192.0.2.200',
        details: { outcome: 'throttled', number: dispute.number },
      }),
    ]);

    testApp.clock.advanceMinutes(windowMinutes + 1);
    expect(
      (await track(testApp, { number: dispute.number, code: dispute.code }, { ip: '192.0.2.200' })).status,
    ).toBe(200);
  });

  it('per number: guesses sent all at once are counted one after the other — no more than the limit are checked, and the flood of refusals is audited once', async () => {
    const dispute = await acceptedCase(testApp, team);
    const { maxFailures } = lookupThrottleRules.number;
    const answers = await Promise.all(
      Array.from({ length: maxFailures + 8 }, (_, i) =>
        track(testApp, { number: dispute.number, code: 'AAAAA-AAAAA' }, { ip: `198.51.100.${i + 1}` }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 404)).toHaveLength(maxFailures);
    expect(statuses.filter((status) => status === 429)).toHaveLength(8);
    const entries = await auditOf(testApp, 'track.lookup');
    expect(entries.filter((e) => e.details.outcome === 'not_found')).toHaveLength(maxFailures);
    expect(entries.filter((e) => e.details.outcome === 'throttled')).toHaveLength(1);
  });

  it('per address: an IPv6 /64 trying many numbers is refused (429) for all of them; another address is not', async () => {
    const dispute = await acceptedCase(testApp, team);
    const { maxFailures, windowMinutes } = lookupThrottleRules.address;
    for (let i = 0; i < maxFailures; i += 1) {
      // each from another address of the same /64
      const ip = `2001:db8:85a3:8d3::${(i + 1).toString(16)}`;
      const unknown = await track(
        testApp,
        { number: `MH-2026-9${String(i).padStart(5, '0')}`, code: 'AAAAA-AAAAA' },
        { ip },
      );
      expect(unknown.status).toBe(404);
    }
    const refused = await track(
      testApp,
      { number: dispute.number, code: dispute.code },
      { ip: '2001:db8:85a3:8d3:ffff::1' },
    );
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(
      (await track(testApp, { number: dispute.number, code: dispute.code }, { ip: '2001:db8:85a3:8d4::1' }))
        .status,
    ).toBe(200);

    testApp.clock.advanceMinutes(windowMinutes + 1);
    expect(
      (await track(testApp, { number: dispute.number, code: dispute.code }, { ip: '2001:db8:85a3:8d3::1' }))
        .status,
    ).toBe(200);
  });
});

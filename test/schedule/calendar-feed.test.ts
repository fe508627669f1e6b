import request from 'supertest';
import { Browser, createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { sendEvents } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * A strict reading of an iCalendar stream (RFC 5545): CRLF line ends, content lines of at most
 * 75 octets (§3.1), unfolded; balanced BEGIN/END; each VEVENT with its required UID and
 * DTSTAMP (§3.6.1) and UTC date-times. Answers the events' properties (TEXT unescaped).
 */
function parseIcalendar(text: string): Array<Record<string, string>> {
  expect(text.endsWith('\r\n')).toBe(true);
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) {
    expect(line).not.toContain('\n');
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  }
  const lines: string[] = [];
  for (const line of physical) {
    if (line.startsWith(' ')) lines[lines.length - 1] += line.slice(1);
    else lines.push(line);
  }
  expect(lines[0]).toBe('BEGIN:VCALENDAR');
  expect(lines.at(-1)).toBe('END:VCALENDAR');
  expect(lines).toContain('VERSION:2.0');
  expect(lines.some((line) => line.startsWith('PRODID:'))).toBe(true);
  const events: Array<Record<string, string>> = [];
  let current: Record<string, string> | null = null;
  for (const line of lines.slice(1, -1)) {
    if (line === 'BEGIN:VEVENT') {
      expect(current).toBeNull();
      current = {};
    } else if (line === 'END:VEVENT') {
      expect(current).not.toBeNull();
      events.push(current as Record<string, string>);
      current = null;
    } else if (current) {
      const colon = line.indexOf(':');
      expect(colon).toBeGreaterThan(0);
      current[line.slice(0, colon)] = line
        .slice(colon + 1)
        .replace(/\\n/g, '\n')
        .replace(/\\([\\;,])/g, '$1');
    }
  }
  expect(current).toBeNull();
  for (const event of events) {
    expect(event.UID).toBeTruthy();
    for (const key of ['DTSTAMP', 'DTSTART', 'DTEND']) expect(event[key]).toMatch(/^\d{8}T\d{6}Z$/);
  }
  return events;
}

/** Issue 21: the calendar page shows what is planned; the feed is secret, resettable, audited and carries no personal numbers. */
describe('the calendar page and feed', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
  });
  afterAll(() => testApp.close());

  it('when a session is planned, then the mediator’s week, month and list show it, the unit’s supervisor sees it on the unit calendar, and the feed carries it without ID or phone numbers', async () => {
    const tree = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    const stranger = await createUser(testApp.db, { role: 'mediator', unitId: tree.farCommunity.id });
    const dispute = await createCase(testApp.services, mediator.id, {
      parties: [
        {
          role: 'applicant',
          kind: 'person',
          name: '王某',
          idNumber: '310112198503152015',
          phone: '13812345678',
        },
        { role: 'respondent', kind: 'person', name: '李某', idNumber: '310112199001011233' },
      ],
    } as never);
    await sendEvents(
      testApp.services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorId: mediator.id },
      {
        type: 'SCHEDULE_SESSION',
        at: '2026-12-04T14:30:00+08:00',
        place: '莘松居委调解室; 二楼',
        kind: 'hearing',
      },
    );

    const browser = new Browser(testApp.app);
    await browser.signIn(mediator.username);
    for (const view of ['week', 'month', 'list']) {
      const page = await browser.get(`/schedule?view=${view}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain(dispute.number);
      expect(page.text).toContain(`href="/cases/${dispute.id}"`);
      expect(page.text).toContain('听证');
    }
    const fromToday = await browser.get('/schedule?view=list&date=2026-12-03');
    expect(fromToday.text).toContain('<time datetime="2026-12-04T06:30:00.000Z">14:30</time>');

    const boss = new Browser(testApp.app);
    await boss.signIn(supervisor.username);
    expect((await boss.get('/schedule?scope=unit&view=list')).text).toContain(dispute.number);
    expect((await boss.get('/schedule?scope=mine&view=list')).text).not.toContain(dispute.number);
    const other = new Browser(testApp.app);
    await other.signIn(stranger.username);
    expect((await other.get('/schedule?scope=unit&view=list')).text).not.toContain(dispute.number);
    const [plan] = await testApp.db.query('SELECT id FROM appointments WHERE subject_id = $1', [dispute.id]);
    // one who may not see the case cannot cancel its session: 404, nothing changes
    expect((await other.post(`/schedule/appointments/${plan.id}/cancel`, { reason: '不去了' })).status).toBe(
      404,
    );

    // the feed: a secret link shown once, audited
    const made = await browser.post('/schedule/feed');
    expect(made.status).toBe(200);
    const url = /<code class="feed-url">([^<]+)<\/code>/.exec(made.text)?.[1] as string;
    expect(url).toMatch(/^http:\/\/mediation\.test\/calendar\/[A-Za-z0-9_-]+\.ics$/);
    const path = new URL(url).pathname;
    const feed = await request(testApp.app).get(path);
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    const events = parseIcalendar(feed.text);
    expect(events).toHaveLength(1);
    expect(events[0].DTSTART).toBe('20261204T063000Z');
    expect(events[0].SUMMARY).toContain(dispute.number);
    expect(events[0].LOCATION).toBe('莘松居委调解室; 二楼');
    expect(events[0].URL).toBe(`http://mediation.test/cases/${dispute.id}`);
    for (const secret of ['310112198503152015', '310112199001011233', '13812345678', '王某', '李某'])
      expect(feed.text).not.toContain(secret);
    const [audit] = await testApp.db.query(
      `SELECT action FROM audit_log WHERE action = 'schedule.feed_token_reset' AND actor_id = $1`,
      [mediator.id],
    );
    expect(audit).toBeDefined();

    // a new link stops the old one
    await browser.get('/schedule');
    await browser.post('/schedule/feed');
    expect((await request(testApp.app).get(path)).status).toBe(404);
    expect((await request(testApp.app).get('/calendar/not-a-token.ics')).status).toBe(404);
  });

  it('when an agent who reads English plans a visit from the petition page, then it is on their calendar in English, and a visit in the past is refused naming the time', async () => {
    const tree = await createDistrictTree(testApp.db);
    const agent = await createUser(testApp.db, {
      role: 'petition_agent',
      unitId: tree.street.id,
      locale: 'en',
    });
    const actor = await testApp.services.actors.load(agent.id);
    if (!actor) throw new Error('no agent');
    const petition = await testApp.services.petitions.register(actor, {
      subject: '征地补偿反映',
      content: '反映补偿标准。',
      petitioners: [{ kind: 'person', name: '信访人乙' }],
    } as never);
    const browser = new Browser(testApp.app);
    await browser.signIn(agent.username);
    const page = await browser.get(`/petitions/${petition.id}`);
    expect(page.text).toContain(`action="/petitions/${petition.id}/appointments"`);
    const past = await browser.post(`/petitions/${petition.id}/appointments`, { at: '2026-12-01T09:00' });
    expect(past.status).toBe(422);
    expect(past.text).toContain('must be a moment still to come');
    const planned = await browser.post(`/petitions/${petition.id}/appointments`, {
      at: '2026-12-07T15:00',
      place: 'Petitioner’s home',
    });
    expect(planned.status).toBe(303);
    const calendar = await browser.get('/schedule?view=list&date=2026-12-07');
    expect(calendar.text).toContain('<h1>Schedule</h1>');
    expect(calendar.text).toContain(`Petition ${petition.number}`);
    expect(calendar.text).toContain('<strong>visit</strong>');
    expect(calendar.text).toContain('Petitioner’s home');
  });
});

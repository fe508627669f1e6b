import { Browser } from '../support/auth';
import { actorNamed, caseInState } from '../support/case-steps';
import { startDemoApp } from '../support/demo-app';
import type { TestApp } from '../support/test-app';

/** Breaks out of text, of a quoted attribute and of a textarea, then tries a script and an event handler. */
const payload = `</textarea>"'><script>alert(1)</script><img src=x onerror=alert(2)>`;
const escapedScript = '&lt;script&gt;alert(1)&lt;/script&gt;';

/** Nothing of the payload survives as markup: no script element, no element with an event handler. */
function expectInert(html: string) {
  expect(html).not.toContain('<script>alert(1)');
  expect(html).not.toContain('<img src=x');
  expect(html).not.toMatch(/onerror=alert/);
  expect(html).not.toContain('</textarea>"\'>');
}

describe('an XSS payload typed into the intake and session forms shows as text and never runs', () => {
  let testApp: TestApp;
  let mediator: Browser;

  beforeAll(async () => {
    ({ testApp, browser: mediator } = await startDemoApp('mediator'));
  });
  afterAll(() => testApp.close());

  it('in every text field of intake, shown back with errors', async () => {
    await mediator.get('/cases/new');
    const response = await mediator.post('/cases', {
      type: 'labour',
      source: 'walk_in',
      title: payload,
      description: payload,
      occurredOn: payload,
      amountInDispute: payload,
      groupSize: payload,
      'parties.0.role': 'applicant',
      'parties.0.kind': 'person',
      'parties.0.name': payload,
      'parties.0.idNumber': payload,
      'parties.0.phone': payload,
      'parties.0.address': payload,
      'parties.1.role': 'respondent',
      'parties.1.kind': 'organisation',
      'parties.1.name': payload,
      'parties.1.address': payload,
      intent: 'save',
    });
    expect(response.status).toBe(400); // the date, amount, size, ID and phone are wrong
    expectInert(response.text);
    // each field shows back exactly what was typed, as text
    const asAttribute = payload
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#x27;')
      .replace(/=/g, '&#x3D;');
    expect(response.text.split(`value="${asAttribute}"`).length - 1).toBeGreaterThanOrEqual(9);
    expect(response.text).toContain(`>${asAttribute}</textarea>`);
  });

  it('in every text field of intake, once saved: on the case page, the list, the dashboard and the CSV', async () => {
    await mediator.get('/cases/new');
    const saved = await mediator.post('/cases', {
      type: 'neighbourhood',
      source: 'walk_in',
      title: payload,
      description: payload,
      'parties.0.role': 'applicant',
      'parties.0.kind': 'person',
      'parties.0.name': payload,
      'parties.0.address': payload,
      'parties.1.role': 'respondent',
      'parties.1.kind': 'person',
      'parties.1.name': `${payload} 2`,
      intent: 'confirm',
    });
    expect(saved.status).toBe(303);
    const casePage = await mediator.get(saved.headers.location);
    expect(casePage.status).toBe(200);
    expectInert(casePage.text);
    expect(casePage.text.split(escapedScript).length - 1).toBeGreaterThanOrEqual(5); // title ×2, facts, names, address, timeline
    for (const page of ['/cases', '/']) {
      const response = await mediator.get(page);
      expectInert(response.text);
      expect(response.text).toContain(escapedScript);
    }
    const csv = await mediator.get('/cases.csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toContain('<script>alert(1)</script>'); // data, not markup: a CSV is never rendered as HTML
  });

  it('in every text field of the session form, on the timeline and when shown back with errors', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    await mediator.get(`/cases/${row.id}`);
    const wrong = await mediator.post(`/cases/${row.id}/events`, {
      type: 'LOG_SESSION',
      formKey: 'LOG_SESSION',
      expectedVersion: String(row.version),
      kind: 'session',
      heldAt: payload,
      place: payload,
      attendees: payload,
      minutes: payload,
    });
    expect(wrong.status).toBe(400);
    expectInert(wrong.text);
    expect(wrong.text).toMatch(/id="LOG_SESSION-heldAt-error" class="field-error">/);

    const logged = await mediator.post(`/cases/${row.id}/events`, {
      type: 'LOG_SESSION',
      formKey: 'LOG_SESSION',
      expectedVersion: String(row.version),
      kind: 'session',
      heldAt: '2026-11-20T10:00',
      place: payload,
      attendees: payload,
      minutes: payload,
    });
    expect(logged.status).toBe(303);
    const page = await mediator.get(`/cases/${row.id}`);
    expectInert(page.text);
    expect(page.text.split(escapedScript).length - 1).toBeGreaterThanOrEqual(3);
  });
});

import request from 'supertest';
import { bearer, type CaseTeam, createCaseTeam } from '../cases/case-api';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  acceptedCase,
  applicant,
  auditOf,
  issueCode,
  respondent,
  startAt,
  switchLookup,
  track,
} from './tracking-support';

/**
 * Issue 20, item 1: a party with no account looks up where their case stands with its number
 * and its lookup code (查询码) — `POST /api/v1/track` (API.md, Additions).
 */
describe('progress lookup for parties without an account (POST /api/v1/track)', () => {
  let testApp: TestApp;
  let team: CaseTeam;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt });
    team = await createCaseTeam(testApp);
  });
  afterAll(() => testApp.close());

  it('when a case is accepted, the answer to ACCEPT carries its lookup code once, and the next answers do not', async () => {
    const dispute = await acceptedCase(testApp, team);
    expect(dispute.code).toMatch(/^[346789ABCDEFGHJKMNPQRTWXY]{5}-[346789ABCDEFGHJKMNPQRTWXY]{5}$/);
    const again = await request(testApp.app)
      .get(`/api/v1/cases/${dispute.id}`)
      .set(bearer(team.mediators.community));
    expect(JSON.stringify(again.body)).not.toContain(dispute.code);
  });

  it('with the right code, it answers exactly the fixed list of keys, in the request’s language', async () => {
    const dispute = await acceptedCase(testApp, team);
    const answer = await track(testApp, { number: dispute.number, code: dispute.code });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(
      ['deadline', 'holdingUnit', 'number', 'state', 'stateLabel', 'type', 'updatedAt'].sort(),
    );
    expect(answer.body).toMatchObject({
      number: dispute.number,
      type: 'neighbourhood',
      state: 'mediation.awaitingMediator',
      stateLabel: '待分派调解员',
      holdingUnit: { name: team.units.community.nameZh },
      deadline: { provisional: expect.any(Boolean) },
    });
    expect(Object.keys(answer.body.holdingUnit)).toEqual(['name']);
    expect(answer.body.deadline.due).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const inEnglish = await track(
      testApp,
      { number: ` ${dispute.number.toLowerCase()} `, code: dispute.code.replace('-', '').toLowerCase() },
      { lang: 'en' },
    );
    expect(inEnglish.status).toBe(200);
    expect(inEnglish.body.stateLabel).toBe('Awaiting a mediator');
    expect(inEnglish.body.holdingUnit.name).toBe(team.units.community.nameEn);
  });

  it('the next session, when the case has one (nextSession in its context, set by SCHEDULE_SESSION), is answered as {at, place}', async () => {
    const dispute = await acceptedCase(testApp, team);
    const session = { at: '2026-12-10T02:00:00.000Z', place: '莘松居委调解室', attendees: ['内部备注'] };
    await testApp.db.query(
      `UPDATE cases SET snapshot = jsonb_set(snapshot, '{context,nextSession}', $2::jsonb) WHERE id = $1`,
      [dispute.id, JSON.stringify(session)],
    );
    const answer = await track(testApp, { number: dispute.number, code: dispute.code });
    expect(answer.body.nextSession).toEqual({ at: session.at, place: session.place });
    expect(Object.keys(answer.body).sort()).toEqual(
      ['deadline', 'holdingUnit', 'nextSession', 'number', 'state', 'stateLabel', 'type', 'updatedAt'].sort(),
    );
    // a malformed one is left out, not answered
    await testApp.db.query(
      `UPDATE cases SET snapshot = jsonb_set(snapshot, '{context,nextSession}', '"tomorrow"'::jsonb) WHERE id = $1`,
      [dispute.id],
    );
    expect(
      (await track(testApp, { number: dispute.number, code: dispute.code })).body.nextSession,
    ).toBeUndefined();
  });

  it('nothing about the parties is in the answer: no name, ID number, phone or address', async () => {
    const dispute = await acceptedCase(testApp, team, { parties: [applicant, respondent] });
    const answer = await track(testApp, { number: dispute.number, code: dispute.code });
    const text = answer.text;
    for (const party of [applicant, respondent]) {
      expect(text).not.toContain(party.name);
      expect(text).not.toContain(party.idNumber);
      expect(text).not.toContain(party.idNumber.slice(-4));
      expect(text).not.toContain(party.phone);
    }
    expect(text).not.toContain(applicant.address);
    expect(text).not.toContain(team.mediators.community.user.displayName);
  });

  it('a wrong code and an unknown number answer exactly alike: 404 not_found', async () => {
    const dispute = await acceptedCase(testApp, team);
    const wrongCode = await track(testApp, { number: dispute.number, code: 'AAAAA-AAAAA' });
    const unknownNumber = await track(testApp, { number: 'MH-2026-999999', code: dispute.code });
    expect(wrongCode.status).toBe(404);
    expect(unknownNumber.status).toBe(404);
    expect(wrongCode.body).toEqual(unknownNumber.body);
    expect(wrongCode.body.error.code).toBe('not_found');
    expect(wrongCode.headers['content-length']).toBe(unknownNumber.headers['content-length']);
  });

  it('a lookup turned off answers the same 404 with the right code, and works again once turned on (audited)', async () => {
    const dispute = await acceptedCase(testApp, team);
    const unknown = await track(testApp, { number: 'MH-2026-999998', code: dispute.code });
    expect((await switchLookup(testApp, team.mediators.community, dispute.id, false)).body).toEqual({
      enabled: false,
    });
    const off = await track(testApp, { number: dispute.number, code: dispute.code });
    expect(off.status).toBe(404);
    expect(off.body).toEqual(unknown.body);
    await switchLookup(testApp, team.mediators.community, dispute.id, true);
    expect((await track(testApp, { number: dispute.number, code: dispute.code })).status).toBe(200);
    const switched = (await auditOf(testApp, 'case.lookup_switched')).filter(
      (e) => e.target_id === dispute.id,
    );
    expect(switched.map((entry) => entry.details.enabled)).toEqual([false, true]);
  });

  it('a new code ends the old one; the code is never stored or audited in clear', async () => {
    const dispute = await acceptedCase(testApp, team);
    const issued = await issueCode(testApp, team.mediators.community, dispute.id);
    expect(issued.status).toBe(200);
    expect(Object.keys(issued.body)).toEqual(['code']);
    const fresh = issued.body.code as string;
    expect(fresh).not.toBe(dispute.code);
    expect((await track(testApp, { number: dispute.number, code: dispute.code })).status).toBe(404);
    expect((await track(testApp, { number: dispute.number, code: fresh })).status).toBe(200);

    const entries = (await auditOf(testApp, 'case.lookup_code_issued')).filter(
      (e) => e.target_id === dispute.id,
    );
    expect(entries.map((entry) => entry.details.on)).toEqual(['accept', 'request']);
    const stored = JSON.stringify([
      await testApp.db.query('SELECT * FROM lookup_codes'),
      await testApp.db.query('SELECT * FROM audit_log'),
      await testApp.db.query('SELECT payload FROM case_events'),
    ]);
    for (const code of [dispute.code, fresh]) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace('-', ''));
    }
  });

  it('verify(subject, code) — for printing the acceptance notice with a code typed back — knows only the current code', async () => {
    const dispute = await acceptedCase(testApp, team);
    const subject = { type: 'case' as const, id: dispute.id };
    expect(await testApp.services.lookupCodes.verify(subject, dispute.code)).toBe(true);
    expect(
      await testApp.services.lookupCodes.verify(subject, dispute.code.toLowerCase().replace('-', '')),
    ).toBe(true);
    expect(await testApp.services.lookupCodes.verify(subject, 'AAAAA-AAAAA')).toBe(false);
    await issueCode(testApp, team.mediators.community, dispute.id);
    expect(await testApp.services.lookupCodes.verify(subject, dispute.code)).toBe(false);
  });

  it('every attempt is audited as track.lookup with its outcome, the number as typed and the address, never the code', async () => {
    const dispute = await acceptedCase(testApp, team);
    await track(testApp, { number: dispute.number, code: dispute.code }, { ip: '198.51.100.20' });
    await track(testApp, { number: dispute.number, code: 'AAAAA-AAAAB' }, { ip: '198.51.100.20' });
    const entries = (await auditOf(testApp, 'track.lookup')).filter(
      (e) => e.details.number === dispute.number,
    );
    expect(entries.map((entry) => [entry.details.outcome, entry.ip, entry.target_id])).toEqual([
      ['found', '198.51.100.20', dispute.id],
      ['not_found', '198.51.100.20', dispute.id],
    ]);
    expect(JSON.stringify(entries)).not.toContain(dispute.code.replace('-', ''));
    expect(JSON.stringify(entries)).not.toContain('AAAAAAAAAB');
  });

  it('a code of the wrong shape is refused naming the field, in the user’s language', async () => {
    const answer = await track(testApp, { number: 'MH-2026-000001', code: '0O1IL' }, { lang: 'en' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toEqual([
      expect.objectContaining({ field: 'code', message: expect.stringContaining('10 letters and digits') }),
    ]);
  });
});

describe('who may issue a lookup code or turn the lookup off', () => {
  let testApp: TestApp;
  let team: CaseTeam;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt });
    team = await createCaseTeam(testApp);
  });
  afterAll(() => testApp.close());

  it('the holding unit’s mediator and a supervisor over it may; a mediator of another unit is answered 404 and nothing changes', async () => {
    const dispute = await acceptedCase(testApp, team);
    const outsider = team.mediators.department;
    expect((await issueCode(testApp, outsider, dispute.id)).status).toBe(404);
    expect((await switchLookup(testApp, outsider, dispute.id, false)).status).toBe(404);
    expect((await track(testApp, { number: dispute.number, code: dispute.code })).status).toBe(200);

    expect((await issueCode(testApp, team.supervisor, dispute.id)).status).toBe(200);
    expect((await issueCode(testApp, team.mediators.community, dispute.id)).status).toBe(200);
  });
});

import request from 'supertest';
import { bearer, type CaseTeam, type Member, registerCase, sendEvents } from '../cases/case-api';
import type { TestApp } from '../support/test-app';

/** The clock of every lookup spec: 3 December 2026, 10:00 in Shanghai. */
export const startAt = new Date('2026-12-03T10:00:00+08:00');

/** The applicant's personal data in these specs: none of it may appear in a lookup's answer. */
export const applicant = {
  role: 'applicant',
  kind: 'person',
  name: '王秀英',
  idNumber: '310112198503152015',
  phone: '13812345678',
  address: '莘庄镇莘松路 88 弄 5 号 302 室',
};
export const respondent = {
  role: 'respondent',
  kind: 'person',
  name: '李建国',
  idNumber: '310112199001011233',
  phone: '13900001111',
};

/**
 * A neighbourhood dispute registered at the community and accepted there: its number, id and
 * lookup code. Its parties have names of their own (one forum per dispute: the same parties
 * cannot be accepted twice) unless given.
 */
export async function acceptedCase(testApp: TestApp, team: CaseTeam, fields: Record<string, unknown> = {}) {
  const mediator = team.mediators.community;
  const registered = await registerCase(testApp, mediator, fields);
  if (registered.status !== 201) throw new Error(`registration: ${registered.status} ${registered.text}`);
  const accepted = await sendEvents(testApp, registered.body.id, registered.body.version, [
    [mediator, { type: 'SUBMIT' }],
    [mediator, { type: 'ACCEPT', track: 'people', level: 'community' }],
  ]);
  const { lookupCode } = accepted as unknown as { lookupCode: string };
  return { id: registered.body.id as string, number: registered.body.number as string, code: lookupCode };
}

/** `POST /api/v1/track`, from `ip` (the app trusts the loopback proxy's X-Forwarded-For). */
export function track(
  testApp: TestApp,
  body: Record<string, unknown>,
  options: { ip?: string; lang?: string } = {},
) {
  const call = request(testApp.app)
    .post('/api/v1/track')
    .set('X-Forwarded-For', options.ip ?? '203.0.113.7');
  return (options.lang ? call.set('Accept-Language', options.lang) : call).send(body);
}

export function issueCode(testApp: TestApp, who: Member, caseId: string) {
  return request(testApp.app).post(`/api/v1/cases/${caseId}/tracking-code`).set(bearer(who)).send({});
}

export function switchLookup(testApp: TestApp, who: Member, caseId: string, enabled: boolean) {
  return request(testApp.app).put(`/api/v1/cases/${caseId}/tracking`).set(bearer(who)).send({ enabled });
}

/** The audit entries of an action, oldest first. */
export async function auditOf(testApp: TestApp, action: string) {
  const rows: Array<{ target_id: string | null; ip: string | null; details: Record<string, unknown> }> =
    await testApp.db.query('SELECT target_id, ip, details FROM audit_log WHERE action = $1 ORDER BY id', [
      action,
    ]);
  return rows;
}

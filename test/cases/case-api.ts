import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { type DepartmentKey, departmentKeys, type Unit } from '../../src/units/unit.entity';
import type { User } from '../../src/users/user.entity';
import { apiToken, createUser } from '../support/auth';
import { createDistrictTreeWithCourt, createUnit } from '../support/factories';
import type { TestApp } from '../support/test-app';

/**
 * Helpers for specs that drive cases through the JSON API with bearer tokens: a small
 * organisation with someone to act at every unit a case can be held in, and the
 * calls the specs make.
 */

export const caseTeamUnits = [
  'community',
  'street',
  'district',
  'department',
  'otherDepartment',
  'court',
] as const;
export type CaseTeamUnit = (typeof caseTeamUnits)[number];

export interface Member {
  user: User;
  token: string;
}

export interface CaseTeam {
  /**
   * The line community → street → district, and under the district a court and two departments:
   * `department` (keyed as asked: the competent body of the type a spec works with) and
   * `otherDepartment` (another body's key).
   */
  units: Record<CaseTeamUnit, Unit>;
  /** A mediator at each of those units (each signed in through the API). */
  mediators: Record<CaseTeamUnit, Member>;
  /** A supervisor over the whole district: reviews, reassigns and reopens. */
  supervisor: Member;
}

async function member(testApp: TestApp, role: 'mediator' | 'supervisor', unit: Unit): Promise<Member> {
  const user = await createUser(testApp.db, { role, unitId: unit.id });
  return { user, token: await apiToken(testApp.app, user.username) };
}

export async function createCaseTeam(
  testApp: TestApp,
  { departmentKey = null }: { departmentKey?: DepartmentKey | null } = {},
): Promise<CaseTeam> {
  const tree = await createDistrictTreeWithCourt(testApp.db);
  const department = departmentKey
    ? await createUnit(testApp.db, { kind: 'department', parentId: tree.district.id, departmentKey })
    : tree.department;
  const otherDepartment = await createUnit(testApp.db, {
    kind: 'department',
    parentId: tree.district.id,
    departmentKey: departmentKeys.find((key) => key !== departmentKey),
  });
  const units: Record<CaseTeamUnit, Unit> = {
    community: tree.community,
    street: tree.street,
    district: tree.district,
    department,
    otherDepartment,
    court: tree.court,
  };
  const mediators = {} as Record<CaseTeamUnit, Member>;
  for (const key of caseTeamUnits) mediators[key] = await member(testApp, 'mediator', units[key]);
  return { units, mediators, supervisor: await member(testApp, 'supervisor', tree.district) };
}

/** The parts of the API's view of a case (API.md `GET /cases/:id`) the specs read. */
export interface CaseView {
  id: string;
  number: string;
  state: string;
  outcome: string | null;
  track: string | null;
  level: string | null;
  version: number;
  holdingUnit: { id: string } | null;
  mediator: { id: string } | null;
  deadline: {
    due: string;
    basis: 'calendar' | 'working';
    days: number;
    months: number | null;
    paused: boolean;
    provisional: boolean;
    yearsWithoutNotice: number[];
    source: { zh: string; en: string };
    overdue: boolean;
  } | null;
  confirmationWindowEndsOn: string | null;
  judiciallyConfirmed: boolean;
  allowedEvents?: string[];
}

export const bearer = (who: Member | string) => ({
  Authorization: `Bearer ${typeof who === 'string' ? who : who.token}`,
});

const unique = () => randomBytes(4).toString('hex');

/** A registration body with parties of its own, so that no two cases look like the same dispute. */
export function registration(fields: Record<string, unknown> = {}) {
  return {
    type: 'neighbourhood',
    title: `楼上漏水纠纷 ${unique()}`,
    description: '楼上卫生间漏水，楼下天花板受损，双方就维修费用协商未果。',
    source: 'walk_in',
    parties: [
      { role: 'applicant', kind: 'person', name: `申请人${unique()}` },
      { role: 'respondent', kind: 'person', name: `被申请人${unique()}` },
    ],
    ...fields,
  };
}

export function registerCase(testApp: TestApp, who: Member, fields: Record<string, unknown> = {}) {
  return request(testApp.app).post('/api/v1/cases').set(bearer(who)).send(registration(fields));
}

export function sendEvent(
  testApp: TestApp,
  who: Member,
  caseId: string,
  expectedVersion: number,
  event: Record<string, unknown>,
) {
  return request(testApp.app)
    .post(`/api/v1/cases/${caseId}/events`)
    .set(bearer(who))
    .send({ expectedVersion, ...event });
}

/** Sends a run of events, each at the version the previous answer gave; fails loudly on the first refusal. */
export async function sendEvents(
  testApp: TestApp,
  caseId: string,
  startVersion: number,
  events: Array<[Member, Record<string, unknown>]>,
) {
  let version = startVersion;
  let body = {} as CaseView;
  for (const [who, event] of events) {
    const response = await sendEvent(testApp, who, caseId, version, event);
    if (response.status !== 200) {
      throw new Error(
        `${String(event.type)} was answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    body = response.body as CaseView;
    version = body.version;
  }
  return body;
}

export function verifyCase(testApp: TestApp, who: Member, caseId: string) {
  return request(testApp.app).get(`/api/v1/cases/${caseId}/verify`).set(bearer(who));
}

/** A JSON answer of the API: the body, or `{error}`. */
export type Answered<T> = T & {
  error?: { code: string; message: string; details?: Array<{ field?: string; message: string }> };
};

export interface ApiClient {
  call<T = CaseView>(
    who: Member,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Answered<T> }>;
  close(): Promise<void>;
}

/**
 * The app listening on a real port, called over kept-alive HTTP connections as a
 * client system would: for specs sending many requests, or many at once.
 */
export async function openApiClient(testApp: TestApp): Promise<ApiClient> {
  const server = http.createServer(testApp.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    async call<T>(who: Member, method: 'GET' | 'POST', path: string, body?: unknown) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...bearer(who), 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Answered<T> };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

import type { Express } from 'express';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { Role } from '../../src/access/roles';
import { hashPassword } from '../../src/users/password';
import type { User } from '../../src/users/user.entity';
import { UserRepository } from '../../src/users/user.repository';

export const testPassword = 'Mediate-2026!';

let counter = 0;

/** A user built for one test (the password is `testPassword` unless given). */
export async function createUser(
  db: DataSource,
  fields: {
    role: Role;
    unitId: string;
    username?: string;
    displayName?: string;
    password?: string;
    mustChangePassword?: boolean;
    locale?: 'zh-CN' | 'en';
  },
): Promise<User> {
  counter += 1;
  const username = fields.username ?? `${fields.role}.${process.pid}.${counter}`;
  return new UserRepository(db).save({
    username,
    displayName: fields.displayName ?? `测试用户${counter}`,
    email: `${username}@test.example`,
    role: fields.role,
    unitId: fields.unitId,
    locale: fields.locale ?? 'zh-CN',
    passwordHash: await hashPassword(fields.password ?? testPassword),
    mustChangePassword: fields.mustChangePassword ?? false,
    // set before any test clock starts (a test may start its clock on a fixed day in the past):
    // a sign-in at the test's "now" must not predate the password it proves
    passwordChangedAt: new Date('2020-01-01T00:00:00Z'),
  });
}

/** The CSRF token in a page's forms. */
export function csrfTokenIn(html: string): string {
  const match = html.match(/name="_csrf" value="([^"]+)"/);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1];
}

/** A browser-like client: keeps cookies, reads CSRF tokens from the pages it gets. */
export class Browser {
  readonly agent: ReturnType<typeof request.agent>;
  csrf = '';

  constructor(app: Express) {
    this.agent = request.agent(app);
  }

  /** GETs a page and remembers its CSRF token (when it has a form). */
  async get(path: string) {
    const response = await this.agent.get(path);
    const match = response.text?.match(/name="_csrf" value="([^"]+)"/);
    if (match) this.csrf = match[1];
    return response;
  }

  /** POSTs a form with the CSRF token of the last page seen. */
  post(path: string, form: Record<string, string> = {}) {
    return this.agent
      .post(path)
      .type('form')
      .send({ _csrf: this.csrf, ...form });
  }

  async signIn(username: string, password = testPassword) {
    await this.get('/login');
    const response = await this.post('/login', { username, password });
    // the session id changed at sign-in: take a fresh token from a page
    if (response.status === 303) await this.get('/account/password');
    return response;
  }
}

/** Signs in through the API and returns the bearer token. */
export async function apiToken(app: Express, username: string, password = testPassword): Promise<string> {
  const response = await request(app).post('/api/v1/auth/login').send({ username, password });
  if (response.status !== 200)
    throw new Error(`API sign-in of ${username} failed: ${response.status} ${response.text}`);
  return response.body.token;
}

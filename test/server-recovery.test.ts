import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrations } from '../migrations';
import {
  type AppProcess,
  buildAppApart,
  childrenOf,
  freeListenPort,
  isRunning,
  postmasterOf,
  startAppProcess,
  statusOf,
  waitUntil,
  waitUntilReady,
} from './support/app-process';
import { createTestDatabase } from './support/test-database';

/**
 * Issue 17, "a service that heals": the built app in real processes, on a real embedded
 * PostgreSQL of its own (one cluster under a temporary DATA_DIR, shared by the specs
 * that start and stop the app on it) or on the test run's server.
 */

const minute = 60_000;
const demoPassword = 'demo12345';

/** A bearer token for a demo account, from the API's sign-in. */
async function apiToken(app: AppProcess, username = 'mediator'): Promise<string> {
  const response = await fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: demoPassword }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

/** Signs in with the form, as a browser does; returns the Cookie header of the session. */
async function signInWithForm(app: AppProcess, username = 'mediator'): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const form = await fetch(`${app.url}/login`);
  keep(form);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const signedIn = await fetch(`${app.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookieHeader() },
    body: new URLSearchParams({ _csrf: token, username, password: demoPassword }),
  });
  keep(signedIn);
  expect(signedIn.status).toBe(303);
  return cookieHeader();
}

/** Stops the app with SIGTERM and returns how it ended. */
async function terminate(app: AppProcess) {
  app.child.kill('SIGTERM');
  return app.exited;
}

describe('a service that recovers by itself', () => {
  let built: ReturnType<typeof buildAppApart>;
  /** One embedded cluster for the specs below: the first start initialises it, the others reuse it. */
  let dataDir: string;
  const running = new Set<AppProcess>();

  async function start(env: NodeJS.ProcessEnv = {}): Promise<AppProcess> {
    const app = startAppProcess(built.mainJs, {
      DATA_DIR: dataDir,
      SHUTDOWN_DRAIN_MS: '0',
      ...env,
      PORT: String(await freeListenPort()),
    });
    running.add(app);
    void app.exited.then(() => running.delete(app));
    return app;
  }

  beforeAll(() => {
    built = buildAppApart('server-recovery');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-recovery-'));
    fs.chmodSync(dataDir, 0o755); // the cluster runs as the `postgres` user when tests run as root
  });
  afterAll(async () => {
    // whatever a failed spec left running: the apps it started, then what they left
    for (const app of running) {
      app.child.kill('SIGKILL');
      await app.exited;
    }
    if (fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))) {
      const leftover = postmasterOf(dataDir);
      if (isRunning(leftover)) process.kill(leftover, 'SIGINT');
      await waitUntil('the leftover PostgreSQL to stop', () => !isRunning(leftover), minute);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    built.remove();
  });

  it(
    'when two instances start at the same moment on a fresh database, then both become ready (the second waits for the first one’s migrations and finds nothing left to do)',
    async () => {
      const database = await createTestDatabase({ empty: true });
      try {
        const env = {
          DATABASE_URL: database.url,
          SESSION_SECRET: 's'.repeat(40),
          DATA_KEY: 'a'.repeat(64),
        };
        const both = [await start(env), await start(env)];
        await Promise.all(both.map((app) => waitUntilReady(app)));

        for (const app of both) await expect(terminate(app)).resolves.toEqual({ code: 0, signal: null });
        const db = new Client({ connectionString: database.url });
        await db.connect();
        try {
          const { rows } = await db.query('SELECT name FROM migrations');
          expect(rows).toHaveLength(migrations.length); // each applied once
        } finally {
          await db.end();
        }
      } finally {
        await database.drop();
      }
    },
    4 * minute,
  );

  it(
    'when the app is killed with -9, then the next start stops the PostgreSQL it left running and comes back up on the same data',
    async () => {
      const first = await start();
      await waitUntilReady(first);
      const token = await apiToken(first);
      const leftBehind = postmasterOf(dataDir);

      first.child.kill('SIGKILL');
      await first.exited;
      expect(isRunning(leftBehind)).toBe(true); // orphaned, as after any kill -9 of its parent

      const second = await start();
      await waitUntilReady(second);
      expect(isRunning(leftBehind)).toBe(false);
      expect(second.output()).toContain(
        'stopping the embedded PostgreSQL left running by an app that is gone',
      );
      expect(second.output()).not.toContain('demo organisation seeded');
      // the same data: the token issued before the kill still works
      expect(
        await statusOf(`${second.url}/api/v1/cases`, { headers: { Authorization: `Bearer ${token}` } }),
      ).toBe(200);
      await expect(terminate(second)).resolves.toEqual({ code: 0, signal: null });
    },
    4 * minute,
  );

  it(
    'when its embedded PostgreSQL is killed, then the app exits non-zero (for a supervisor to restart both), and the next start comes back up',
    async () => {
      const app = await start();
      await waitUntilReady(app);

      process.kill(postmasterOf(dataDir), 'SIGKILL');
      const ended = await app.exited;
      expect(ended.code).toBe(1);
      expect(app.output()).toContain('the embedded PostgreSQL stopped unexpectedly (killed by SIGKILL)');

      const again = await start();
      await waitUntilReady(again);
      await expect(terminate(again)).resolves.toEqual({ code: 0, signal: null });
    },
    4 * minute,
  );

  it(
    'when the database is frozen, then /readyz answers 503 within 2 s, API calls and pages answer 503 with Retry-After, and once it resumes all is well',
    async () => {
      const app = await start({ DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_STATEMENT_TIMEOUT_MS: '2000' });
      await waitUntilReady(app);
      const token = await apiToken(app);
      const session = await signInWithForm(app);
      const postmaster = postmasterOf(dataDir);
      const frozen = [postmaster];
      try {
        process.kill(postmaster, 'SIGSTOP'); // first: a stopped postmaster starts no new backend
        for (const backend of childrenOf(postmaster)) {
          frozen.push(backend);
          process.kill(backend, 'SIGSTOP');
        }

        const asked = Date.now();
        const readiness = await fetch(`${app.url}/readyz`);
        expect(Date.now() - asked).toBeLessThan(2000);
        expect(readiness.status).toBe(503);
        expect(((await readiness.json()) as { checks: { database: string } }).checks.database).toMatch(
          /^unreachable/,
        );

        const api = await fetch(`${app.url}/api/v1/cases`, { headers: { Authorization: `Bearer ${token}` } });
        expect(api.status).toBe(503);
        expect(api.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(((await api.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');

        const page = await fetch(`${app.url}/cases`, {
          headers: { Cookie: session, Accept: 'text/html', 'Accept-Language': 'en' },
        });
        expect(page.status).toBe(503);
        expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await page.text()).toContain('The database is not answering just now.');
      } finally {
        for (const pid of frozen) process.kill(pid, 'SIGCONT');
      }

      await waitUntilReady(app, minute);
      expect(
        await statusOf(`${app.url}/api/v1/cases`, { headers: { Authorization: `Bearer ${token}` } }),
      ).toBe(200);
      await expect(terminate(app)).resolves.toEqual({ code: 0, signal: null });
    },
    4 * minute,
  );

  it(
    'on SIGTERM, then readiness fails at once while new requests are still served for the drain period, a request in flight completes after the listener closes, and the app exits 0',
    async () => {
      const app = await start({ SHUTDOWN_DRAIN_MS: '3000' });
      await waitUntilReady(app);
      // a request whose body is still arriving when the shutdown begins
      const inFlight = http.request(`${app.url}/locale`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
      });
      const answered = new Promise<number>((resolve, reject) => {
        inFlight.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        inFlight.on('error', reject);
      });
      inFlight.write('locale=');

      app.child.kill('SIGTERM');
      await waitUntil(
        '/readyz to answer 503',
        async () => (await statusOf(`${app.url}/readyz`)) === 503,
        minute,
      );
      expect(await statusOf(`${app.url}/healthz`)).toBe(200); // a new connection, still served while draining
      await waitUntil(
        'the listener to close',
        async () => (await statusOf(`${app.url}/healthz`)) === 0,
        minute,
      );

      inFlight.end('en');
      expect(await answered).toBe(403); // answered (it carries no CSRF token), not reset
      await expect(app.exited).resolves.toEqual({ code: 0, signal: null });
    },
    4 * minute,
  );

  it(
    'started as root with its data inside a folder only its owner may enter (0700), then it starts: the postgres user may now enter that folder (not list it)',
    async () => {
      const locked = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-locked-'));
      fs.chmodSync(locked, 0o700);
      try {
        const app = await start({ DATA_DIR: path.join(locked, 'data') });
        await waitUntilReady(app);
        await expect(terminate(app)).resolves.toEqual({ code: 0, signal: null });

        if (os.userInfo().uid === 0) {
          expect(fs.statSync(locked).mode & 0o777).toBe(0o701);
          expect(app.output()).toContain(`who may now enter ${locked} (not list it)`);
        } else {
          // not root: PostgreSQL runs as this user, who owns the folder; nothing changes
          expect(fs.statSync(locked).mode & 0o777).toBe(0o700);
        }
      } finally {
        fs.rmSync(locked, { recursive: true, force: true });
      }
    },
    4 * minute,
  );
});

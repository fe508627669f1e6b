import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/shared/paths';

/**
 * The app built apart from dist/ (so that a spec building dist/ at the same time cannot
 * race with it), for specs that run it as a real process: `npm start` without npm.
 */
export function buildAppApart(name: string): { mainJs: string; remove(): void } {
  const buildDir = path.join(projectRoot, 'var', `test-build-${name}-${process.pid}`);
  execFileSync(
    path.join(projectRoot, 'node_modules/.bin/tsc'),
    ['-p', 'tsconfig.build.json', '--outDir', buildDir],
    {
      cwd: projectRoot,
    },
  );
  return {
    mainJs: path.join(buildDir, 'src', 'main.js'),
    remove: () => fs.rmSync(buildDir, { recursive: true, force: true }),
  };
}

/**
 * A port for an app process to listen on, below the kernel's range of ephemeral ports
 * (32768–60999 on Linux): a port the kernel hands out as free (`listen(0)`) comes from that
 * range, and in the second or two before the app binds it an outgoing connection (a test's
 * database pool, another spec's) may take it as its own end: EADDRINUSE, seen in CI. Below the
 * range only another listener can hold a port, and the check binds as the app does (every
 * interface).
 */
export async function freeListenPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.unref();
      probe.once('error', () => resolve(false));
      probe.listen({ port }, () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface AppProcess {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** How it ended: its exit code, or the signal that killed it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built app on the project's Node.js with the heap flags `npm start` uses (package.json). */
export function startAppProcess(mainJs: string, env: NodeJS.ProcessEnv & { PORT: string }): AppProcess {
  const child = spawn(process.execPath, ['--max-semi-space-size=4', '--heap-growing-percent=50', mainJs], {
    cwd: projectRoot,
    // never the demo year (issue 21), unless a spec asks for it
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
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    url: `http://127.0.0.1:${env.PORT}`,
    output: () => output,
    exited,
  };
}

/**
 * Polls until `check` is true, at most `timeoutMs` (a bound on the wait, not an assertion
 * about speed); the error names what it waited for and shows the app's output.
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  output: () => string = () => '',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The status of GET `url`, or 0 when nothing answers. */
export async function statusOf(url: string, init: RequestInit = {}): Promise<number> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Waits until the app's /readyz answers 200. */
export function waitUntilReady(app: AppProcess, timeoutMs = 120_000): Promise<void> {
  return waitUntil(
    `${app.url}/readyz to answer 200`,
    async () => {
      if (app.child.exitCode !== null || app.child.signalCode !== null) {
        throw new Error(`the app exited before it was ready; output:\n${app.output()}`);
      }
      return (await statusOf(`${app.url}/readyz`)) === 200;
    },
    timeoutMs,
    app.output,
  );
}

/** True while `pid` runs (not gone, not a zombie waiting to be reaped). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The pids whose parent is `pid` (from /proc: the processes a given process started). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** The postmaster of the embedded cluster in `dataDir`: PostgreSQL's own postmaster.pid says. */
export function postmasterOf(dataDir: string): number {
  return Number.parseInt(
    fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0],
    10,
  );
}

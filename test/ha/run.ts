import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import type { AppMessage } from '../bench/app-process';
import { buildFormation, type Formation, killEverything } from './formation';

/**
 * `npm run ha:test`: a failover, measured. Builds a pg_auto_failover formation here
 * (./formation.ts), seeds the demo organisation through the formation's several-server
 * URL, starts two app instances on it, drives registrations and mediation events from
 * several clients through both, kills the primary's node with SIGKILL (its pg_autoctl,
 * postmaster and backends at once, as a server dies), keeps driving until writes are
 * served again, and then checks what users rely on: no acknowledged write lost, no 500,
 * every chain intact, every mail sent once. The last line of stdout is one JSON object;
 * the exit code is 0 only when the figures hold. Not part of `npm test`.
 */

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const settings = {
  clients: option('clients', 6),
  /** Seconds of steady load before the kill. */
  before: option('before', 15),
  /** Seconds of load after writes are served again. */
  after: option('after', 15),
  /** Writes must be served again within this many seconds of the kill (issue 23: 30). */
  recoverWithinSeconds: option('recover-within', 30),
  /** `--freeze`: the primary's node is frozen (SIGSTOP: it hangs, its sockets stay open) instead of killed. */
  freeze: args.includes('--freeze'),
};

const started = Date.now();
const log = (line: string) =>
  process.stderr.write(`[ha ${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}\n`);

// ---- the SMTP peer: every mail it accepted, by Message-ID -------------------------------

async function startSmtp() {
  const received: string[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const head =
          Buffer.concat(chunks)
            .toString('utf8')
            .split(/\r?\n\r?\n/)[0] ?? '';
        const id = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? `(none ${received.length})`;
        received.push(id);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// ---- the app instances ------------------------------------------------------------------

interface AppInstance {
  name: string;
  child: ChildProcess;
  url: string;
  logFile: string;
}

function startApp(name: string, env: NodeJS.ProcessEnv, dir: string): Promise<AppInstance> {
  const logFile = path.join(dir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = fork(path.join(__dirname, '..', 'bench', 'app-process.js'), [], {
    env: { ...env, DATA_DIR: path.join(dir, name) },
    execArgv: ['--max-semi-space-size=4', '--heap-growing-percent=50'],
    stdio: ['ignore', out, out, 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`${name} exited with code ${code} before it was ready (${logFile})`)),
    );
    child.on('message', (message: AppMessage) => {
      if (message.kind === 'ready') resolve({ name, child, url: message.url, logFile });
      if (message.kind === 'error') reject(new Error(`${name} did not start: ${message.message}`));
    });
  });
}

async function stopApp(app: AppInstance): Promise<void> {
  if (app.child.exitCode !== null) return;
  const exited = new Promise((resolve) => app.child.once('exit', resolve));
  app.child.send({ kind: 'stop' });
  await Promise.race([exited, sleep(15_000)]);
  if (app.child.exitCode === null) app.child.kill('SIGKILL');
}

// ---- the clients ------------------------------------------------------------------------

interface Answer {
  status: number; // 0: no answer (connection refused, reset, or no answer within the timeout)
  body: unknown;
  retryAfter?: number;
}

interface Outcome {
  kind: string;
  instance: string;
  startedAt: number;
  endedAt: number;
  status: number;
}

const outcomes: Outcome[] = [];

async function call(
  instance: AppInstance,
  kind: string,
  method: string,
  url: string,
  token: string,
  json?: unknown,
): Promise<Answer> {
  const startedAt = Date.now();
  let answer: Answer;
  try {
    const response = await fetch(`${instance.url}${url}`, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    answer = {
      status: response.status,
      body,
      retryAfter: Number(response.headers.get('retry-after')) || undefined,
    };
  } catch {
    answer = { status: 0, body: undefined };
  }
  if (method !== 'GET')
    outcomes.push({ kind, instance: instance.name, startedAt, endedAt: Date.now(), status: answer.status });
  return answer;
}

/** Parties of their own for each case: one active forum per dispute (the same parties twice would be refused, 422). */
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const givenNames = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
];
let partySerial = 0;
function partiesOfANewCase() {
  const n = partySerial++;
  const name = `${surnames[n % surnames.length]}${givenNames[Math.floor(n / surnames.length) % givenNames.length]}${n >= 400 ? n : ''}`;
  return [
    { role: 'applicant', kind: 'person', name },
    { role: 'respondent', kind: 'organisation', name: `莘庄第${n + 1}机械制造有限公司` },
  ];
}

const daysAgo = (days: number) => {
  const date = new Date(Date.now() + 8 * 3600_000 - days * 86_400_000);
  return date.toISOString().slice(0, 10);
};

/** What was acknowledged: each case registered, and each event with the version it produced. */
const acknowledged = {
  cases: new Set<string>(),
  events: [] as Array<{ caseId: string; version: number; type: string }>,
};
const unexpected: string[] = [];

async function client(
  index: number,
  apps: AppInstance[],
  token: string,
  mediatorId: string,
  stopAt: () => number,
) {
  let turn = index;
  const next = () => apps[turn++ % apps.length] as AppInstance;
  let caseId: string | undefined;
  let version = 0;
  let steps: Array<Record<string, unknown>> = [];
  let sessions = 0;

  const refresh = async () => {
    if (!caseId) return;
    const answer = await call(next(), 'read', 'GET', `/api/v1/cases/${caseId}`, token);
    if (answer.status === 200) {
      const body = answer.body as { version: number; allowedEvents: string[] };
      version = body.version;
      // a step whose answer was lost may have been done: skip what the case no longer allows
      while (steps.length > 0 && !body.allowedEvents.includes(String(steps[0]?.type))) steps.shift();
    }
  };

  while (Date.now() < stopAt()) {
    if (!caseId) {
      const received = 13 + (index % 4); // 13–16 days ago: the labour clock's warning or its end has come (§14)
      const answer = await call(next(), 'register', 'POST', '/api/v1/cases', token, {
        type: 'labour',
        title: `拖欠工资争议（故障切换测试 ${index}-${Date.now()}）`,
        description: '申请人称被申请人拖欠三个月工资，要求支付。',
        source: 'walk_in',
        occurredOn: daysAgo(40),
        receivedOn: daysAgo(received),
        parties: partiesOfANewCase(),
      });
      if (answer.status === 201) {
        const body = answer.body as { id: string; version: number };
        caseId = body.id;
        version = body.version;
        acknowledged.cases.add(caseId);
        steps = [
          { type: 'SUBMIT' },
          { type: 'ACCEPT', track: 'people', level: 'community' },
          { type: 'ASSIGN', mediatorId },
        ];
        sessions = 0;
      } else await backOff(answer);
      continue;
    }
    const event = steps[0] ?? {
      type: 'LOG_SESSION',
      kind: 'session',
      heldAt: new Date().toISOString(),
      minutes: '双方当事人到场，调解员听取陈述并释法说理，约定下次调解时间。',
      place: '莘松居委人民调解室',
    };
    const answer = await call(next(), String(event.type), 'POST', `/api/v1/cases/${caseId}/events`, token, {
      ...event,
      expectedVersion: version,
    });
    if (answer.status === 200) {
      version = (answer.body as { version: number }).version;
      acknowledged.events.push({ caseId, version, type: String(event.type) });
      if (steps.length > 0) steps.shift();
      else if (++sessions >= 6) caseId = undefined; // a new case now and then: registrations all along
    } else if (answer.status === 409) {
      await refresh(); // a write whose answer was lost may have committed: the case moved on
    } else if (answer.status === 422) {
      unexpected.push(`${event.type} answered 422: ${JSON.stringify(answer.body).slice(0, 200)}`);
      caseId = undefined; // a new case: this one cannot go on as planned
    } else await backOff(answer);
  }
}

async function backOff(answer: Answer): Promise<void> {
  if (answer.status !== 0 && answer.status !== 503)
    unexpected.push(`answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
  await sleep(Math.min(1000, (answer.retryAfter ?? 1) * 1000) / 2);
}

/** Asks each instance's /readyz every 250 ms until the load stops. */
async function watchReadiness(
  apps: AppInstance[],
  samples: Array<{ instance: string; at: number; ready: boolean }>,
  stopAt: () => number,
): Promise<void> {
  while (Date.now() < stopAt()) {
    await Promise.all(
      apps.map(async (app) => {
        const ready = await fetch(`${app.url}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
          (response) => response.status === 200,
          () => false,
        );
        samples.push({ instance: app.name, at: Date.now(), ready });
      }),
    );
    await sleep(250);
  }
}

/** A supervisor's statistics (GET /api/v1/stats), every 500 ms, through each instance in turn: where each was read. */
async function readStatistics(
  apps: AppInstance[],
  token: string,
  samples: Array<{ at: number; status: number; readFrom?: string }>,
  stopAt: () => number,
): Promise<void> {
  const year = new Date().getFullYear();
  for (let turn = 0; Date.now() < stopAt(); turn++) {
    const app = apps[turn % apps.length] as AppInstance;
    const answer = await call(
      app,
      'statistics',
      'GET',
      `/api/v1/stats?from=${year}-01-01&to=${year}-12-31`,
      token,
    );
    samples.push({
      at: Date.now(),
      status: answer.status,
      readFrom: (answer.body as { readFrom?: string })?.readFrom,
    });
    await sleep(500);
  }
}

/** Seconds from the first not-ready answer after the kill to the last (0 if it never said so). */
function notReadyAfter(
  samples: Array<{ instance: string; at: number; ready: boolean }>,
  instance: string,
  killedAt: number,
): number {
  const notReady = samples.filter((s) => s.instance === instance && s.at >= killedAt && !s.ready);
  if (notReady.length === 0) return 0;
  return Number((((notReady.at(-1)?.at ?? 0) - (notReady[0]?.at ?? 0)) / 1000).toFixed(1));
}

// ---- the checks -------------------------------------------------------------------------

async function onPrimary<T>(formation: Formation, work: (client: Client) => Promise<T>): Promise<T> {
  const primary = await formation.primary();
  const db = new Client({ connectionString: formation.nodeUrl(primary) });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

function verifyChains(env: NodeJS.ProcessEnv): { checked: number; broken: number; output: string } {
  const run = spawnSync(process.execPath, [path.resolve('dist/src/cli/audit-verify.js')], {
    env,
    encoding: 'utf8',
  });
  const output = `${run.stdout}${run.stderr}`;
  const summary = /Checked (.+?): (\d+) intact, (\d+) broken\./.exec(output);
  if (!summary) return { checked: 0, broken: -1, output };
  return { checked: Number(summary[2]) + Number(summary[3]), broken: Number(summary[3]), output };
}

/** What an interrupted run removes (the app instances and their folder; `killEverything` the formation). */
const onInterrupt: Array<() => void> = [];

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-ha-apps-'));
  const smtp = await startSmtp();
  let formation: Formation | undefined;
  const apps: AppInstance[] = [];
  onInterrupt.push(() => {
    for (const app of apps) app.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  // the clients drive until this moment (set when the run is over, or fails)
  let stopAt = Number.POSITIVE_INFINITY;
  try {
    formation = await buildFormation({
      log,
      failover: {
        healthCheckPeriodMs: 1000,
        unhealthyAfterMs: 3000,
        demoteTimeoutMs: 10_000,
        networkPartitionSeconds: 8,
      },
    });
    const { primary, secondary } = await formation.settled(60_000);
    log(
      `formation ready: ${primary.name} primary, ${secondary.name} secondary; DATABASE_URL=${formation.databaseUrl}`,
    );

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: formation.databaseUrl,
      // the statistics read from the standby (issue 23 item 3): whichever server is one, else the primary
      DATABASE_READ_URL: formation.databaseUrl.replace(
        'target_session_attrs=read-write',
        'target_session_attrs=prefer-standby',
      ),
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DATA_KEY: randomBytes(32).toString('hex'),
      AUDIT_KEY: randomBytes(32).toString('hex'),
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      DEMO_DATA: 'none',
      LOG_LEVEL: process.env.HA_LOG_LEVEL ?? 'warn',
      LOG_SAMPLE_RATE: process.env.HA_LOG_LEVEL ? '1' : undefined,
      PORT: '0',
    };
    const seeded = spawnSync(process.execPath, [path.resolve('dist/src/cli/seed-demo.js')], {
      env,
      encoding: 'utf8',
    });
    if (seeded.status !== 0)
      throw new Error(`seeding the demo organisation failed: ${seeded.stdout}${seeded.stderr}`);
    log(seeded.stdout.trim());

    // two instances starting together on the formation
    apps.push(...(await Promise.all([startApp('app-a', env, dir), startApp('app-b', env, dir)])));
    log(`instances: ${apps.map((app) => `${app.name} ${app.url}`).join(', ')}`);
    const login = await fetch(`${apps[0]?.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: 'mediator', password: 'demo12345' }),
    });
    const { token, user } = (await login.json()) as { token: string; user: { id: string } };
    const supervisor = await fetch(`${apps[0]?.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: 'supervisor', password: 'demo12345' }),
    });
    const supervisorToken = ((await supervisor.json()) as { token: string }).token;

    const readiness: Array<{ instance: string; at: number; ready: boolean }> = [];
    const watching = watchReadiness(apps, readiness, () => stopAt);
    const statistics: Array<{ at: number; status: number; readFrom?: string }> = [];
    const readingStatistics = readStatistics(apps, supervisorToken, statistics, () => stopAt);
    const clients = Array.from({ length: settings.clients }, (_, i) =>
      client(i, apps, token, user.id, () => stopAt),
    );
    await sleep(settings.before * 1000);

    const victim = await formation.primary();
    const acknowledgedBefore = outcomes.filter((o) => o.status >= 200 && o.status < 300).length;
    const killedAt = Date.now();
    const { postmasterPid } = formation.kill(victim, settings.freeze ? 'SIGSTOP' : 'SIGKILL');
    log(
      `${settings.freeze ? 'froze' : 'killed'} ${victim.name} (postmaster ${postmasterPid}, with its pg_autoctl and backends) after ${acknowledgedBefore} acknowledged writes`,
    );

    // drive on until writes are served again, then `after` seconds more
    // served again: the first write acknowledged after a gap of a second or more with none (a frozen
    // server may still finish a few writes after the signal); unavailable from the kill until then
    let recoveredAt: number | undefined;
    const giveUpAt = killedAt + (settings.recoverWithinSeconds + 60) * 1000;
    while (recoveredAt === undefined && Date.now() < giveUpAt) {
      await sleep(200);
      const acks = outcomes
        .filter((o) => o.status >= 200 && o.status < 300 && o.endedAt > killedAt)
        .map((o) => o.endedAt)
        .sort((x, y) => x - y);
      recoveredAt = acks.find(
        (at, index) => at - (index === 0 ? killedAt : (acks[index - 1] as number)) >= 1000,
      );
    }
    if (recoveredAt !== undefined)
      log(`writes served again ${((recoveredAt - killedAt) / 1000).toFixed(1)} s after the kill`);
    else log('writes were not served again');
    await sleep(settings.after * 1000);
    stopAt = Date.now();
    await watching;
    await readingStatistics;
    await Promise.all(clients);
    const newPrimary = await formation.primary();
    log(`load stopped; ${newPrimary.name} is primary`);

    // the mail that is due goes out: wait until the outbox holds nothing unsent (deadline timers included)
    const waitMailUntil = Date.now() + 90_000;
    let unsent = -1;
    while (Date.now() < waitMailUntil) {
      unsent = await onPrimary(formation, async (db) =>
        Number(
          (
            await db.query(
              `SELECT count(*) AS n FROM outbox WHERE channel = 'mail' AND sent_at IS NULL AND failed_at IS NULL
                AND delivery IS DISTINCT FROM 'digest'`,
            )
          ).rows[0].n,
        ),
      );
      if (unsent === 0) break;
      await sleep(1000);
    }
    await sleep(2000);

    const checks = await onPrimary(formation, async (db) => {
      const caseIds = [...acknowledged.cases];
      const foundCases = await db.query<{ id: string }>('SELECT id FROM cases WHERE id = ANY($1::uuid[])', [
        caseIds,
      ]);
      const events = await db.query<{ case_id: string; seq: number; type: string }>(
        'SELECT case_id, seq, type FROM case_events WHERE case_id = ANY($1::uuid[])',
        [caseIds],
      );
      const versions = await db.query<{ id: string; version: number }>(
        'SELECT id, version FROM cases WHERE id = ANY($1::uuid[])',
        [caseIds],
      );
      // each instance LISTENs for the users', units', cases' and calendar's changes again (one connection), on the new primary
      const listeners = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
          WHERE application_name = 'grand-mediation notices' AND query LIKE 'LISTEN%'`,
      );
      const sent = await db.query<{ message_id: string; kind: string }>(
        `SELECT message_id, kind FROM outbox WHERE channel = 'mail' AND delivery = 'mail' AND sent_at IS NOT NULL`,
      );
      return {
        foundCases: new Set(foundCases.rows.map((r) => r.id)),
        events: events.rows,
        versions: versions.rows,
        sent: sent.rows,
        listeners: Number(listeners.rows[0]?.n ?? 0),
      };
    });
    // an event acknowledged with version v is the case's event of seq v (the chain's position), of that type
    const eventKey = (caseId: string, seq: number) => `${caseId}/${seq}`;
    const stored = new Map(checks.events.map((e) => [eventKey(e.case_id, e.seq), e.type]));
    const lostCases = [...acknowledged.cases].filter((id) => !checks.foundCases.has(id));
    const lostEvents = acknowledged.events.filter(
      (e) => stored.get(eventKey(e.caseId, e.version + 1)) !== e.type,
    );
    const received = new Map<string, number>();
    for (const id of smtp.received) received.set(id, (received.get(id) ?? 0) + 1);
    const duplicateMails = [...received.values()].reduce((sum, n) => sum + (n - 1), 0);
    const missingMails = checks.sent.filter((row) => !received.has(row.message_id)).length;
    const deadlineMails = checks.sent.filter((row) => row.kind.startsWith('deadline.'));
    const chains = verifyChains(env);

    const writes = outcomes;
    const report = {
      unavailableSeconds:
        recoveredAt === undefined ? null : Number(((recoveredAt - killedAt) / 1000).toFixed(1)),
      lostWrites: lostCases.length + lostEvents.length,
      responses500: writes.filter((o) => o.status >= 500 && o.status !== 503).length,
      chainsBroken: chains.broken,
      duplicateMails,
      missingMails,
      unsentMails: unsent,
      acknowledgedWrites: acknowledged.cases.size + acknowledged.events.length,
      casesRegistered: acknowledged.cases.size,
      eventsAcknowledged: acknowledged.events.length,
      responses503: writes.filter((o) => o.status === 503).length,
      noAnswer: writes.filter((o) => o.status === 0).length,
      chainsChecked: chains.checked,
      mailsSent: checks.sent.length,
      deadlineMailsSent: deadlineMails.length,
      listenersBack: checks.listeners === apps.length,
      statistics: {
        read: statistics.length,
        fromStandby: statistics.filter((r) => r.readFrom === 'standby').length,
        fromPrimary: statistics.filter((r) => r.readFrom === 'primary').length,
        responses500: statistics.filter((r) => r.status >= 500 && r.status !== 503).length,
        responses503: statistics.filter((r) => r.status === 503).length,
      },
      notReadySeconds: Object.fromEntries(
        apps.map((app) => [app.name, notReadyAfter(readiness, app.name, killedAt)]),
      ),
      readyAtTheEnd: apps.every(
        (app) => readiness.filter((r) => r.instance === app.name).at(-1)?.ready === true,
      ),
      killed: { node: victim.name, postmasterPid, how: settings.freeze ? 'SIGSTOP' : 'SIGKILL' },
      newPrimary: newPrimary.name,
      instances: apps.length,
      clients: settings.clients,
    };
    const byStatus: Record<string, number> = {};
    for (const o of outcomes)
      byStatus[`${o.kind} ${o.status}`] = (byStatus[`${o.kind} ${o.status}`] ?? 0) + 1;
    log(`answers by kind and status: ${JSON.stringify(byStatus)}`);
    const perSecond = new Map<number, number>();
    for (const o of outcomes)
      if (o.status >= 200 && o.status < 300) {
        const second = Math.floor((o.endedAt - killedAt) / 1000);
        perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      }
    log(
      `acknowledged writes per second from the kill: ${[...perSecond.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([second, n]) => `${second}:${n}`)
        .join(' ')}`,
    );
    if (lostEvents.length > 0)
      log(
        `lost events (first 5): ${JSON.stringify(lostEvents.slice(0, 5))}; stored for their cases: ${JSON.stringify(checks.events.filter((e) => e.case_id === lostEvents[0]?.caseId))}`,
      );
    if (unexpected.length > 0)
      log(`unexpected answers (${unexpected.length}), the first: ${unexpected.slice(0, 5).join(' | ')}`);
    if (chains.broken !== 0) log(`audit:verify said:\n${chains.output}`);
    for (const event of (await formation.events()).slice(-12))
      log(`monitor ${event.at} ${event.node}: ${event.state} — ${event.comment.slice(0, 120)}`);
    const holds =
      report.unavailableSeconds !== null &&
      report.unavailableSeconds <= settings.recoverWithinSeconds &&
      report.lostWrites === 0 &&
      report.responses500 === 0 &&
      report.statistics.responses500 === 0 &&
      report.chainsBroken === 0 &&
      report.duplicateMails === 0 &&
      report.missingMails === 0 &&
      report.unsentMails === 0 &&
      report.chainsChecked > 0 &&
      report.listenersBack &&
      report.readyAtTheEnd;
    log(holds ? 'the figures hold' : 'the figures do NOT hold');
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exitCode = holds ? 0 : 1;
  } finally {
    stopAt = Math.min(stopAt, Date.now());
    for (const app of apps) await stopApp(app).catch(() => undefined);
    if (process.exitCode !== 0)
      for (const app of apps) log(`${app.name}'s errors (the first 10):\n${errorsIn(app.logFile, 10)}`);
    await formation?.stop().catch(() => undefined);
    await smtp.close().catch(() => undefined);
    if (process.env.HA_KEEP_LOGS) log(`the apps' logs are kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The log lines of level error (50) and above that are not a request's "completed" line. */
function errorsIn(file: string, count: number): string {
  if (!fs.existsSync(file)) return '(no log)';
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /"level":(5|6)0/.test(line) && !line.includes('"request completed"'));
  return (
    lines
      .slice(0, count)
      .map((line) => line.slice(0, 1500))
      .join('\n') || '(none)'
  );
}

// interrupted: the formation runs detached and would outlive this process, and its folder with it
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    log(`${signal}: stopping the formation and the apps`);
    for (const cleanUp of onInterrupt) cleanUp();
    killEverything();
    process.exit(130);
  });

main().catch((error: Error) => {
  log(`failed: ${error.stack ?? error.message}`);
  process.exitCode = 2;
});

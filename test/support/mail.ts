import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { DataSource } from 'typeorm';
import type { Case } from '../../src/cases/case.entity';
import type { CaseEventInput } from '../../src/cases/case.schemas';
import { buildServices, type Services } from '../../src/composition-root';
import { createI18n } from '../../src/shared/i18n/i18n';
import { createLogger } from '../../src/shared/logger';
import { type RunningWorker, startWorker, type WorkerOptions } from '../../src/worker';
import type { TestApp } from './test-app';

/**
 * A real SMTP server on loopback (no TLS, no auth), keeping every mail it accepted,
 * parsed. `stop()` takes it down; `start(port)` brings it back on the same port.
 * `answerDelayMs`: a slow server, which has the whole mail but says "250 OK" that much later.
 */
export class SmtpPeer {
  readonly received: ParsedMail[] = [];
  port = 0;
  /** Mails whose data has arrived and whose "250 OK" has not yet been said, now and at most so far. */
  inFlight = 0;
  maxInFlight = 0;
  /** SMTP connections opened to it. */
  connections = 0;
  /** While held (`hold()`), every "250 OK" waits for `release()`. */
  private holding = false;
  private held: Array<() => void> = [];
  private server: SMTPServer | undefined;

  constructor(private readonly options: { answerDelayMs?: number } = {}) {}

  async start(port = this.port): Promise<this> {
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onConnect: (_session, callback) => {
        this.connections++;
        callback();
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.received.push(mail);
            this.inFlight++;
            this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
            const answer = () => {
              this.inFlight--;
              callback();
            };
            if (this.holding) this.held.push(answer);
            else setTimeout(answer, this.options.answerDelayMs ?? 0);
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  /** From now on the server keeps every mail it has without answering, until `release()`. */
  hold(): void {
    this.holding = true;
  }

  /** Answers every mail held, and answers again as usual. */
  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ParsedMail[] {
    return this.received.filter((mail) => addressesOf(mail).includes(address));
  }
}

export function addressesOf(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((group) => group.value.map((entry) => entry.address ?? ''));
}

/**
 * Polls until `check` returns something truthy, at most `timeoutMs` (a bound on the
 * wait, not an assertion about speed); throws naming what it waited for.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Fast settings for tests: short polling and backoff, no pg-boss scheduler. */
export const testWorkerOptions: Partial<WorkerOptions> = {
  pollIntervalMs: 50,
  cron: false,
  jobPollingSeconds: 0.5,
  retry: { baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 100 },
};

/** The background worker of the test app (its services, its clock). */
export async function startTestWorker(
  testApp: TestApp,
  options: Partial<WorkerOptions> = {},
  services: Services = testApp.services,
  db: DataSource = testApp.db,
): Promise<RunningWorker> {
  return startWorker({
    db,
    config: testApp.config,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', { pretty: false }),
    clock: testApp.clock,
    services,
    i18n: await createI18n(testApp.config.defaultLocale),
    options: { ...testWorkerOptions, ...options },
  });
}

/** Another app process on the same database: its own pool, its own services (its calendar read), the same clock. */
export async function servicesOn(testApp: TestApp, db: DataSource): Promise<Services> {
  const services = buildServices({ db, config: testApp.config, clock: testApp.clock });
  await services.calendarCache.load();
  return services;
}

/** Sends workflow events to a case as `userId`, each against the case's current version. */
export async function sendEvents(
  services: Services,
  db: DataSource,
  userId: string,
  caseId: string,
  ...events: Array<Record<string, unknown> & { type: string }>
): Promise<Case> {
  const actor = await services.actors.load(userId);
  if (!actor) throw new Error('no such actor');
  let result: Case | undefined;
  for (const event of events) {
    const [row]: Array<{ version: number }> = await db.query('SELECT version FROM cases WHERE id = $1', [
      caseId,
    ]);
    result = await services.caseWorkflow.apply(actor, caseId, {
      ...event,
      expectedVersion: row.version,
    } as unknown as CaseEventInput);
  }
  return result as Case;
}

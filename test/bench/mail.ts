import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { defaults } from '../../config/defaults';
import { loadConfig } from '../../config/environment';
import { buildServices } from '../../src/composition-root';
import { databaseSchema } from '../../src/database-schema';
import { enqueueNotifications, type Notification } from '../../src/notifications/outbox';
import { systemClock } from '../../src/shared/clock';
import { createDataSource } from '../../src/shared/db/data-source';
import { createI18n } from '../../src/shared/i18n/i18n';
import { createLogger } from '../../src/shared/logger';
import { createMailDispatch } from '../../src/worker';

/** What the `mail` phase measured (`mailPerSecond` and its circumstances). */
export interface MailBenchResult {
  /** Mails the server accepted while the outbox was drained. */
  messages: number;
  seconds: number;
  perSecond: number;
  /** MAIL_CONCURRENCY the dispatcher ran with (the app's default unless set). */
  concurrency: number;
  /** The server's delay before it answers each mail's data. */
  answerDelayMs: number;
  /** The most mails the server held at once. */
  maxInFlight: number;
}

/** A local SMTP server that answers each mail's data only after `answerDelayMs`: a slow relay. */
async function slowSmtpServer(answerDelayMs: number) {
  const counts = { accepted: 0, inFlight: 0, maxInFlight: 0 };
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _session, callback) => {
      stream.resume();
      stream.on('end', () => {
        counts.inFlight++;
        counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
        setTimeout(() => {
          counts.inFlight--;
          counts.accepted++;
          callback();
        }, answerDelayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The `mail` phase: `notices` notices queued as an event queues them (one transaction, to the users
 * who have an address), then one process's outbox dispatcher — the worker's own
 * (`createMailDispatch`, src/worker.ts), with the app's configuration and defaults — drains them to a
 * local SMTP server that takes `answerDelayMs` to accept each mail. Run after the app has stopped, so
 * that no other worker takes a share. `mailPerSecond` = mails accepted ÷ the drain's seconds.
 */
export async function measureMail(options: {
  databaseUrl: string;
  env: NodeJS.ProcessEnv;
  notices: number;
  answerDelayMs: number;
}): Promise<MailBenchResult> {
  const smtp = await slowSmtpServer(options.answerDelayMs);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-bench-mail-'));
  const config = loadConfig({
    ...options.env,
    DATABASE_URL: options.databaseUrl,
    SMTP_URL: smtp.url,
    DATA_DIR: dataDir,
  });
  const db = createDataSource(options.databaseUrl, { ...databaseSchema, applicationName: 'bench-mail' });
  await db.initialize();
  try {
    const services = buildServices({ db, config, clock: systemClock });
    const people: Array<{ id: string }> = await db.query(
      `SELECT id FROM users WHERE active AND email IS NOT NULL ORDER BY username`,
    );
    const [subject]: Array<{ id: string; number: string; title: string }> = await db.query(
      'SELECT id, number, title FROM cases ORDER BY number LIMIT 1',
    );
    if (people.length === 0 || !subject) throw new Error('mail phase: no user with an address, or no case');
    const notices: Notification[] = Array.from({ length: options.notices }, (_, index) => ({
      kind: 'case.assigned',
      recipientUserId: people[index % people.length].id,
      subjectType: 'case',
      subjectId: subject.id,
      payload: { number: subject.number, title: subject.title, event: 'ASSIGN', by: 'bench' },
    }));
    await services.transactions.run((tx) => enqueueNotifications(tx, notices));

    const concurrency = config.mailConcurrency as number;
    const { dispatcher, mailer } = createMailDispatch({
      config,
      services,
      clock: systemClock,
      logger: createLogger('silent', { pretty: false }),
      i18n: await createI18n(config.defaultLocale),
      options: {
        retry: defaults.notifications.retry,
        mailConcurrency: concurrency,
        leaseSeconds: config.mailLeaseSeconds as number,
      },
    });
    const started = performance.now();
    await dispatcher.drain();
    const seconds = (performance.now() - started) / 1000;
    mailer.close();
    const messages = smtp.counts.accepted;
    return {
      messages,
      seconds: Math.round(seconds * 10) / 10,
      perSecond: Math.round((messages / seconds) * 100) / 100,
      concurrency,
      answerDelayMs: options.answerDelayMs,
      maxInFlight: smtp.counts.maxInFlight,
    };
  } finally {
    await db.destroy();
    await smtp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

import type { i18n as I18n } from 'i18next';
import type { DataSource } from 'typeorm';
import { defaults } from '../config/defaults';
import type { Config } from '../config/environment';
import type { Services } from './composition-root';
import { MailRenderer } from './notifications/mail-renderer';
import { createMailer, mailDomainOf } from './notifications/mailer';
import { OutboxDispatcher, type RetryPolicy } from './notifications/outbox-dispatcher';
import { createSmsSender } from './notifications/sms-sender';
import { SmsRenderer } from './notifications/sms-templates';
import type { Clock } from './shared/clock';
import { PersonalDataCipher } from './shared/crypto/personal-data';
import { queues } from './shared/jobs/job-queue';
import type { Logger } from './shared/logger';
import type { TimedSubjectType } from './timers/deadline-timer.repository';

export interface WorkerOptions {
  /** How long the mail loop sleeps when nothing was due. */
  pollIntervalMs: number;
  retry: RetryPolicy;
  /** pg-boss's scheduler (the hourly sweep and digest jobs). Tests call those jobs directly. */
  cron: boolean;
  /** How often each pg-boss worker asks for a due timer job (seconds, at least 0.5). */
  jobPollingSeconds: number;
  /** From this hour (Asia/Shanghai) the day's digests are made. */
  digestHour: number;
  /** Mails and SMS in flight at once (MAIL_CONCURRENCY), over as many pooled SMTP connections. */
  mailConcurrency: number;
  /** How long a claimed outbox row stays this process's before another takes it over (MAIL_LEASE_SECONDS). */
  leaseSeconds: number;
}

export type WorkerState = 'running' | 'stopping' | 'stopped';

export interface RunningWorker {
  readonly mailer: 'smtp' | 'files';
  state(): WorkerState;
  /** For /readyz: a short description while healthy; throws when not. */
  readiness(): Promise<string>;
  /** Sends what is due now, without waiting for the loop (tests; after an admin's retry). */
  drainNow(): Promise<number>;
  /**
   * Stops taking work, lets the mails and job in hand finish, then returns. A mail still
   * being sent after `graceMs` (a mail server that hangs) is cut off and counted as a failed
   * attempt: sent again later, by any process, with the same Message-ID.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

type JobBoss = Awaited<ReturnType<Services['jobs']['start']>>;

/** The pg-boss workers of one process: deadline timers, the sweep, the digest, the checkpoint, the upload sweep. */
async function workOnJobs(boss: JobBoss, services: Services, logger: Logger, options: WorkerOptions) {
  const polling = { pollingIntervalSeconds: options.jobPollingSeconds, batchSize: 1 };
  await boss.work<{ subjectType: TimedSubjectType; subjectId: string }>(
    queues.deadlineTimer.name,
    polling,
    async ([job]) =>
      ({
        outcome: await services.timers.reconcile(job.data.subjectType, job.data.subjectId, {
          raise: true,
          currentJobId: job.id,
        }),
      }) as object,
  );
  // a planned appointment's reminders (src/schedule): the day before, the morning of
  await boss.work<{ appointmentId: string }>(queues.appointmentReminder.name, polling, async ([job]) => ({
    sent: await services.appointmentReminders.remind(job.data.appointmentId, job.id),
  }));
  await boss.work(queues.deadlineSweep.name, polling, async () => {
    // the appointments' reminders too (src/schedule): jobs lost or late are queued again
    const reminders = await services.appointmentReminders.sweep();
    if (reminders.checked > 0) logger.info(reminders, 'appointment reminders swept');
    const result = await services.timers.sweep();
    for (const failure of result.failures) logger.error(failure, 'deadline timer could not be reconciled');
    if (result.sweptAlone.batches > 0)
      logger.warn(
        { batches: result.sweptAlone.batches, err: result.sweptAlone.firstError },
        'deadline sweep batches failed and were swept again one case at a time',
      );
    logger.info({ checked: result.checked, raised: result.raised }, 'deadline sweep done');
    return { checked: result.checked, raised: result.raised };
  });
  await boss.work(queues.notificationDigest.name, polling, async () => ({
    made: await services.digests.assembleDue(options.digestHour),
  }));
  await boss.work(queues.auditCheckpoint.name, polling, async () => {
    const signed = await services.checkpoints.sign({ reason: 'scheduled', logger });
    logger.info({ number: signed.number, chains: signed.checkpoint.chains }, 'audit checkpoint signed');
    return { number: signed.number };
  });
  await boss.work(queues.screeningMissing.name, polling, async () =>
    services.screeningMissing.flagEndedPeriod(),
  );
  await boss.work(queues.uploadSweep.name, polling, async () =>
    services.attachments.sweep(defaults.uploads.orphanAgeMinutes),
  );
  await boss.work(queues.sessionPrune.name, polling, async () => ({
    pruned: await services.signIn.pruneExpiredSessions(),
  }));
}

/** The schedules (Asia/Shanghai), and one sweep now: whatever came due while no worker ran. */
async function scheduleJobs(boss: JobBoss): Promise<void> {
  const tz = { tz: defaults.timeZone };
  await boss.schedule(queues.deadlineSweep.name, defaults.timers.sweepCron, {}, tz);
  await boss.schedule(queues.notificationDigest.name, '0 * * * *', {}, tz);
  await boss.schedule(queues.auditCheckpoint.name, defaults.audit.checkpointCron, {}, tz);
  await boss.schedule(queues.uploadSweep.name, defaults.uploads.sweepCron, {}, tz);
  await boss.schedule(queues.sessionPrune.name, defaults.session.pruneCron, {}, tz);
  // daily, early morning: a month gone by without a workstation's screening round is flagged once
  await boss.schedule(queues.screeningMissing.name, '30 6 * * *', {}, tz);
  await boss.send(queues.deadlineSweep.name, {});
}

/**
 * This process's data folder, at once (the scheduled jobs run on any one process): checkpoints the
 * database has and the file lacks, files no row records (issue 17); a failure here stops nothing.
 */
async function catchUpDataFolder(services: Services, logger: Logger): Promise<void> {
  await services.checkpoints
    .exportToFile()
    .catch((error: Error) => logger.error({ err: error }, 'checkpoint file could not be brought up to date'));
  await services.attachments
    .sweep(defaults.uploads.orphanAgeMinutes)
    .then((swept) => swept.removed + swept.completed > 0 && logger.info(swept, 'uploads swept'))
    .catch((error: Error) => logger.error({ err: error }, 'uploads could not be swept'));
}

/**
 * The mail loop: drains the outbox (`mailConcurrency` messages in flight at once), sleeps, and again,
 * until told to stop; woken early on stop.
 */
class MailLoop {
  state: WorkerState = 'running';
  error: Error | null = null;
  private wake: (() => void) | null = null;
  readonly done: Promise<void>;

  constructor(
    private readonly dispatcher: OutboxDispatcher,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
  ) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    while (this.state === 'running') {
      try {
        await this.dispatcher.drain(() => this.state !== 'running');
        this.error = null;
      } catch (error) {
        // the database, not a mail server (those failures are recorded on their rows)
        this.error = error as Error;
        this.logger.error({ err: error }, 'outbox dispatch failed');
      }
      if (this.state !== 'running') break;
      // after a database error, give it a few seconds rather than a busy loop of failures
      await this.sleep(this.error ? Math.max(this.pollIntervalMs, 5000) : this.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wake = null;
    });
  }

  /** Stops taking work and wakes the loop; resolves when the drain in hand has finished. */
  stop(): Promise<void> {
    this.state = 'stopping';
    this.wake?.();
    return this.done;
  }
}

/**
 * This process's outbox dispatcher, its mailer (pooled SMTP, or files) and SMS sender, wired from the
 * configuration: the worker's mail loop, and the benchmark's `mail` phase (test/bench/mail.ts), which
 * measures it without the rest of the worker. `stopping` aborts the sends in flight.
 */
export function createMailDispatch(deps: {
  config: Config;
  services: Services;
  clock: Clock;
  logger: Logger;
  i18n: I18n;
  options: Pick<WorkerOptions, 'retry' | 'mailConcurrency' | 'leaseSeconds'>;
}) {
  const { config, services, options } = deps;
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    dataDir: config.dataDir,
    mailFrom: config.mailFrom,
    timeoutMs: defaults.notifications.smtpTimeoutMs,
    maxConnections: options.mailConcurrency,
  });
  // a mail server that hangs must not hold up a shutdown for long
  const stopping = new AbortController();
  const dispatcher = new OutboxDispatcher(services.transactions, {
    outbox: services.outbox,
    preferences: services.notificationPreferences,
    renderer: new MailRenderer(deps.i18n, config.publicUrl),
    mailer,
    clock: deps.clock,
    logger: deps.logger,
    retry: options.retry,
    mailDomain: mailDomainOf(config.mailFrom),
    concurrency: options.mailConcurrency,
    leaseSeconds: options.leaseSeconds,
    sms: {
      sender: createSmsSender({
        smsUrl: config.smsUrl,
        dataDir: config.dataDir,
        timeoutMs: defaults.notifications.smtpTimeoutMs,
      }),
      renderer: new SmsRenderer(deps.i18n, config.publicUrl),
      cipher: new PersonalDataCipher(config.dataKey),
    },
    signal: stopping.signal,
  });
  return { dispatcher, mailer, stopping };
}

/**
 * The background worker of one app process: the mail loop (outbox → mail) and the
 * pg-boss workers for deadline timers, the sweep, the daily digest, the audit
 * checkpoint and the upload sweep. Any number of processes may run it on one
 * database: outbox rows are leased to one process at a time (OutboxDispatcher), jobs claimed by pg-boss, and every notice is
 * guarded in the database (see DeadlineTimerService).
 * Started after the migrations, stopped before the database.
 */
export async function startWorker(deps: {
  db: DataSource;
  config: Config;
  logger: Logger;
  clock: Clock;
  services: Services;
  i18n: I18n;
  options?: Partial<WorkerOptions>;
}): Promise<RunningWorker> {
  const { config, services } = deps;
  const logger = deps.logger.child({ component: 'worker' });
  const options: WorkerOptions = {
    pollIntervalMs: defaults.notifications.pollIntervalMs,
    retry: defaults.notifications.retry,
    cron: true,
    jobPollingSeconds: 2,
    digestHour: defaults.notifications.digestHour,
    mailConcurrency: config.mailConcurrency ?? defaults.notifications.concurrency,
    leaseSeconds: config.mailLeaseSeconds ?? defaults.notifications.leaseSeconds,
    ...deps.options,
  };

  if (!config.smsUrl && !config.demoMode)
    logger.warn(
      { dir: `${config.dataDir}/sms` },
      'SMS_URL is not set: messages to parties are written as files, not sent (set SMS_URL to your gateway)',
    );
  const { dispatcher, mailer, stopping } = createMailDispatch({ ...deps, logger, options });

  const boss = await services.jobs.start(logger, { cron: options.cron });
  try {
    await workOnJobs(boss, services, logger, options);
    if (options.cron) await scheduleJobs(boss);
  } catch (error) {
    await services.jobs.stop();
    mailer.close();
    throw error;
  }
  await catchUpDataFolder(services, logger);

  const loop = new MailLoop(dispatcher, options.pollIntervalMs, logger);
  logger.info({ mail: mailer.kind }, 'worker started');

  return {
    mailer: mailer.kind,
    state: () => loop.state,
    readiness: async () => {
      if (loop.state !== 'running') throw new Error(`worker ${loop.state}`);
      if (loop.error) throw new Error(`outbox: ${loop.error.message}`);
      if (!services.jobs.isStarted) throw new Error('job queue stopped');
      return `running (mail: ${mailer.kind})`;
    },
    drainNow: () => dispatcher.drain(),
    stop: async ({ graceMs = defaults.shutdown.graceMs } = {}) => {
      if (loop.state !== 'running') return;
      // a mail being sent is let finish: cut off, it would be sent again though the server may have it
      const grace = setTimeout(() => stopping.abort(), graceMs);
      await loop.stop();
      clearTimeout(grace);
      await services.jobs.stop();
      mailer.close();
      loop.state = 'stopped';
      logger.info('worker stopped');
    },
  };
}

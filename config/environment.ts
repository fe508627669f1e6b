import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DatabaseAddressError, parseDatabaseAddress } from '../src/shared/db/database-address';
import { defaults, supportedLocales } from './defaults';

/**
 * The validated configuration. Built once at start from the environment over the
 * defaults; a bad value stops the start with one line naming the variable.
 */
export interface Config {
  /** `undefined` means: run an embedded PostgreSQL under `dataDir/pg`. */
  databaseUrl: string | undefined;
  /**
   * A standby the statistics and the exports read from (DATABASE_READ_URL), and how far behind
   * the primary it may be before they read from the primary instead (DATABASE_READ_MAX_LAG_SECONDS).
   * Unset (always with the embedded database): everything reads from the primary.
   */
  databaseRead?: { url: string; maxLagSeconds: number };
  port: number;
  dataDir: string;
  smtpUrl: string | undefined;
  /**
   * The SMS gateway parties' notices are POSTed to as JSON `{to, text, template, params}` (SMS_URL);
   * unset: each message is a JSON file under `$DATA_DIR/sms`.
   */
  smsUrl?: string;
  /** Sender of every mail (MAIL_FROM). */
  mailFrom: string;
  /** Cases kept in memory per process for the case page (CASE_VIEW_CACHE_SIZE; default in config/defaults.ts). */
  caseViewCacheSize?: number;
  /** Cases kept per process for the next event on them (CASE_EVENT_KEEP_SIZE; default in config/defaults.ts). */
  caseEventKeepSize?: number;
  /** Mails and SMS in flight at once per process (MAIL_CONCURRENCY; default in config/defaults.ts). */
  mailConcurrency?: number;
  /** Seconds a claimed outbox row stays one worker's before another takes it over (MAIL_LEASE_SECONDS). */
  mailLeaseSeconds?: number;
  /** Where users reach the app: links in mails start here (PUBLIC_URL, default http://localhost:PORT). */
  publicUrl: string;
  sessionSecret: string;
  /** 32-byte key for AES-256-GCM encryption of personal data. */
  dataKey: Buffer;
  /**
   * 32-byte secret the audit trail is keyed with (AUDIT_KEY): event hashes are HMACs under
   * a key derived from it, and checkpoints are signed with an Ed25519 key derived from it
   * (src/shared/crypto/audit-keys.ts). Unset: derived from DATA_KEY.
   */
  auditKey: Buffer;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Which requests get a log line (LOG_SLOW_MS, LOG_SAMPLE_RATE); absent: config/defaults.ts. */
  requestLog?: { slowMs: number; sampleRate: number };
  defaultLocale: (typeof supportedLocales)[number];
  /** Embedded database with demo data: secrets may be generated, the demo sign-in is shown. */
  demoMode: boolean;
  /**
   * What the demo organisation holds besides its units and accounts (DEMO_DATA, demo mode only):
   * `history`, a year of cases and petitions made on the first start; `none`, nothing.
   */
  demoData: 'history' | 'none';
  /** Password of the embedded cluster's superuser (embedded mode only). */
  embeddedDatabasePassword: string | undefined;
  /** Bounds on every wait for PostgreSQL. */
  database: DatabaseTimeouts;
  /** On SIGTERM, how long requests are still served (readiness failing) before the listener closes. */
  shutdownDrainMs: number;
}

/** Bounds on every wait for PostgreSQL (milliseconds; defaults in config/defaults.ts). */
export interface DatabaseTimeouts {
  /** DATABASE_CONNECT_TIMEOUT_MS: opening a connection, or waiting for a free one in the pool. */
  connectTimeoutMs: number;
  /** DATABASE_STATEMENT_TIMEOUT_MS: one statement (PostgreSQL's statement_timeout). */
  statementTimeoutMs: number;
  /** DATABASE_IDLE_TRANSACTION_TIMEOUT_MS: PostgreSQL's idle_in_transaction_session_timeout. */
  idleInTransactionTimeoutMs: number;
  /** MIGRATION_LOCK_TIMEOUT_MS: waiting for another instance's migrations, and a migration for a lock. */
  migrationLockTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);

const postgresUrlExample =
  'must be a postgres:// or postgresql:// URL, e.g. postgres://user:pass@127.0.0.1:5432/mediation';

/** A postgres:// URL naming one server, or several (`h1:5432,h2:5433`) with libpq's `target_session_attrs`. */
const postgresUrl = z.string().superRefine((value, context) => {
  try {
    const address = parseDatabaseAddress(value);
    // what pg opens: each server's own URL (or the URL as written, for a Unix socket)
    if (address.hosts.length === 0) new URL(value);
    for (const host of address.hosts) new URL(address.urlFor(host));
  } catch (error) {
    const why = error instanceof DatabaseAddressError ? ` (${error.message})` : '';
    context.addIssue({ code: 'custom', message: `${postgresUrlExample}${why}` });
  }
});

/** The app's own database: when it names several servers, the app must be told to write to the primary. */
const writableDatabaseUrl = postgresUrl.refine((value) => {
  let address: ReturnType<typeof parseDatabaseAddress>;
  try {
    address = parseDatabaseAddress(value);
  } catch {
    return true; // said above
  }
  return address.hosts.length <= 1 || address.target === 'read-write' || address.target === 'primary';
}, 'names several servers: add target_session_attrs=read-write (as in a pg_auto_failover formation URI), so that the app connects to the primary');

const smtpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'smtp:' || url.protocol === 'smtps:';
  } catch {
    return false;
  }
}, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.gov.cn:587');

const httpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL, e.g. https://tiaojie.minhang.gov.cn');

const secretKey = z
  .string()
  .refine(
    (value) => /^[0-9a-fA-F]{64}$/.test(value) || Buffer.from(value, 'base64').length === 32,
    'must be 32 bytes, as 64 hex digits or base64 (generate one with: openssl rand -hex 32)',
  );

/** A whole number from `min` to `max`. */
function wholeNumber(fallback: number, min: number, max: number) {
  const problem = `must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    blankToUndefined,
    z.coerce.number({ error: problem }).int(problem).min(min, problem).max(max, problem).default(fallback),
  );
}

/** A duration in whole milliseconds, from `min` up to PostgreSQL's largest (about 24 days). */
function milliseconds(fallback: number, min: number) {
  const problem = `must be a whole number of milliseconds from ${min} to 2147483647`;
  return z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: problem })
      .int(problem)
      .min(min, problem)
      .max(2_147_483_647, problem)
      .default(fallback),
  );
}

const environmentSchema = z.object({
  DATABASE_URL: z.preprocess(blankToUndefined, writableDatabaseUrl.optional()),
  DATABASE_READ_URL: z.preprocess(blankToUndefined, postgresUrl.optional()),
  DATABASE_READ_MAX_LAG_SECONDS: wholeNumber(defaults.database.readMaxLagSeconds, 1, 86_400),
  PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a whole number between 0 and 65535' })
      .int('must be a whole number between 0 and 65535')
      .min(0, 'must be a whole number between 0 and 65535')
      .max(65535, 'must be a whole number between 0 and 65535')
      .default(defaults.port),
  ),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default(defaults.dataDir)),
  SMTP_URL: z.preprocess(blankToUndefined, smtpUrl.optional()),
  SMS_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  MAIL_FROM: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/@[^\s@>]+>?\s*$/, 'must be an address, e.g. "大调解" <no-reply@minhang.gov.cn>')
      .default(defaults.notifications.mailFrom),
  ),
  MAIL_CONCURRENCY: wholeNumber(defaults.notifications.concurrency, 1, 256),
  CASE_VIEW_CACHE_SIZE: wholeNumber(defaults.caseViewCacheSize, 0, 1_000_000),
  CASE_EVENT_KEEP_SIZE: wholeNumber(defaults.caseEventKeepSize, 0, 1_000_000),
  MAIL_LEASE_SECONDS: wholeNumber(defaults.notifications.leaseSeconds, 30, 86_400),
  PUBLIC_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  SESSION_SECRET: z.preprocess(
    blankToUndefined,
    z.string().min(32, 'must be at least 32 characters (generate one with: openssl rand -hex 32)').optional(),
  ),
  DATA_KEY: z.preprocess(blankToUndefined, secretKey.optional()),
  AUDIT_KEY: z.preprocess(blankToUndefined, secretKey.optional()),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default(defaults.logLevel),
  ),
  LOG_SLOW_MS: milliseconds(defaults.requestLog.slowMs, 0),
  LOG_SAMPLE_RATE: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number from 0 to 1' })
      .min(0, 'must be a number from 0 to 1')
      .max(1, 'must be a number from 0 to 1')
      .default(defaults.requestLog.sampleRate),
  ),
  DEFAULT_LOCALE: z.preprocess(
    blankToUndefined,
    z
      .enum(supportedLocales, { error: `must be one of ${supportedLocales.join(', ')}` })
      .default(defaults.defaultLocale),
  ),
  DEMO_DATA: z.preprocess(
    blankToUndefined,
    z.enum(['history', 'none'], { error: 'must be history or none' }).default('history'),
  ),
  DATABASE_CONNECT_TIMEOUT_MS: milliseconds(defaults.database.connectTimeoutMs, 100),
  DATABASE_STATEMENT_TIMEOUT_MS: milliseconds(defaults.database.statementTimeoutMs, 100),
  DATABASE_IDLE_TRANSACTION_TIMEOUT_MS: milliseconds(defaults.database.idleInTransactionTimeoutMs, 100),
  MIGRATION_LOCK_TIMEOUT_MS: milliseconds(defaults.database.migrationLockTimeoutMs, 100),
  SHUTDOWN_DRAIN_MS: milliseconds(defaults.shutdown.drainMs, 0),
});

function parseSecretKey(value: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
}

/**
 * The audit trail's secret when AUDIT_KEY is not set: derived from DATA_KEY (HKDF), so that
 * an installation that predates AUDIT_KEY keeps starting with the secrets it has. Setting
 * AUDIT_KEY keeps the two apart; either way it must never change once the chains are keyed.
 */
function auditKeyFromDataKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'audit-trail/key/v1', 32));
}

/**
 * Secrets for embedded/demo mode: generated on the first start and kept under
 * DATA_DIR (mode 0600), so sessions and encrypted data survive a restart.
 */
interface GeneratedSecrets {
  sessionSecret: string;
  dataKey: string;
  databasePassword: string;
  auditKey: string;
}

function loadOrCreateGeneratedSecrets(dataDir: string): GeneratedSecrets {
  const file = path.join(dataDir, 'secrets.json');
  const kept = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<GeneratedSecrets>)
    : undefined;
  if (kept?.auditKey) return kept as GeneratedSecrets;
  // a first start, or a data folder from before the audit key: what is missing is added, nothing changes
  const generated: GeneratedSecrets = {
    sessionSecret: kept?.sessionSecret ?? randomBytes(32).toString('hex'),
    dataKey: kept?.dataKey ?? randomBytes(32).toString('hex'),
    databasePassword: kept?.databasePassword ?? randomBytes(18).toString('base64url'),
    auditKey: randomBytes(32).toString('hex'),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  const written = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(written, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(written, file);
  return generated;
}

/** Reads and validates the environment. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue.path[0]), issue.message);
  }
  const values = parsed.data;
  const dataDir = path.resolve(values.DATA_DIR);
  const embedded = values.DATABASE_URL === undefined;

  let sessionSecret = values.SESSION_SECRET;
  let key = values.DATA_KEY;
  let auditKey = values.AUDIT_KEY;
  let embeddedDatabasePassword: string | undefined;
  if (embedded && values.DATABASE_READ_URL)
    throw new ConfigError(
      'DATABASE_READ_URL',
      'is read only with DATABASE_URL (the embedded database has no standby)',
    );
  if (!embedded) {
    if (!sessionSecret) throw new ConfigError('SESSION_SECRET', 'is required when DATABASE_URL is set');
    if (!key) throw new ConfigError('DATA_KEY', 'is required when DATABASE_URL is set');
  } else {
    const generated = loadOrCreateGeneratedSecrets(dataDir);
    sessionSecret ??= generated.sessionSecret;
    key ??= generated.dataKey;
    auditKey ??= generated.auditKey;
    embeddedDatabasePassword = generated.databasePassword;
  }
  const dataKey = parseSecretKey(key as string);

  return {
    databaseUrl: values.DATABASE_URL,
    databaseRead: values.DATABASE_READ_URL
      ? { url: values.DATABASE_READ_URL, maxLagSeconds: values.DATABASE_READ_MAX_LAG_SECONDS }
      : undefined,
    port: values.PORT,
    dataDir,
    smtpUrl: values.SMTP_URL,
    smsUrl: values.SMS_URL,
    mailFrom: values.MAIL_FROM,
    mailConcurrency: values.MAIL_CONCURRENCY,
    caseViewCacheSize: values.CASE_VIEW_CACHE_SIZE,
    caseEventKeepSize: values.CASE_EVENT_KEEP_SIZE,
    mailLeaseSeconds: values.MAIL_LEASE_SECONDS,
    publicUrl: (values.PUBLIC_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, ''),
    sessionSecret: sessionSecret as string,
    dataKey,
    auditKey: auditKey ? parseSecretKey(auditKey) : auditKeyFromDataKey(dataKey),
    logLevel: values.LOG_LEVEL,
    requestLog: { slowMs: values.LOG_SLOW_MS, sampleRate: values.LOG_SAMPLE_RATE },
    defaultLocale: values.DEFAULT_LOCALE,
    demoMode: embedded,
    demoData: values.DEMO_DATA,
    embeddedDatabasePassword,
    database: {
      connectTimeoutMs: values.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: values.DATABASE_IDLE_TRANSACTION_TIMEOUT_MS,
      migrationLockTimeoutMs: values.MIGRATION_LOCK_TIMEOUT_MS,
    },
    shutdownDrainMs: values.SHUTDOWN_DRAIN_MS,
  };
}

/** What reaching the database takes, and nothing more. */
export interface DatabaseConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedDatabasePassword: string | undefined;
}

/**
 * Only DATABASE_URL and DATA_DIR, validated as `loadConfig` does: for an outside auditor's
 * check (`audit:verify --checkpoints`), which needs no secret. Without DATABASE_URL, the
 * embedded cluster's password is read from the data folder's secrets.json — never created.
 */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const parsed = environmentSchema.pick({ DATABASE_URL: true, DATA_DIR: true }).safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue.path[0]), issue.message);
  }
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  if (parsed.data.DATABASE_URL)
    return { databaseUrl: parsed.data.DATABASE_URL, dataDir, embeddedDatabasePassword: undefined };
  const file = path.join(dataDir, 'secrets.json');
  if (!fs.existsSync(file))
    throw new ConfigError('DATA_DIR', `holds no embedded database (${file} is missing); set DATABASE_URL`);
  const secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<GeneratedSecrets>;
  return { databaseUrl: undefined, dataDir, embeddedDatabasePassword: secrets.databasePassword };
}

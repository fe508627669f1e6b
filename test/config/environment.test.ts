import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, loadDatabaseConfig } from '../../config/environment';

const hexKey = 'a'.repeat(64);
const secret = 's'.repeat(40);

/** The data folders the tests made: removed after them (each run had left 38 in the temp folder). */
const madeDirs: string[] = [];

function tempDataDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-config-'));
  madeDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of madeDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function expectConfigError(env: NodeJS.ProcessEnv, variable: string, pattern?: RegExp) {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message.startsWith(`${variable}: `)).toBe(true);
    if (pattern) expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error(`expected a ConfigError for ${variable}`);
}

describe('configuration from the environment', () => {
  it('with nothing set, then it runs embedded in demo mode on the defaults, generating secrets once', () => {
    const dataDir = tempDataDir();

    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });

    expect(first).toMatchObject({
      databaseUrl: undefined,
      port: 3000,
      demoMode: true,
      demoData: 'history',
      defaultLocale: 'zh-CN',
    });
    expect(first.logLevel).toBe('info');
    expect(first.caseViewCacheSize).toBe(2000);
    expect(loadConfig({ DATA_DIR: dataDir, CASE_VIEW_CACHE_SIZE: '0' }).caseViewCacheSize).toBe(0);
    expect(first.caseEventKeepSize).toBe(500);
    expect(loadConfig({ DATA_DIR: dataDir, CASE_EVENT_KEEP_SIZE: '0' }).caseEventKeepSize).toBe(0);
    expect(first.dataKey).toHaveLength(32);
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.sessionSecret).toBe(first.sessionSecret);
    expect(second.dataKey.equals(first.dataKey)).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o077).toBe(0);
  });

  it('when the environment sets values, then they override the defaults', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app:pw@db.internal:5432/mediation',
      PORT: '8080',
      SESSION_SECRET: secret,
      DATA_KEY: hexKey,
      LOG_LEVEL: 'warn',
      DEFAULT_LOCALE: 'en',
      SMTP_URL: 'smtp://mail.internal:25',
      SMS_URL: 'https://sms.internal/send',
    });

    expect(config).toMatchObject({
      databaseUrl: 'postgres://app:pw@db.internal:5432/mediation',
      port: 8080,
      logLevel: 'warn',
      defaultLocale: 'en',
      smtpUrl: 'smtp://mail.internal:25',
      smsUrl: 'https://sms.internal/send',
      demoMode: false,
    });
    expect(config.dataKey.equals(Buffer.from(hexKey, 'hex'))).toBe(true);
  });

  it('accepts a DATABASE_URL naming several servers with target_session_attrs, as a pg_auto_failover formation URI does', () => {
    const url =
      'postgres://app:pw@10.0.0.1:5432,10.0.0.2:5433/mediation?target_session_attrs=read-write&sslmode=disable';
    const config = loadConfig({ DATABASE_URL: url, SESSION_SECRET: secret, DATA_KEY: hexKey });
    expect(config.databaseUrl).toBe(url);
  });

  it('accepts a DATABASE_URL over a Unix socket, as pg opens it', () => {
    const url = 'postgres:///mediation?host=/var/run/postgresql';
    expect(loadConfig({ DATABASE_URL: url, SESSION_SECRET: secret, DATA_KEY: hexKey }).databaseUrl).toBe(url);
  });

  it('accepts a base64 DATA_KEY', () => {
    const key = Buffer.alloc(32, 9);
    const config = loadConfig({
      DATABASE_URL: 'postgres://x@h/db',
      SESSION_SECRET: secret,
      DATA_KEY: key.toString('base64'),
    });
    expect(config.dataKey.equals(key)).toBe(true);
  });

  it.each([
    [{ DATABASE_URL: 'not-a-url' }, 'DATABASE_URL', /postgres:\/\//],
    [{ DATABASE_URL: 'mysql://x@h/db' }, 'DATABASE_URL', /postgres/],
    [{ DATABASE_URL: 'postgres://x@h1:5432,h2:5433/db' }, 'DATABASE_URL', /target_session_attrs=read-write/],
    [{ DATABASE_URL: 'postgres://x@h1,h2/db?target_session_attrs=standby' }, 'DATABASE_URL', /read-write/],
    [{ DATABASE_URL: 'postgres://x@h1:99999/db' }, 'DATABASE_URL', /out of range/],
    [
      { DATABASE_URL: 'postgres://x@h1/db?target_session_attrs=rw' },
      'DATABASE_URL',
      /one of any, read-write/,
    ],
    [{ PORT: 'eighty' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /65535/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ DEFAULT_LOCALE: 'fr' }, 'DEFAULT_LOCALE', /zh-CN, en/],
    [{ SMTP_URL: 'mail.example' }, 'SMTP_URL', /smtp:\/\//],
    [{ SMS_URL: 'sms.example' }, 'SMS_URL', /http:\/\//],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET', /32/],
    [{ DATA_KEY: 'abc' }, 'DATA_KEY', /32 bytes/],
    [{ AUDIT_KEY: 'abc' }, 'AUDIT_KEY', /32 bytes/],
    [{ DATABASE_CONNECT_TIMEOUT_MS: '5s' }, 'DATABASE_CONNECT_TIMEOUT_MS', /whole number of milliseconds/],
    [{ DATABASE_STATEMENT_TIMEOUT_MS: '0' }, 'DATABASE_STATEMENT_TIMEOUT_MS', /from 100/],
    [{ DATABASE_IDLE_TRANSACTION_TIMEOUT_MS: '1.5' }, 'DATABASE_IDLE_TRANSACTION_TIMEOUT_MS', /whole number/],
    [{ MIGRATION_LOCK_TIMEOUT_MS: '3000000000' }, 'MIGRATION_LOCK_TIMEOUT_MS', /2147483647/],
    [{ SHUTDOWN_DRAIN_MS: '-1' }, 'SHUTDOWN_DRAIN_MS', /from 0/],
    [{ DEMO_DATA: 'all' }, 'DEMO_DATA', /history or none/],
    [{ CASE_VIEW_CACHE_SIZE: 'many' }, 'CASE_VIEW_CACHE_SIZE', /whole number from 0/],
    [{ CASE_VIEW_CACHE_SIZE: '-5' }, 'CASE_VIEW_CACHE_SIZE', /from 0 to 1000000/],
    [{ CASE_EVENT_KEEP_SIZE: 'all' }, 'CASE_EVENT_KEEP_SIZE', /whole number from 0/],
  ])('when %o, then the start stops naming %s', (env, variable, pattern) => {
    expectConfigError({ DATA_DIR: tempDataDir(), ...env }, variable, pattern);
  });

  it('with DATABASE_URL, then SESSION_SECRET and DATA_KEY are required (nothing is generated)', () => {
    const dataDir = tempDataDir();
    expectConfigError(
      { DATA_DIR: dataDir, DATABASE_URL: 'postgres://x@h/db', DATA_KEY: hexKey },
      'SESSION_SECRET',
    );
    expectConfigError(
      { DATA_DIR: dataDir, DATABASE_URL: 'postgres://x@h/db', SESSION_SECRET: secret },
      'DATA_KEY',
    );
    expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(false);
  });

  it('bounds every wait on PostgreSQL and the drain at shutdown: defaults, and the environment overriding them', () => {
    const defaulted = loadConfig({ DATA_DIR: tempDataDir() });
    expect(defaulted.database).toEqual({
      connectTimeoutMs: 5000,
      statementTimeoutMs: 30000,
      idleInTransactionTimeoutMs: 60000,
      migrationLockTimeoutMs: 120000,
    });
    expect(defaulted.shutdownDrainMs).toBe(5000);

    const set = loadConfig({
      DATA_DIR: tempDataDir(),
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      DATABASE_IDLE_TRANSACTION_TIMEOUT_MS: '3000',
      MIGRATION_LOCK_TIMEOUT_MS: '4000',
      SHUTDOWN_DRAIN_MS: '0',
    });
    expect(set.database).toEqual({
      connectTimeoutMs: 1000,
      statementTimeoutMs: 2000,
      idleInTransactionTimeoutMs: 3000,
      migrationLockTimeoutMs: 4000,
    });
    expect(set.shutdownDrainMs).toBe(0);
  });

  it('DATABASE_READ_URL: a standby for the statistics and exports, with DATABASE_URL only; unset, none', () => {
    const server = {
      DATABASE_URL: 'postgres://app:pw@db1:5432/mediation',
      SESSION_SECRET: secret,
      DATA_KEY: hexKey,
    };
    expect(loadConfig({ DATA_DIR: tempDataDir(), ...server }).databaseRead).toBeUndefined();
    expect(
      loadConfig({ DATA_DIR: tempDataDir(), ...server, DATABASE_READ_URL: '' }).databaseRead,
    ).toBeUndefined();
    expect(
      loadConfig({
        DATA_DIR: tempDataDir(),
        ...server,
        DATABASE_READ_URL: 'postgres://app:pw@db2:5432/mediation',
      }).databaseRead,
    ).toEqual({ url: 'postgres://app:pw@db2:5432/mediation', maxLagSeconds: 60 });
    expect(
      loadConfig({
        DATA_DIR: tempDataDir(),
        ...server,
        DATABASE_READ_URL: 'postgres://app:pw@db2:5432/mediation',
        DATABASE_READ_MAX_LAG_SECONDS: '5',
      }).databaseRead?.maxLagSeconds,
    ).toBe(5);
    expectConfigError(
      { DATA_DIR: tempDataDir(), ...server, DATABASE_READ_URL: 'mysql://db2/mediation' },
      'DATABASE_READ_URL',
      /postgres:\/\//,
    );
    expectConfigError(
      { DATA_DIR: tempDataDir(), ...server, DATABASE_READ_MAX_LAG_SECONDS: '0' },
      'DATABASE_READ_MAX_LAG_SECONDS',
    );
    // the embedded database has no standby: a read URL without DATABASE_URL is a mistake, said at start
    expectConfigError(
      { DATA_DIR: tempDataDir(), DATABASE_READ_URL: 'postgres://app:pw@db2:5432/mediation' },
      'DATABASE_READ_URL',
      /DATABASE_URL/,
    );
  });

  it('treats blank values as unset', () => {
    const config = loadConfig({ DATA_DIR: tempDataDir(), PORT: '', DATABASE_URL: '' });
    expect(config.port).toBe(3000);
    expect(config.demoMode).toBe(true);
  });

  it('the audit key: AUDIT_KEY when set; else derived from DATA_KEY (never DATA_KEY itself); generated and kept in demo mode', () => {
    const server = { DATABASE_URL: 'postgres://x@h/db', SESSION_SECRET: secret, DATA_KEY: hexKey };
    const derived = loadConfig(server);
    expect(derived.auditKey).toHaveLength(32);
    expect(derived.auditKey.equals(derived.dataKey)).toBe(false);
    expect(loadConfig(server).auditKey.equals(derived.auditKey)).toBe(true);
    const own = Buffer.alloc(32, 3);
    expect(loadConfig({ ...server, AUDIT_KEY: own.toString('base64') }).auditKey.equals(own)).toBe(true);

    const dataDir = tempDataDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first.auditKey.equals(loadConfig({ DATA_DIR: dataDir }).auditKey)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).auditKey).toBe(
      first.auditKey.toString('hex'),
    );
  });

  it('a demo data folder from before the audit key gets one added, its other secrets kept as they were', () => {
    const dataDir = tempDataDir();
    const before = { sessionSecret: secret, dataKey: hexKey, databasePassword: 'pw-kept' };
    fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify(before), { mode: 0o600 });

    const config = loadConfig({ DATA_DIR: dataDir });

    const kept = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8'));
    expect(kept).toMatchObject(before);
    expect(config).toMatchObject({ sessionSecret: secret, embeddedDatabasePassword: 'pw-kept' });
    expect(config.auditKey.equals(Buffer.from(kept.auditKey, 'hex'))).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o077).toBe(0);
  });

  it('what reaching the database takes needs no secret (an outside auditor’s check), and creates nothing', () => {
    expect(loadDatabaseConfig({ DATABASE_URL: 'postgres://auditor@h/db' })).toMatchObject({
      databaseUrl: 'postgres://auditor@h/db',
    });
    const empty = tempDataDir();
    expectDatabaseConfigError({ DATA_DIR: empty }, 'DATA_DIR');
    expect(fs.existsSync(path.join(empty, 'secrets.json'))).toBe(false);
    expectDatabaseConfigError({ DATABASE_URL: 'mysql://x@h/db' }, 'DATABASE_URL');
  });
});

function expectDatabaseConfigError(env: NodeJS.ProcessEnv, variable: string) {
  expect(() => loadDatabaseConfig(env)).toThrow(ConfigError);
  try {
    loadDatabaseConfig(env);
  } catch (error) {
    expect((error as ConfigError).variable).toBe(variable);
  }
}

import pg from 'pg';
import { defaults } from '../../../config/defaults';
import {
  type DatabaseAddress,
  type DatabaseHost,
  needsServerCheck,
  parseDatabaseAddress,
} from './database-address';
import {
  describeState,
  HostLocator,
  NoSuitableServerError,
  type ServerState,
  serverStateQuery,
} from './host-locator';

/** pg's error when no answer came within `query_timeout`. */
const unansweredQueryMessage = 'Query read timeout';

/** SQLSTATE 25006 read_only_sql_transaction: a write reached a server that became a standby. */
const readOnlyTransaction = '25006';

/**
 * The app's PostgreSQL connection (every pool's `Client`, and the change-notice listeners).
 * Two things beyond pg's client:
 *
 * - **It follows the primary.** Its `connectionString` may name several servers
 *   (`postgres://…@h1:5432,h2:5433/db?target_session_attrs=read-write`, as libpq and
 *   pg_auto_failover write it). It connects to the server its URL's `HostLocator` chooses,
 *   checks on the fresh connection that the server is still of the kind asked for, and
 *   gives the server up — the next connection asks every server again — when it cannot
 *   connect, when the connection breaks, or when a write is refused as read-only (a
 *   demoted primary). A URL with one server and no `target_session_attrs` connects as pg
 *   does, with no check.
 * - **It gives a connection up when an answer does not come in time.** pg's
 *   `query_timeout` only stops waiting: the statement stays on the wire and every later
 *   statement on the connection (a transaction's ROLLBACK too) queues behind it. Ending the
 *   client closes the connection at once; the pool drops it and opens a fresh one.
 */
export class DatabaseClient extends pg.Client {
  private readonly locator: HostLocator | undefined;
  private readonly connectTimeoutMs: number;
  private server: DatabaseHost | undefined;
  /** When each statement now waiting for its answer was sent (for the locator's watch). */
  private readonly waiting = new Set<{ since: number }>();

  constructor(config: pg.ClientConfig) {
    const address = config.connectionString ? parseDatabaseAddress(config.connectionString) : undefined;
    const locator = address && needsServerCheck(address) ? locatorFor(address, config) : undefined;
    super(
      locator && address
        ? { ...config, connectionString: address.urlFor(address.hosts[0] as DatabaseHost) }
        : config,
    );
    this.locator = locator;
    this.connectTimeoutMs = config.connectionTimeoutMillis || defaults.database.connectTimeoutMs;
    if (locator)
      this.on('error', (error: Error & { code?: unknown }) => {
        if (meansServerGone(error)) this.giveServerUp();
      });
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's connect() is overloaded (callback or promise)
  override connect(callback?: any): any {
    if (!this.locator) return super.connect(callback);
    const connected = this.connectToChosenServer(this.locator);
    if (!callback) return connected;
    connected.then(() => callback(null, this), callback);
  }

  private async connectToChosenServer(locator: HostLocator): Promise<this> {
    const timeoutMs = this.connectTimeoutMs;
    const server = await withinMs(
      timeoutMs,
      `no server of ${locator.address.described} was found within ${timeoutMs} ms`,
      () => locator.choose(),
    );
    // the pool gave up on this connection meanwhile (its connect timeout destroys the socket)
    if (this.connection.stream.destroyed)
      throw Object.assign(new Error('Connection terminated due to connection timeout'), { code: '08001' });
    this.server = server;
    // pg reads these when it opens the socket (Client#_connect)
    const self = this as unknown as { host: string; port: number; connectionParameters: DatabaseHost };
    self.host = server.host;
    self.port = server.port;
    self.connectionParameters.host = server.host;
    self.connectionParameters.port = server.port;
    try {
      await super.connect();
    } catch (error) {
      if (meansServerGone(error as Error)) this.giveServerUp();
      // not answering in time: frozen, or only busy — the locator asks whether the primary moved
      else locator.suspect(server);
      throw error;
    }
    let state: ServerState;
    try {
      state = await this.readState();
    } catch (error) {
      if (meansServerGone(error as Error)) this.giveServerUp();
      else locator.suspect(server);
      this.end().catch(() => undefined);
      throw error;
    }
    if (locator.keeps(state)) {
      const unwatch = locator.watch({
        server,
        waitingSince: () => {
          let oldest: number | undefined;
          for (const entry of this.waiting)
            if (oldest === undefined || entry.since < oldest) oldest = entry.since;
          return oldest;
        },
        cut: () => this.connection.stream.destroy(),
      });
      this.once('end', unwatch);
    } else {
      this.giveServerUp();
      this.end().catch(() => undefined);
      throw new NoSuitableServerError(locator.address, [
        `${server.host}:${server.port} became ${describeState(state)}`,
      ]);
    }
    return this;
  }

  private async readState(): Promise<ServerState> {
    const result = await super.query<{ standby: boolean; read_only: boolean }>(serverStateQuery);
    const row = result.rows[0];
    return { standby: row?.standby === true, readOnly: row?.read_only === true };
  }

  private giveServerUp(): void {
    if (this.locator && this.server) this.locator.forget(this.server);
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's query() has a dozen overloads; every one passes through
  override query(...args: any[]): any {
    const query = super.query as unknown as (...passed: unknown[]) => unknown;
    const entry = { since: Date.now() };
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as (error: Error | undefined, result: unknown) => void;
      this.waiting.add(entry);
      args[callbackAt] = (error: Error | undefined, result: unknown) => {
        this.waiting.delete(entry);
        this.afterFailure(error);
        callback(error, result);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    if (result instanceof Promise) {
      this.waiting.add(entry);
      result.then(
        () => this.waiting.delete(entry),
        (error: Error) => {
          this.waiting.delete(entry);
          this.afterFailure(error);
        },
      );
    }
    return result;
  }

  private afterFailure(error: (Error & { code?: unknown }) | undefined) {
    if (!error) return;
    // ending a client with a statement still on the wire destroys its socket; the pool drops an ended client
    if (error.message === unansweredQueryMessage) this.end().catch(() => undefined);
    if (error.code === readOnlyTransaction) {
      this.giveServerUp();
      this.end().catch(() => undefined);
    }
  }
}

/**
 * Whether an error says the server itself is gone or going (refused, reset, shut down, a
 * connection cut by the server), as opposed to a wait this side gave up on (the pool's connect
 * timeout under load, a statement timeout): only then is the server given up and every server
 * asked again.
 */
function meansServerGone(error: Error & { code?: unknown }): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code.startsWith('08') || code.startsWith('57P') || code === readOnlyTransaction) return true;
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(
      code,
    )
  )
    return true;
  return /^Connection terminated unexpectedly/.test(error.message);
}

/** One locator per URL in this process, so that every pool learns of a failover together. */
const locators = new Map<string, HostLocator>();

function locatorFor(address: DatabaseAddress, config: pg.ClientConfig): HostLocator {
  const key = config.connectionString as string;
  let locator = locators.get(key);
  if (!locator) {
    locator = new HostLocator(address, (host) => askServer(address, host, config));
    locators.set(key, locator);
  }
  return locator;
}

/** A short connection of its own to `host`: what kind of server is it? Settles within the connect timeout (twice: connect, then ask). */
async function askServer(address: DatabaseAddress, host: DatabaseHost, config: pg.ClientConfig) {
  const timeoutMs = config.connectionTimeoutMillis || defaults.database.connectTimeoutMs;
  const client = new pg.Client({
    connectionString: address.urlFor(host),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: `${config.application_name ?? 'grand-mediation'} (finding the server)`,
  });
  // an error after the answer (the server going away) must not be an unhandled 'error' event
  client.on('error', () => undefined);
  try {
    return await withinMs(2 * timeoutMs, `${host.host}:${host.port} did not answer`, async () => {
      await client.connect();
      const result = await client.query<{ standby: boolean; read_only: boolean }>(serverStateQuery);
      const row = result.rows[0];
      return { standby: row?.standby === true, readOnly: row?.read_only === true };
    });
  } finally {
    // not awaited: after a refused connect pg's end() may wait for an 'end' that has already passed
    client.end().catch(() => undefined);
  }
}

/** `work`, or a rejection (SQLSTATE 08001) once `ms` have passed. */
function withinMs<T>(ms: number, message: string, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(message), { code: '08001' })), ms);
  });
  return Promise.race([work(), timeout]).finally(() => clearTimeout(timer));
}

import { defaults } from '../../../config/defaults';
import type { Logger } from '../logger';
import { DatabaseClient } from './database-client';

/** What a listener does with the notices of one channel, and how it names itself. */
export interface ChangeNoticeHandlers {
  channel: string;
  /** Prefix of its log lines, and what happens meanwhile (e.g. "reading every request from the database"). */
  logAs: { name: string; meanwhile: string };
  /** A notice arrived: something the process keeps may have changed (`payload`: what its trigger said). */
  onNotice(payload: string): void;
  /** Listening (again): whatever changed while not listening was not seen. */
  onListening(): Promise<void> | void;
  /** The connection was lost: notices may be missed until it is back. */
  onLost(): void;
}

/** `application_name` of a process's listening connection (seen in pg_stat_activity). */
export const noticesApplicationName = 'grand-mediation notices';

/**
 * A listener for one channel of the database's change notices (triggers say NOTIFY on it at
 * commit), for a process that keeps something in memory: the signed-in users (ActorCache),
 * the units (UnitDirectory), the cases last shown (CaseViewCache), the official calendar
 * (OfficialCalendarCache). Every listener of a process on one database shares one connection
 * (`NoticeConnection`). If it cannot be had or drops, each listener is told, and it is tried
 * again every `retryMs` (the shortest any listener asked for).
 */
export class ChangeNoticeListener {
  private connection: NoticeConnection | undefined;
  /** True once the shared connection LISTENs on this channel, until it drops or this stops. */
  private heard = false;
  private stopped = false;

  constructor(readonly handlers: ChangeNoticeHandlers) {}

  /** True while the notices reach this process. */
  get listening(): boolean {
    return this.heard;
  }

  /** Listens; resolves once listening (then `onListening` has run) or once a retry is planned. */
  async start(databaseUrl: string, logger: Logger, retryMs = 5000): Promise<void> {
    if (this.stopped || this.connection) return;
    this.connection = NoticeConnection.for(databaseUrl);
    await this.connection.add(this, logger, retryMs);
  }

  /** Stops listening for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.heard = false;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.remove(this);
  }

  /** The shared connection now listens on this channel. */
  async listened(): Promise<void> {
    if (this.stopped || this.heard) return;
    this.heard = true;
    await this.handlers.onListening();
  }

  /** The shared connection dropped. */
  lost(): void {
    if (!this.heard) return;
    this.heard = false;
    this.handlers.onLost();
  }
}

/**
 * The one connection a process LISTENs on, for every channel its listeners ask for. Before
 * PostgreSQL 19 every NOTIFY's commit wakes every listening backend of the database, whatever
 * its channels: one connection per cache made each case event (whose notice the case views
 * listen for) wake four backends of each app process; one connection wakes one.
 */
class NoticeConnection {
  private static readonly byUrl = new Map<string, NoticeConnection>();

  static for(databaseUrl: string): NoticeConnection {
    let connection = NoticeConnection.byUrl.get(databaseUrl);
    if (!connection) {
      connection = new NoticeConnection(databaseUrl);
      NoticeConnection.byUrl.set(databaseUrl, connection);
    }
    return connection;
  }

  private readonly listeners = new Set<ChangeNoticeListener>();
  private client: DatabaseClient | undefined;
  private connecting: Promise<void> | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private logger: Logger | undefined;
  private retryMs = Number.POSITIVE_INFINITY;

  private constructor(private readonly databaseUrl: string) {}

  async add(listener: ChangeNoticeListener, logger: Logger, retryMs: number): Promise<void> {
    this.listeners.add(listener);
    this.logger ??= logger;
    if (retryMs < this.retryMs) {
      this.retryMs = retryMs;
      // a retry planned for later than this listener asks: sooner
      if (this.reconnect) {
        clearTimeout(this.reconnect);
        this.reconnect = undefined;
        this.planRetry();
      }
    }
    const client = this.client;
    if (client) {
      try {
        await client.query(`LISTEN ${listener.handlers.channel}`);
      } catch (error) {
        this.dropped(client, error as Error);
        return;
      }
      if (this.client === client && this.listeners.has(listener)) await listener.listened();
      return;
    }
    if (this.reconnect) {
      this.warn(listener, undefined, 'waiting to listen again');
      return;
    }
    await this.connect();
  }

  async remove(listener: ChangeNoticeListener): Promise<void> {
    this.listeners.delete(listener);
    const client = this.client;
    const channel = listener.handlers.channel;
    if (this.listeners.size === 0) {
      NoticeConnection.byUrl.delete(this.databaseUrl);
      clearTimeout(this.reconnect);
      this.reconnect = undefined;
      this.client = undefined;
      await client?.end().catch(() => undefined);
      return;
    }
    const stillHeard = [...this.listeners].some((other) => other.handlers.channel === channel);
    if (client && !stillHeard) await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new DatabaseClient({
      connectionString: this.databaseUrl,
      application_name: noticesApplicationName,
      // bounded: a server that stops answering must not hold the listener for good
      connectionTimeoutMillis: defaults.database.connectTimeoutMs,
      query_timeout: defaults.database.connectTimeoutMs,
      // a connection to a host that vanished (not a closed socket) errors within minutes, not never
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      for (const listener of this.listeners) this.warn(listener, error, 'could not listen for changes');
      this.planRetry();
      return;
    }
    if (this.listeners.size === 0) {
      await client.end().catch(() => undefined);
      return;
    }
    client.on('notification', (notice) => {
      for (const listener of this.listeners)
        if (listener.handlers.channel === notice.channel) listener.handlers.onNotice(notice.payload ?? '');
    });
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client));
    // from here a listener added meanwhile LISTENs by itself (`add`)
    this.client = client;
    const listening = [...this.listeners];
    const channels = [...new Set(listening.map((listener) => listener.handlers.channel))];
    try {
      await client.query(channels.map((channel) => `LISTEN ${channel}`).join('; '));
    } catch (error) {
      this.dropped(client, error as Error);
      return;
    }
    if (this.client !== client) return;
    await Promise.all(
      listening.filter((listener) => this.listeners.has(listener)).map((listener) => listener.listened()),
    );
  }

  private dropped(client: DatabaseClient, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    for (const listener of this.listeners) {
      listener.lost();
      this.warn(listener, error, 'change notices lost');
    }
    this.planRetry();
  }

  private planRetry(): void {
    if (this.reconnect || this.listeners.size === 0) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      this.connect().catch((error) =>
        this.logger?.warn({ err: error }, 'change notices: listening again failed'),
      );
    }, this.retryMs);
  }

  private warn(listener: ChangeNoticeListener, error: unknown, what: string): void {
    const { logAs } = listener.handlers;
    this.logger?.warn({ err: error }, `${logAs.name}: ${what}; ${logAs.meanwhile}`);
  }
}

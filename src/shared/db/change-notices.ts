import { defaults } from '../../../config/defaults';
import type { Logger } from '../logger';
import { DatabaseClient } from './database-client';

/** What a listener does with the notices of one channel, and how it names itself. */
export interface ChangeNoticeHandlers {
  channel: string;
  /** `application_name` of the listening connection (seen in pg_stat_activity). */
  applicationName: string;
  /** Prefix of its log lines, and what happens meanwhile (e.g. "reading every request from the database"). */
  logAs: { name: string; meanwhile: string };
  /** A notice arrived: something the process keeps may have changed (`payload`: what its trigger said). */
  onNotice(payload: string): void;
  /** Listening (again): whatever changed while not listening was not seen. */
  onListening(): Promise<void> | void;
  /** The connection was lost: notices may be missed until it is back. */
  onLost(): void;
}

/**
 * A connection of its own that LISTENs to one channel of the database's change notices
 * (triggers say NOTIFY on it at commit), for a process that keeps something in memory:
 * the signed-in users (ActorCache), the official calendar (OfficialCalendarCache). If the
 * connection cannot be had or drops, it says so and tries again every `retryMs`.
 */
export class ChangeNoticeListener {
  private listener: DatabaseClient | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly handlers: ChangeNoticeHandlers) {}

  /** True while the notices reach this process. */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  /** Listens; resolves once listening (then `onListening` has run) or once a retry is planned. */
  async start(databaseUrl: string, logger: Logger, retryMs = 5000): Promise<void> {
    if (this.stopped) return;
    const { logAs } = this.handlers;
    const retryLater = (error: unknown, what: string) => {
      logger.warn({ err: error }, `${logAs.name}: ${what}; ${logAs.meanwhile}`);
      if (this.stopped) return;
      this.reconnect = setTimeout(() => {
        this.start(databaseUrl, logger, retryMs).catch((again) =>
          logger.warn({ err: again }, `${logAs.name}: listening again failed`),
        );
      }, retryMs);
    };
    const client = new DatabaseClient({
      connectionString: databaseUrl,
      application_name: this.handlers.applicationName,
      // bounded: a server that stops answering must not hold the listener for good
      connectionTimeoutMillis: defaults.database.connectTimeoutMs,
      query_timeout: defaults.database.connectTimeoutMs,
      // a connection to a host that vanished (not a closed socket) errors within minutes, not never
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      this.handlers.onLost();
      client.end().catch(() => undefined);
      retryLater(error, 'change notices lost');
    };
    try {
      await client.connect();
      client.on('notification', (notice) => this.handlers.onNotice(notice.payload ?? ''));
      client.on('error', lost);
      client.on('end', () => lost());
      await client.query(`LISTEN ${this.handlers.channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      retryLater(error, 'could not listen for changes');
      return;
    }
    this.listener = client;
    await this.handlers.onListening();
  }

  /** Stops listening for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
  }
}

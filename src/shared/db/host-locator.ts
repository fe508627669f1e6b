import type { DatabaseAddress, DatabaseHost, TargetSessionAttrs } from './database-address';

/** What a server says of itself, asked on a fresh connection. */
export interface ServerState {
  /** `pg_is_in_recovery()`: a standby (or a primary still recovering). */
  standby: boolean;
  /** `transaction_read_only`: sessions there cannot write. */
  readOnly: boolean;
}

/** The statement that reads a `ServerState` (columns `standby`, `read_only`). */
export const serverStateQuery =
  "SELECT pg_is_in_recovery() AS standby, current_setting('transaction_read_only') = 'on' AS read_only";

/** Whether a server in `state` is what `target` asks for (libpq's rules; for `prefer-standby`, the preferred kind). */
export function serverSuits(target: TargetSessionAttrs, state: ServerState): boolean {
  switch (target) {
    case 'any':
      return true;
    case 'read-write':
      return !state.readOnly;
    case 'primary':
      return !state.standby;
    case 'read-only':
      return state.readOnly;
    case 'standby':
    case 'prefer-standby':
      return state.standby;
  }
}

/**
 * No server of the list suits now: during a failover, between the primary's death and the
 * standby's promotion. SQLSTATE 08001 (sqlclient_unable_to_establish_sqlconnection), so that
 * the error handler answers 503 with a retry hint, as for any database out of reach.
 */
export class NoSuitableServerError extends Error {
  readonly code = '08001';

  constructor(address: DatabaseAddress, reasons: string[]) {
    super(
      `no PostgreSQL server of ${address.described} takes ${address.target} sessions now (${reasons.join('; ')})`,
    );
  }
}

/**
 * Which server of a DATABASE_URL's list to open connections to: the one last found suitable,
 * or, when there is none yet or it failed, the first suitable one to answer when all are asked
 * anew. Every server is asked at once (a frozen one costs one connect timeout, not one per
 * server before it; unlike libpq, the list's order does not decide between two that suit), and
 * the connections opening together share one round of asking. One locator per URL
 * per process: every pool, and the change-notice listeners, learn of a failover together.
 */
export class HostLocator {
  private known: DatabaseHost | undefined;
  private asking: Promise<DatabaseHost> | undefined;
  private readonly watched = new Set<WatchedConnection>();
  private watchdog: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    readonly address: DatabaseAddress,
    /** Opens a connection to `host`, reads its state, closes it. */
    private readonly ask: (host: DatabaseHost) => Promise<ServerState>,
    /** The watch's stall threshold and period (`watch`); tests shorten them. */
    private readonly watching: { stallMs: number; intervalMs: number } = defaultWatch,
  ) {}

  /** The server to connect to now. Rejects with NoSuitableServerError when none suits. */
  choose(): Promise<DatabaseHost> {
    if (this.known) return Promise.resolve(this.known);
    this.asking ??= this.askEveryServer().finally(() => {
      this.asking = undefined;
    });
    return this.asking;
  }

  /** `host` failed or no longer suits: the next connection asks every server again. */
  forget(host: DatabaseHost): void {
    if (this.known === host) this.known = undefined;
  }

  /** Whether a server in `state` is the kind asked for. */
  suits(state: ServerState): boolean {
    return serverSuits(this.address.target, state);
  }

  /** Whether a fresh connection to a server in `state` may be kept: `prefer-standby` keeps whatever it was given. */
  keeps(state: ServerState): boolean {
    return this.address.target === 'prefer-standby' || this.suits(state);
  }

  private async askEveryServer(withinMs?: number): Promise<DatabaseHost> {
    const { hosts, target } = this.address;
    const reasons: string[] = [];
    const asked = (host: DatabaseHost) =>
      withinMs === undefined ? this.ask(host) : bounded(this.ask(host), withinMs);
    const answers = hosts.map((host) =>
      asked(host).then(
        (state) => {
          if (!this.suits(state)) reasons.push(`${hostText(host)} is ${describeState(state)}`);
          return { host, state };
        },
        (error: Error) => {
          reasons.push(`${hostText(host)}: ${error.message}`);
          throw error;
        },
      ),
    );
    const suitable = (preferred: (state: ServerState) => boolean) =>
      Promise.any(
        answers.map((answer) =>
          answer.then(({ host, state }) =>
            preferred(state) ? host : Promise.reject(new Error('not the kind asked for')),
          ),
        ),
      );
    let chosen: DatabaseHost;
    try {
      chosen = await suitable((state) => this.suits(state));
    } catch {
      if (target !== 'prefer-standby') throw new NoSuitableServerError(this.address, reasons);
      chosen = await suitable(() => true).catch(() => {
        throw new NoSuitableServerError(this.address, reasons);
      });
    }
    this.known = chosen;
    return chosen;
  }

  /**
   * Watches a connection to the chosen server (for a primary-following URL only). While one has
   * had a statement waiting for `stallMs`, every server is asked again, once a second at most:
   * if another is the primary now (the chosen one froze, and was failed over), it becomes the
   * choice and every connection to the old one is cut — their statements fail as "unavailable"
   * (503) at once, instead of when the statement timeout ends them, and the pool opens new ones
   * to the new primary. A primary merely slow is still the primary: nothing is cut.
   */
  watch(connection: WatchedConnection): () => void {
    if (this.address.target !== 'read-write' && this.address.target !== 'primary') return () => undefined;
    this.watched.add(connection);
    this.watchdog ??= setInterval(() => {
      this.checkStalls().catch(() => undefined);
    }, this.watching.intervalMs).unref();
    return () => this.unwatch(connection);
  }

  private unwatch(connection: WatchedConnection): void {
    this.watched.delete(connection);
    if (this.watched.size === 0 && this.watchdog) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
    }
  }

  /**
   * A connection to the chosen server could not be opened in time (frozen, or only busy): the
   * servers are asked, as for a stalled statement, whether another is the primary now.
   */
  suspect(server: DatabaseHost): void {
    this.recheck(server).catch(() => undefined);
  }

  private async checkStalls(): Promise<void> {
    const now = Date.now();
    // the server of a connection whose statement has waited too long (the chosen one may have been
    // given up meanwhile: its connections are still open, and still waiting)
    const stalled = [...this.watched].find((connection) => {
      const since = connection.waitingSince();
      return since !== undefined && now - since >= this.watching.stallMs;
    });
    if (stalled) await this.recheck(stalled.server);
  }

  /** Asks every server (a frozen one for a second at most): another primary now becomes the choice, and `known`'s connections are cut. */
  private async recheck(suspected: DatabaseHost): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const primary = await this.askEveryServer(this.watching.intervalMs);
      if (primary.host === suspected.host && primary.port === suspected.port) {
        this.known = suspected;
        return;
      }
      for (const connection of this.watched)
        if (connection.server === suspected) {
          this.unwatch(connection);
          connection.cut();
        }
    } finally {
      this.checking = false;
    }
  }
}

/** A connection a locator watches (`HostLocator.watch`). */
export interface WatchedConnection {
  /** The server it is connected to (the locator's chosen one when it connected). */
  server: DatabaseHost;
  /** Since when its oldest statement has been waiting for an answer, if one is. */
  waitingSince(): number | undefined;
  /** Closes its socket: its statements fail at once, and the pool drops it. */
  cut(): void;
}

/** How long a statement waits before the servers are asked whether the primary moved, and how often. */
const defaultWatch = { stallMs: 3000, intervalMs: 1000 };

/** What kind of server a state says it is, in a message's words. */
export function describeState(state: ServerState): string {
  if (state.standby) return 'a standby';
  return state.readOnly ? 'read-only' : 'a writable primary';
}

/** `answer`, or a rejection once `ms` have passed. */
function bounded<T>(answer: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

function hostText({ host, port }: DatabaseHost): string {
  return `${host}:${port}`;
}

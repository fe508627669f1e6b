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

  constructor(
    readonly address: DatabaseAddress,
    /** Opens a connection to `host`, reads its state, closes it. */
    private readonly ask: (host: DatabaseHost) => Promise<ServerState>,
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

  private async askEveryServer(): Promise<DatabaseHost> {
    const { hosts, target } = this.address;
    const reasons: string[] = [];
    const answers = hosts.map((host) =>
      this.ask(host).then(
        (state) => {
          if (!this.suits(state))
            reasons.push(`${hostText(host)} is ${state.standby ? 'a standby' : 'read-only'}`);
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
}

/** What kind of server a state says it is, in a message's words. */
export function describeState(state: ServerState): string {
  if (state.standby) return 'a standby';
  return state.readOnly ? 'read-only' : 'a writable primary';
}

function hostText({ host, port }: DatabaseHost): string {
  return `${host}:${port}`;
}

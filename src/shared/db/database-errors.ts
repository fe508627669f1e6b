/**
 * Whether an error means that PostgreSQL did not answer — down, frozen, restarting, out of
 * connections, a statement past its timeout — rather than that a statement was wrong. The
 * error handler answers these 503 with a `Retry-After` hint instead of 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 4; depth++) {
    if (isUnavailableHere(cause as DriverError)) return true;
    const wrapper = cause as { driverError?: unknown; cause?: unknown };
    cause = wrapper.driverError ?? wrapper.cause;
  }
  return false;
}

interface DriverError {
  code?: unknown;
  message?: unknown;
}

/** SQLSTATEs of a server that cannot serve now (PostgreSQL appendix A). */
const unavailableStates = new Set([
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or recovering
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout
  '25P03', // idle_in_transaction_session_timeout
  // read_only_sql_transaction: a write reached a primary demoted to standby (a failover). The app
  // opens no READ ONLY transaction on its write pool, so nothing else says this there.
  '25006',
]);

/** Socket errors of a server that cannot be reached. */
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** pg and pg-pool say these in words only: no answer in time, or the connection is gone. */
const unansweredMessages = [
  /^timeout exceeded when trying to connect/, // pg-pool: no free connection within connectionTimeoutMillis
  /^Connection terminated/, // pg: the server went away, or did not answer the connect in time
  /^Query read timeout$/, // pg: no answer within query_timeout
  /is not queryable$/, // pg: the connection broke earlier
];

/**
 * TypeORM releases a transaction's query runner when its connection fails
 * (PostgresQueryRunner's 'error' handler); the transaction's next statement then fails
 * with one of these (through the runner, or through its manager). TypeORM gives them no cause;
 * the app releases no runner it still uses, so what released it was the connection that died
 * (a failover, a restart). Seen in `npm run ha:test`.
 */
const releasedByAFailedConnection = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

function isUnavailableHere(error: DriverError): boolean {
  if (releasedByAFailedConnection.has(String((error as { name?: unknown }).name))) return true;
  if (typeof error.code === 'string') {
    if (error.code.startsWith('08') || unavailableStates.has(error.code)) return true; // 08: connection_exception
    if (unreachableCodes.has(error.code)) return true;
  }
  return (
    typeof error.message === 'string' &&
    unansweredMessages.some((pattern) => pattern.test(error.message as string))
  );
}

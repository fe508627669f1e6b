import { createHash } from 'node:crypto';
import { type EntityManager, QueryFailedError } from 'typeorm';

/**
 * Named statements (node-postgres `{ name, text, values }`): PostgreSQL parses and plans
 * one the first time a connection runs it and keeps it for that connection, so the hot
 * paths (an event's locked read and its writes, the case page's read) skip the parse and
 * the planning each time. Issue 22 measured both at about half of a locked case read's
 * server time (0.5 ms planning, 0.7 ms running); `test/bench/README.md` has the numbers.
 *
 * The rows come as node-postgres answers them (no TypeORM hydration): the caller maps them.
 */

/** A statement's name: the same text always gets the same name (node-postgres refuses one name for two texts). */
const names = new Map<string, string>();

/** Names are kept per text; a process builds a few dozen shapes at most (event types × the rows they add). */
const mostNames = 1_000;

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `gm_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size >= mostNames) names.clear();
    names.set(text, name);
  }
  return name;
}

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{
    rows: Record<string, unknown>[];
    rowCount: number | null;
  }>;
}

/**
 * Runs `text` as a named statement on the connection of `manager`'s transaction (or, with
 * no transaction, on a pooled connection for this one statement). Errors come wrapped as
 * TypeORM's `QueryFailedError`, as every other query's, so that SQLSTATE checks
 * (`write-conflict.ts`) see them the same way.
 */
export async function runPrepared<Row = Record<string, unknown>>(
  manager: EntityManager,
  text: string,
  values: unknown[],
): Promise<{ rows: Row[]; affected: number }> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  const own = manager.queryRunner === undefined;
  try {
    const client = (await runner.connect()) as PgClient;
    const result = await client.query({ name: nameOf(text), text, values });
    return { rows: result.rows as Row[], affected: result.rowCount ?? result.rows.length };
  } catch (error) {
    throw error instanceof QueryFailedError ? error : new QueryFailedError(text, values, error as Error);
  } finally {
    if (own) await runner.release();
  }
}

/**
 * Text as an SQL string literal, as node-postgres' `escapeLiteral` writes it (quotes doubled;
 * with a backslash, an `E''` literal with backslashes doubled) without its loop over every
 * character: an event's snapshot, payload and minutes are a few kilobytes, and that loop was
 * ≈ 1.5 % of the app's busy time per `LOG_SESSION` in a CPU profile (issue 22, fourth round).
 */
function quoted(text: string): string {
  const inner = text.includes("'") ? text.replaceAll("'", "''") : text;
  return text.includes('\\') ? ` E'${inner.replaceAll('\\', '\\\\')}'` : `'${inner}'`;
}

/**
 * A value as an SQL literal, for `EXECUTE name(…)` in a simple-query message, which carries
 * no parameters. Untyped quoted literals take the type of the prepared statement's parameter,
 * as an untyped parameter does; text is quoted as node-postgres' `escapeLiteral` quotes it (`quoted`).
 */
export function literalOf(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return `'${value}'`;
  }
  if (typeof value === 'bigint') return `'${value}'`;
  if (typeof value === 'string') return quoted(value);
  if (value instanceof Date) return quoted(value.toISOString());
  if (Array.isArray(value)) return quoted(arrayText(value));
  if (Buffer.isBuffer(value)) throw new TypeError('bytea values are not sent as literals');
  return quoted(JSON.stringify(value));
}

/** A one-dimensional array of text or numbers as PostgreSQL's array input reads it (`{"a","b",NULL}`). */
function arrayText(items: unknown[]): string {
  const elements = items.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (typeof item !== 'string' && typeof item !== 'number')
      throw new TypeError('only arrays of text or numbers are sent as literals');
    return `"${String(item).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${elements.join(',')}}`;
}

/** The SQL-level prepared statements (`PREPARE`) each connection holds, by name. */
const preparedOn = new WeakMap<object, Set<string>>();

/**
 * `text` with `values`, as part of a simple-query message (one round trip with BEGIN or
 * COMMIT beside it): `EXECUTE` of a statement prepared on this connection, with a
 * `PREPARE` before it the first time. Named by the text, like `runPrepared`'s, in a
 * namespace of their own (protocol-level and SQL-level names share one in PostgreSQL).
 */
export function executeText(
  client: object,
  text: string,
  values: unknown[],
): { sql: string; name: string; prepares: boolean } {
  const name = `gms_${nameOf(text).slice(3)}`;
  let names = preparedOn.get(client);
  if (!names) {
    names = new Set();
    preparedOn.set(client, names);
  }
  const execute =
    values.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name}(${values.map(literalOf).join(', ')})`;
  if (names.has(name)) return { sql: execute, name, prepares: false };
  names.add(name);
  return { sql: `PREPARE ${name} AS ${text};\n${execute}`, name, prepares: true };
}

/**
 * After a message with `executeText`'s SQL failed, which of its PREPAREs ran is not known: the
 * statements after the failing one were skipped (a lock timeout in the first EXECUTE leaves the
 * second PREPARE unsent), and one that did run stays prepared through the ROLLBACK (PREPARE is not
 * transactional). So the connection's list is dropped and `preparedStatementsOf` reads it again
 * from PostgreSQL before the next message on it: guessing wrong either way would fail every later
 * event on that connection ("does not exist", or "already exists").
 */
export function forgetPreparedOf(client: object): void {
  preparedOn.delete(client);
  unsure.add(client);
}

/** Connections whose list of prepared statements must be read again before use (`forgetPreparedOf`). */
const unsure = new WeakSet<object>();

/**
 * Before a message on `client`: when a failure left its prepared statements unknown, reads them
 * from `pg_prepared_statements` (one round trip, only after a failure). Outside a failed
 * transaction only: the caller runs it before BEGIN or in a transaction still usable.
 */
export async function preparedStatementsOf(client: { query(text: string): Promise<unknown> }): Promise<void> {
  if (!unsure.has(client)) return;
  const answer = (await client.query('SELECT name FROM pg_prepared_statements')) as {
    rows: Array<{ name: string }>;
  };
  preparedOn.set(client, new Set(answer.rows.map((row) => row.name)));
  unsure.delete(client);
}

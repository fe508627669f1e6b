import { ConflictError } from '../errors';

/**
 * PostgreSQL's answers (SQLSTATE) when a concurrent write got there first: a unique key
 * taken between our check and our insert, a serializable transaction that lost, a
 * deadlock broken by aborting us. Nothing was written (the transaction rolled back);
 * the caller should reload and try again — a 409, never a 500.
 */
const concurrentWriteStates = new Set([
  '23505', // unique_violation
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

interface DatabaseErrorShape {
  code?: unknown;
  constraint?: unknown;
  driverError?: { code?: unknown; constraint?: unknown };
}

/** The SQLSTATE of a PostgreSQL error (pg's own, or TypeORM's QueryFailedError around it). */
function sqlStateOf(error: unknown): string | undefined {
  const shape = error as DatabaseErrorShape | null;
  const code = shape?.driverError?.code ?? shape?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A CHECK constraint or a trigger raising check_violation (23514) refused the write. */
export function isCheckViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23514';
}

export function isConcurrentWriteFailure(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && concurrentWriteStates.has(state);
}

/** True when `error` is a unique violation of the named constraint or unique index. */
function isUniqueViolationOf(error: unknown, constraint: string): boolean {
  const shape = error as DatabaseErrorShape | null;
  return (
    sqlStateOf(error) === '23505' && (shape?.driverError?.constraint ?? shape?.constraint) === constraint
  );
}

/**
 * Runs a write that first checks a unique key is free (a unit's code, a user name): when
 * someone else takes the key between that check and the insert, the unique index refuses
 * ours, and the caller gets a 409 naming the field, as the check would have.
 */
export async function claimingUniqueKey<T>(
  key: { constraint: string; field: string; message: string },
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolationOf(error, key.constraint))
      throw new ConflictError('write_conflict', undefined, [{ field: key.field, message: key.message }]);
    throw error;
  }
}

import type { Actor } from '../access/actor';
import { policy, type Resource } from '../access/policy';
import { ConflictError, ForbiddenError, NotFoundError } from '../shared/errors';

/** A subject (case, petition) read under its row lock, with what the policy needs to decide about it. */
export interface LockedSubject<Row extends { version: number }, R extends Resource> {
  row: Row;
  resource: R;
}

/**
 * The checks every workflow event passes once its subject is locked, in the order that
 * leaks nothing: 404 when the subject does not exist or the actor may not see it, 409
 * when the caller's `expectedVersion` is stale (with the current one), 403 when the actor
 * may see the subject but not send this event. The case and the petition write paths
 * both start here.
 */
export function admitEvent<Row extends { version: number }, R extends Resource>(
  actor: Actor,
  locked: LockedSubject<Row, R> | null,
  expectedVersion: number,
  maySend: (resource: R) => boolean,
): asserts locked is LockedSubject<Row, R> {
  if (!locked || !policy.canSee(actor, locked.resource)) throw new NotFoundError();
  if (locked.row.version !== expectedVersion) {
    throw new ConflictError('stale_version', { currentVersion: locked.row.version, expectedVersion });
  }
  if (!maySend(locked.resource)) throw new ForbiddenError('event_forbidden');
}

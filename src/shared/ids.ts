/**
 * A record id as it appears in a URL or a form: the canonical text form of a UUID
 * (8-4-4-4-12 hex digits), which is what PostgreSQL's `uuid` type reads. Anything else
 * names no record; checking here keeps such values from ever reaching a query (where
 * the cast would fail). The one check for ids taken from requests.
 */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

/** Route parameters that name a record by its id: `:id` and `:…Id` (`:partyId`, `:attachmentId`). */
export function isIdParam(name: string): boolean {
  return name === 'id' || name.endsWith('Id');
}

/**
 * Small pieces of SQL text used by more than one query, so that each is written once.
 */

/** A `LIKE … ESCAPE '\'` pattern that matches `text` anywhere, with `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The SQL moment a day (`YYYY-MM-DD`, a day in Asia/Shanghai) begins, for a parameter
 * placeholder (`:from`, `$3`): `created_at >= ${dayStartsAt(':from')}`; the day after a
 * `to` date begins at `dayStartsAt(':to', 1)`.
 */
export function dayStartsAt(placeholder: string, plusDays = 0): string {
  const day = plusDays === 0 ? `${placeholder}::date` : `${placeholder}::date + ${plusDays}`;
  return `(${day})::timestamp AT TIME ZONE 'Asia/Shanghai'`;
}

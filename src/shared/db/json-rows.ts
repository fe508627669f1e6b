/**
 * Many rows sent to PostgreSQL as one parameter, a JSON array that the statement unpacks
 * (`jsonb_to_recordset($1::text::jsonb)`): the historic import writes 500 cases, and their
 * first events, a statement at a time this way.
 *
 * `JSON.stringify` of the whole batch would make one string of 1–2 MB (two bytes a
 * character as soon as one title is Chinese). V8 puts a string that big straight into its
 * large-object space, where only a full collection frees it: over a 20,000-row import those
 * strings held ≈ 20 MB at the process's peak (issue 22, seventh round). Here each row is
 * stringified alone (a small string the young generation collects) and written as UTF-8
 * into one buffer that the next batch reuses.
 *
 * The buffer is the caller's until the statement has been sent: one instance per import,
 * whose statements are awaited one after the other. node-postgres sends a `Buffer`
 * parameter as binary, which PostgreSQL takes for a `text` parameter as the text itself —
 * hence the `::text` before the `::jsonb`.
 */
export class JsonRows {
  private buffer: Buffer;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** `rows` as one JSON array in UTF-8 (as `JSON.stringify(rows)` writes it), valid until the next call. */
  of(rows: readonly unknown[]): Buffer {
    this.ensure(1);
    let length = this.buffer.write('[', 0);
    for (let index = 0; index < rows.length; index++) {
      // an array's undefined (or function) element is `null`, as `JSON.stringify` writes it
      const text = JSON.stringify(rows[index]) ?? 'null';
      // a comma, then at most three bytes a UTF-16 unit
      this.ensure(length + 1 + text.length * 3);
      if (index > 0) length += this.buffer.write(',', length);
      length += this.buffer.write(text, length);
    }
    this.ensure(length + 1);
    length += this.buffer.write(']', length);
    return this.buffer.subarray(0, length);
  }

  private ensure(bytes: number): void {
    if (bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(bytes, this.buffer.length * 2));
    this.buffer.copy(grown);
    this.buffer = grown;
  }
}

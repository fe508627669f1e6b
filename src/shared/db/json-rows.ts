/**
 * Many rows sent to PostgreSQL as one parameter, a JSON array that the statement unpacks
 * (`jsonb_to_recordset($1::text::jsonb)`): the historic import writes 500 cases, and their
 * first events, a statement at a time this way.
 *
 * `JSON.stringify` of the whole batch would make one string of 1–2 MB (two bytes a
 * character as soon as one title is Chinese). V8 puts a string that big straight into its
 * large-object space, where only a full collection frees it: over a 20,000-row import those
 * strings held ≈ 20 MB at the process's peak (issue 22, seventh round). Here each row is
 * stringified alone (a small string the young generation collects) as it is made (`add`),
 * and written as UTF-8 into a buffer that a later batch reuses (`end` closes the batch), so
 * that a batch's rows need not be kept as objects until it is sent.
 *
 * The buffer is the caller's until the statement has been sent: one instance per batch in
 * flight, whose statement is awaited before the instance takes another batch (the import
 * has two, taking turns). node-postgres sends a `Buffer` parameter as binary, which
 * PostgreSQL takes for a `text` parameter as the text itself — hence the `::text` before
 * the `::jsonb`.
 */
export class JsonRows {
  private buffer: Buffer;
  private length = 0;
  private rows = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Appends one row to the batch being written (the first after `end` starts a new one). */
  add(row: unknown): void {
    // an array's undefined (or function) element is `null`, as `JSON.stringify` writes it
    const text = JSON.stringify(row) ?? 'null';
    // the bracket or a comma, then at most three bytes a UTF-16 unit
    this.ensure(this.length + 1 + text.length * 3);
    this.length += this.buffer.write(this.rows === 0 ? '[' : ',', this.length);
    this.length += this.buffer.write(text, this.length);
    this.rows += 1;
  }

  /**
   * The batch's rows as one JSON array in UTF-8 (as `JSON.stringify` of them writes it), valid until
   * the next batch is written; the next `add` starts that one.
   */
  end(): Buffer {
    this.ensure(this.length + 2);
    if (this.rows === 0) this.length += this.buffer.write('[', this.length);
    this.length += this.buffer.write(']', this.length);
    const bytes = this.buffer.subarray(0, this.length);
    this.length = 0;
    this.rows = 0;
    return bytes;
  }

  private ensure(bytes: number): void {
    if (bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(bytes, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

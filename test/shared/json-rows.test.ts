import { JsonRows } from '../../src/shared/db/json-rows';

/** The import's batches as one JSON parameter (`JsonRows`): the same text `JSON.stringify` gives, in UTF-8. */
describe('JsonRows', () => {
  const rows = [
    { id: 1, title: '工资支付争议（白强霞）', note: 'a "quoted" \\ line\nnext', none: null },
    {
      id: 2,
      title: 'emoji 😀 and a lone surrogate \ud800',
      nested: { at: new Date('2026-05-01T00:00:00Z') },
    },
    { id: 3, skipped: undefined, list: [1, 'two', null] },
  ];

  /** `rows` written a row at a time, then the batch closed. */
  const batchOf = (json: JsonRows, batch: readonly unknown[]) => {
    for (const row of batch) json.add(row);
    return json.end();
  };

  it('writes the rows as the JSON array JSON.stringify makes of them', () => {
    const bytes = batchOf(new JsonRows(), rows);

    expect(bytes.toString('utf8')).toBe(JSON.stringify(rows));
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(JSON.parse(JSON.stringify(rows)));
  });

  it('writes no rows as an empty array, and an undefined row as null, from any first size', () => {
    for (const size of [0, 1, 2, 64]) {
      expect(batchOf(new JsonRows(size), []).toString('utf8')).toBe('[]');
      expect(batchOf(new JsonRows(size), [{ a: 1 }, undefined]).toString('utf8')).toBe('[{"a":1},null]');
    }
  });

  it('starts each batch afresh after the last one ended', () => {
    const json = new JsonRows(8);
    expect(batchOf(json, rows).toString('utf8')).toBe(JSON.stringify(rows));
    expect(json.end().toString('utf8')).toBe('[]');
    expect(batchOf(json, [undefined, { a: '调解' }]).toString('utf8')).toBe('[null,{"a":"调解"}]');
  });

  it('grows past its first size, and the next batch reuses the buffer', () => {
    const json = new JsonRows(16);
    const many = Array.from({ length: 2_000 }, (_, index) => ({ index, title: `调解${index}` }));

    const first = batchOf(json, many);
    expect(first.toString('utf8')).toBe(JSON.stringify(many));
    const next = batchOf(json, rows.slice(0, 1));
    expect(next.toString('utf8')).toBe(JSON.stringify(rows.slice(0, 1)));
    // the same memory: no new buffer a batch
    expect(next.buffer).toBe(first.buffer);
    expect(next.byteOffset).toBe(first.byteOffset);
  });
});

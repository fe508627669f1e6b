import { randomUUID } from 'node:crypto';
import { OutboxMessage } from '../../src/notifications/outbox';
import { WriteBatch } from '../../src/shared/db/write-batch';
import { startTestApp, type TestApp } from '../support/test-app';

describe('WriteBatch: several writes as one statement', () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  const message = (
    subjectId: string,
    payload: Record<string, unknown>,
    recipientUserId: string | null = null,
  ) => ({
    into: OutboxMessage,
    values: {
      kind: 'escalation.questioned' as const,
      subjectType: 'case' as const,
      subjectId,
      payload,
      recipientUserId,
    },
  });

  it('writes every insert and update with its own values, each part’s parameters kept apart', async () => {
    const subject = randomUUID();
    const [existing] = await testApp.db.query(
      `INSERT INTO outbox (kind, subject_type, subject_id, payload) VALUES ('escalation.questioned', 'case', $1, '{}') RETURNING id`,
      [subject],
    );
    await testApp.db.transaction((tx) =>
      new WriteBatch(tx)
        .insert(message(subject, { n: 1, text: '第一条 $1' }))
        .update(OutboxMessage, { id: existing.id }, { attempts: 3, lastError: '$2 未送达' })
        .insert({
          into: OutboxMessage,
          values: [message(subject, { n: 2 }).values, message(subject, { n: 3 }).values],
        })
        .run(),
    );
    const rows = await testApp.db.query(
      // the parts run in no set order (ids are not in the order they were added)
      "SELECT payload, attempts, last_error FROM outbox WHERE subject_id = $1 ORDER BY payload->>'n' NULLS FIRST",
      [subject],
    );
    expect(rows).toEqual([
      { payload: {}, attempts: 3, last_error: '$2 未送达' },
      { payload: { n: 1, text: '第一条 $1' }, attempts: 0, last_error: null },
      { payload: { n: 2 }, attempts: 0, last_error: null },
      { payload: { n: 3 }, attempts: 0, last_error: null },
    ]);
  });

  it('sends a fixed text at whatever place it takes in the batch, batch after batch (its renumbered text kept per place)', async () => {
    const subject = randomUUID();
    const plain = (n: number) => ({
      sql: `INSERT INTO outbox (kind, subject_type, subject_id, payload) VALUES ('escalation.questioned', 'case', $1, $2::jsonb)`,
      values: [subject, JSON.stringify({ n })],
    });
    await testApp.db.transaction(async (tx) => {
      await new WriteBatch(tx).insert(plain(1)).insert(plain(2)).insert(plain(3)).run();
      // the same text again, now after an entity's insert: other places, and places it had before
      await new WriteBatch(tx)
        .insert(message(subject, { n: 4 }))
        .insert(plain(5))
        .insert(plain(6))
        .run();
      await new WriteBatch(tx).insert(plain(7)).insert(plain(8)).run();
    });
    const rows: Array<{ n: number }> = await testApp.db.query(
      "SELECT (payload->>'n')::int AS n FROM outbox WHERE subject_id = $1 ORDER BY 1",
      [subject],
    );
    expect(rows.map((row) => row.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('writes nothing when one part fails, even a check made at the end of the statement (a foreign key)', async () => {
    const subject = randomUUID();
    await expect(
      testApp.db.transaction((tx) =>
        new WriteBatch(tx)
          .insert(message(subject, { n: 1 }))
          .insert(message(subject, { n: 2 }, randomUUID())) // nobody: violates outbox_recipient_user_id_fkey
          .run(),
      ),
    ).rejects.toThrow(/foreign key/);
    const [{ count }] = await testApp.db.query(
      'SELECT count(*)::int AS count FROM outbox WHERE subject_id = $1',
      [subject],
    );
    expect(count).toBe(0);
  });
});

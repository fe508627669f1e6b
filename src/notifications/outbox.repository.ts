import type { DataSource, EntityManager } from 'typeorm';
import { runQuery } from '../shared/db/structured-query';
import type { UnitAudience } from './notification-kinds';
import { OutboxMessage } from './outbox';
import { outboxColumns } from './outbox-message.entity';

/** The person a row is for, as the dispatcher needs them. */
export interface Recipient {
  id: string;
  displayName: string;
  email: string | null;
  locale: 'zh-CN' | 'en';
  role: 'admin' | 'supervisor' | 'mediator' | 'petition_agent';
  active: boolean;
}

/** What a notice is about, as a mail names it. */
export interface SubjectSummary {
  type: 'case' | 'petition' | 'checkpoint' | 'screening';
  id: string;
  number: string;
  title: string;
}

/** A row that failed for good, as the admin page lists it. */
export interface FailedRow {
  id: string;
  kind: string;
  createdAt: Date;
  failedAt: Date;
  attempts: number;
  lastError: string | null;
  recipient: string | null;
  email: string | null;
  /** An SMS's party, by role only (applicant, respondent, petitioner). */
  partyRole: string | null;
  subjectNumber: string | null;
}

/** An SMS not sent for want of consent, as the admin page lists it. */
export interface WithheldRow {
  id: string;
  kind: string;
  createdAt: Date;
  withheldAt: Date;
  /** The party, by role only. */
  partyRole: string | null;
  subjectNumber: string | null;
}

/** The only code that queries the outbox, digests and who hears a unit's notices. */
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  private manager(tx?: EntityManager) {
    return tx ?? this.db.manager;
  }

  /**
   * Leases up to `limit` due rows, oldest first, to `workerId` for `leaseSeconds`, in one short
   * statement: rows another worker holds (locked now, or leased and not run out) are skipped, so each
   * row has one sender at a time without a lock held while it is sent. Digest items wait for their
   * digest; rows in backoff for their time (`now`, the app's clock, as `nextAttemptAt` was set by it);
   * a lease runs on the database's clock, the one every process shares. Walks `outbox_due_idx`.
   */
  async claimBatch(
    tx: EntityManager,
    claim: { workerId: string; leaseSeconds: number; limit: number; now: Date },
  ): Promise<OutboxMessage[]> {
    const { rows } = await runQuery<OutboxMessage>(
      tx,
      `UPDATE outbox SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2)
       WHERE id IN (
         SELECT d.id FROM outbox d
         WHERE d.sent_at IS NULL AND d.failed_at IS NULL AND (d.delivery IS NULL OR d.delivery <> 'digest')
           AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= $3)
           AND (d.claimed_until IS NULL OR d.claimed_until <= now())
         ORDER BY d.id LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING ${outboxColumns}`,
      [claim.workerId, claim.leaseSeconds, claim.now, claim.limit],
    );
    return rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** One row per person, expanded from `parent`; the parent is done (`fanout`). */
  async expand(
    tx: EntityManager,
    parent: OutboxMessage,
    expansion: { userIds: string[]; now: Date; by: string },
  ): Promise<boolean> {
    const { userIds, now } = expansion;
    const done = await this.finish(
      tx,
      parent.id,
      expansion.by,
      userIds.length > 0
        ? { delivery: 'fanout', sentAt: now }
        : { delivery: 'none', sentAt: now, lastError: 'no recipients' },
    );
    if (done && userIds.length > 0) {
      await tx.insert(
        OutboxMessage,
        userIds.map((userId) => ({
          kind: parent.kind,
          recipientUserId: userId,
          recipientUnitId: null,
          subjectType: parent.subjectType,
          subjectId: parent.subjectId,
          payload: parent.payload as object,
          parentId: parent.id,
          createdAt: parent.createdAt,
        })),
      );
    }
    return done;
  }

  /**
   * Writes what became of a row and ends its lease, if `by` still holds it; false when it does not
   * (its lease ran out and another worker took it over: that one records the outcome).
   */
  private async finish(
    tx: EntityManager,
    id: string,
    by: string,
    outcome: Partial<Omit<OutboxMessage, 'payload'>>,
  ): Promise<boolean> {
    const result = await tx.update(
      OutboxMessage,
      { id, claimedBy: by },
      { ...outcome, claimedBy: null, claimedUntil: null },
    );
    return (result.affected ?? 0) > 0;
  }

  /** The row is done without a mail of its own: turned off, or nobody to send it to. */
  markNotMailed(tx: EntityManager, id: string, by: string, done: { now: Date; reason: string | null }) {
    return this.finish(tx, id, by, { delivery: 'none', sentAt: done.now, lastError: done.reason });
  }

  /** The row waits for the recipient's next digest. */
  markForDigest(tx: EntityManager, id: string, by: string): Promise<boolean> {
    return this.finish(tx, id, by, { delivery: 'digest' });
  }

  /** Sent: the server accepted it (after the send, in a short transaction of its own). */
  markSent(
    tx: EntityManager,
    id: string,
    by: string,
    sent: { at: Date; messageId: string; to: string; attempts: number },
  ): Promise<boolean> {
    return this.finish(tx, id, by, {
      delivery: 'mail',
      sentAt: sent.at,
      messageId: sent.messageId,
      sentTo: sent.to,
      attempts: sent.attempts,
      nextAttemptAt: null,
    });
  }

  /** An SMS sent (the gateway answered 2xx, or its file is written); `to` is the number masked. */
  markSmsSent(tx: EntityManager, id: string, by: string, sent: { at: Date; to: string; attempts: number }) {
    return this.finish(tx, id, by, {
      delivery: 'sms',
      sentAt: sent.at,
      sentTo: sent.to,
      attempts: sent.attempts,
      nextAttemptAt: null,
    });
  }

  /**
   * Whether the party an SMS is for still consents to SMS (个人信息保护法 §15: a withdrawal stops
   * what has not been sent); a party gone (`party_id` cleared) does not.
   */
  async partyConsentsToSms(partyId: string | null, tx: EntityManager): Promise<boolean> {
    if (!partyId) return false;
    const rows: Array<{ sms_consent: boolean }> = await tx.query(
      'SELECT sms_consent FROM parties WHERE id = $1',
      [partyId],
    );
    return rows[0]?.sms_consent === true;
  }

  /** An SMS not sent, and not to be: its party withdrew consent before it went out. Done, not failed. */
  markSmsWithheld(tx: EntityManager, id: string, by: string, now: Date): Promise<boolean> {
    return this.finish(tx, id, by, {
      delivery: 'no_consent',
      sentAt: now,
      nextAttemptAt: null,
      lastError: null,
    });
  }

  /** A failed attempt: try again at `retryAt`, or give up (`failedAt`). */
  markAttemptFailed(
    tx: EntityManager,
    id: string,
    by: string,
    failure: { attempts: number; error: string; retryAt: Date | null; failedAt: Date | null },
  ): Promise<boolean> {
    return this.finish(tx, id, by, {
      attempts: failure.attempts,
      lastError: failure.error.slice(0, 2000),
      nextAttemptAt: failure.retryAt,
      failedAt: failure.failedAt,
    });
  }

  findRecipient(userId: string, tx?: EntityManager): Promise<Recipient | null> {
    return this.manager(tx)
      .query(
        `SELECT id, display_name AS "displayName", email, locale, role, active FROM users WHERE id = $1`,
        [userId],
      )
      .then((rows: Recipient[]) => rows[0] ?? null);
  }

  /**
   * The people of a unit who hear its notices, resolved now: its active mediators
   * (`members` only) and the nearest supervisors over it — of the unit itself, else of
   * the closest unit above that has any.
   */
  async unitRecipients(unitId: string, audience: UnitAudience, tx?: EntityManager): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.manager(tx).query(
      `WITH target AS (SELECT path FROM units WHERE id = $1),
            nearest AS (
              SELECT max(nlevel(su.path)) AS depth
              FROM users s JOIN units su ON su.id = s.unit_id, target
              WHERE s.role = 'supervisor' AND s.active AND su.path @> target.path
            )
       SELECT u.id FROM users u JOIN units uu ON uu.id = u.unit_id, target, nearest
       WHERE u.active AND (
         ($2 = 'members' AND u.role = 'mediator' AND u.unit_id = $1)
         OR (u.role = 'supervisor' AND uu.path @> target.path AND nlevel(uu.path) = nearest.depth)
       )
       ORDER BY u.username`,
      [unitId, audience],
    );
    return rows.map((row) => row.id);
  }

  /** Number and title of the cases and petitions these rows are about. */
  async subjects(
    refs: Array<{ subjectType: string; subjectId: string }>,
    tx?: EntityManager,
  ): Promise<Map<string, SubjectSummary>> {
    const ids = (type: string) => [
      ...new Set(refs.filter((ref) => ref.subjectType === type).map((ref) => ref.subjectId)),
    ];
    const [cases, petitions, checkpoints, screenings]: SubjectSummary[][] = await Promise.all([
      ids('case').length === 0
        ? []
        : this.manager(tx).query(
            `SELECT 'case' AS type, id, number, title FROM cases WHERE id = ANY($1::uuid[])`,
            [ids('case')],
          ),
      ids('petition').length === 0
        ? []
        : this.manager(tx).query(
            `SELECT 'petition' AS type, id, number, subject AS title FROM petitions WHERE id = ANY($1::uuid[])`,
            [ids('petition')],
          ),
      // a signed audit checkpoint: its number, and the root it signed as what it is about
      ids('checkpoint').length === 0
        ? []
        : this.manager(tx).query(
            `SELECT 'checkpoint' AS type, id, number::text AS number, root AS title
               FROM audit_checkpoints WHERE id = ANY($1::uuid[])`,
            [ids('checkpoint')],
          ),
      // 矛盾纠纷排查 (issue 21): a high-risk item (its period and title) or a missing report (period, unit)
      ids('screening').length === 0
        ? []
        : this.manager(tx).query(
            `SELECT 'screening' AS type, i.id, r.period AS number, i.title
               FROM screening_items i JOIN screening_rounds r ON r.id = i.round_id WHERE i.id = ANY($1::uuid[])
               UNION ALL
               SELECT 'screening' AS type, m.id, m.period AS number, u.name_zh AS title
               FROM screening_missing_reports m JOIN units u ON u.id = m.unit_id WHERE m.id = ANY($1::uuid[])`,
            [ids('screening')],
          ),
    ]);
    return new Map(
      [...cases, ...petitions, ...checkpoints, ...screenings].map((subject) => [
        `${subject.type}:${subject.id}`,
        subject,
      ]),
    );
  }

  /** People with items waiting for a digest. */
  async usersWithDigestItems(): Promise<string[]> {
    const rows: Array<{ user_id: string }> = await this.db.query(
      `SELECT DISTINCT recipient_user_id AS user_id FROM outbox
       WHERE delivery = 'digest' AND digest_id IS NULL AND sent_at IS NULL`,
    );
    return rows.map((row) => row.user_id);
  }

  /**
   * Today's digest for one person, if they have none yet: the digest row (unique per
   * person and day, so two workers cannot both make one), its items, and the outbox
   * row that mails it. Null when today's digest exists already or nothing waits.
   */
  async assembleDigest(
    tx: EntityManager,
    userId: string,
    date: string,
    now: Date,
  ): Promise<{ outboxId: string; items: number } | null> {
    const {
      rows: [digest],
    } = await runQuery<{ id: string }>(
      tx,
      `INSERT INTO notification_digests (user_id, digest_date, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, digest_date) DO NOTHING RETURNING id`,
      [userId, date, now],
    );
    if (!digest) return null;
    const items = await runQuery(
      tx,
      `UPDATE outbox SET digest_id = $2, sent_at = $3
       WHERE recipient_user_id = $1 AND delivery = 'digest' AND digest_id IS NULL AND sent_at IS NULL`,
      [userId, digest.id, now],
    );
    if (items.affected === 0) {
      await runQuery(tx, 'DELETE FROM notification_digests WHERE id = $1', [digest.id]);
      return null;
    }
    const {
      rows: [row],
    } = await runQuery<{ id: string }>(
      tx,
      `INSERT INTO outbox (kind, recipient_user_id, subject_type, subject_id, payload, created_at)
       VALUES ('digest', $1, 'user', $1, $2, $3) RETURNING id`,
      [userId, { digestId: digest.id, date, count: items.affected }, now],
    );
    return { outboxId: row.id, items: items.affected };
  }

  digestItems(digestId: string, tx?: EntityManager): Promise<OutboxMessage[]> {
    return this.manager(tx).find(OutboxMessage, { where: { digestId }, order: { id: 'ASC' } });
  }

  /**
   * Rows that failed for good, for recipients within `scopePath` (the admin's subtree): a mail's
   * user, an SMS's case (the unit holding it). An SMS shows only its party's role: an admin may not
   * see the case, so neither its parties' names nor their numbers (policy.canSee).
   */
  async listFailed(scopePath: string, limit: number): Promise<FailedRow[]> {
    return this.db.query(
      `SELECT o.id, o.kind, o.created_at AS "createdAt", o.failed_at AS "failedAt", o.attempts,
              o.last_error AS "lastError", u.display_name AS recipient, u.email AS email,
              pa.role AS "partyRole",
              COALESCE(c.number, p.number) AS "subjectNumber"
       FROM outbox o
       LEFT JOIN users u ON u.id = o.recipient_user_id
       LEFT JOIN parties pa ON pa.id = o.party_id
       LEFT JOIN cases c ON o.subject_type = 'case' AND c.id = o.subject_id
       LEFT JOIN petitions p ON o.subject_type = 'petition' AND p.id = o.subject_id
       WHERE o.failed_at IS NOT NULL AND ${scopeOf('o')} <@ $1::ltree
       ORDER BY o.failed_at DESC, o.id DESC
       LIMIT $2`,
      [scopePath, limit],
    );
  }

  /**
   * SMS not sent because their party withdrew consent (`no_consent`), within `scopePath`, newest
   * first: the party's role (not its name or number, as for failed rows), the case or petition.
   */
  async listWithheld(scopePath: string, limit: number): Promise<WithheldRow[]> {
    return this.db.query(
      `SELECT o.id, o.kind, o.created_at AS "createdAt", o.sent_at AS "withheldAt",
              pa.role AS "partyRole",
              COALESCE(c.number, p.number) AS "subjectNumber"
       FROM outbox o
       LEFT JOIN parties pa ON pa.id = o.party_id
       LEFT JOIN cases c ON o.subject_type = 'case' AND c.id = o.subject_id
       LEFT JOIN petitions p ON o.subject_type = 'petition' AND p.id = o.subject_id
       WHERE o.delivery = 'no_consent' AND ${scopeOf('o')} <@ $1::ltree
       ORDER BY o.sent_at DESC, o.id DESC
       LIMIT $2`,
      [scopePath, limit],
    );
  }

  /** How many SMS were withheld for want of consent, within `scopePath` (index `outbox_sms_no_consent`). */
  async countWithheld(scopePath: string): Promise<number> {
    const [row]: Array<{ withheld: number }> = await this.db.query(
      `SELECT count(*)::int AS withheld FROM outbox o
       WHERE o.delivery = 'no_consent' AND ${scopeOf('o')} <@ $1::ltree`,
      [scopePath],
    );
    return row.withheld;
  }

  /** How many rows wait, and how many failed for good (within `scopePath`, or all). */
  async counts(scopePath?: string): Promise<{ pending: number; failed: number }> {
    // two counts, each on its partial index (outbox_due_idx, outbox_failed_idx)
    const [row]: Array<{ pending: number; failed: number }> = await this.db.query(
      `SELECT (SELECT count(*) FROM outbox o
               WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND (o.delivery IS NULL OR o.delivery <> 'digest')
                 AND ($1::ltree IS NULL OR ${scopeOf('o')} <@ $1::ltree))::int AS pending,
              (SELECT count(*) FROM outbox o
               WHERE o.failed_at IS NOT NULL AND ($1::ltree IS NULL OR ${scopeOf('o')} <@ $1::ltree))::int AS failed`,
      [scopePath ?? null],
    );
    return row;
  }

  /** The row, locked, if its recipient is within `scopePath`. */
  async lockInScope(tx: EntityManager, id: string, scopePath: string): Promise<OutboxMessage | null> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT o.id FROM outbox o WHERE o.id = $1 AND ${scopeOf('o')} <@ $2::ltree FOR UPDATE OF o`,
      [id, scopePath],
    );
    return rows.length === 0 ? null : tx.findOne(OutboxMessage, { where: { id } });
  }

  /** Back in the queue with a fresh set of attempts (the last error stays until it is sent). */
  async requeue(tx: EntityManager, id: string): Promise<void> {
    await tx.update(OutboxMessage, { id }, { failedAt: null, attempts: 0, nextAttemptAt: null });
  }
}

/**
 * Where an outbox row sits in the unit tree, for an admin's scope: a mail's recipient's unit, an
 * SMS's case's (or petition's) holding unit.
 */
function scopeOf(alias: string): string {
  return `(CASE WHEN ${alias}.channel = 'sms' THEN (
             SELECT su.path FROM units su WHERE su.id = COALESCE(
               (SELECT sc.holding_unit_id FROM cases sc WHERE ${alias}.subject_type = 'case' AND sc.id = ${alias}.subject_id),
               (SELECT sp.holding_unit_id FROM petitions sp WHERE ${alias}.subject_type = 'petition' AND sp.id = ${alias}.subject_id)))
           ELSE (SELECT ru.path FROM users r JOIN units ru ON ru.id = r.unit_id WHERE r.id = ${alias}.recipient_user_id)
           END)`;
}

import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../shared/clock';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import { maskPhone } from '../shared/crypto/personal-data';
import { isDatabaseUnavailable } from '../shared/db/database-errors';
import type { Transactions, Tx } from '../shared/db/transactions';
import type { Locale } from '../shared/i18n/i18n';
import type { Logger } from '../shared/logger';
import type { MailRenderer, RenderedMail } from './mail-renderer';
import type { Mailer, OutgoingMail } from './mailer';
import { isNotificationKind, kindRules, type NotificationKind } from './notification-kinds';
import type { NotificationPreferenceService } from './notification-preference.service';
import type { OutboxMessage } from './outbox';
import type { OutboxRepository, Recipient } from './outbox.repository';
import type { OutgoingSms, SmsSender } from './sms-sender';
import { isSmsTemplate, type SmsParams, type SmsRenderer } from './sms-templates';

/** The SMS channel: the gateway (or files), the texts, and the key that opens the stored numbers. */
export interface SmsChannel {
  sender: SmsSender;
  renderer: SmsRenderer;
  cipher: PersonalDataCipher;
}

export interface RetryPolicy {
  /** Wait after the first failure; doubled after each further one … */
  baseDelayMs: number;
  /** … up to this. */
  maxDelayMs: number;
  /** After this many failed attempts the row is failed for good (admin page). */
  maxAttempts: number;
}

/** Exponential backoff: base, 2·base, 4·base … capped. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
}

/** What a claimed row sends, made ready inside its short transaction and sent outside any. */
type Outgoing =
  | { channel: 'mail'; mail: Omit<OutgoingMail, 'signal'> }
  | { channel: 'sms'; sms: OutgoingSms; maskedTo: string };

/**
 * Turns outbox rows into mails and SMS, many at a time, with no transaction open while a
 * message goes out:
 *
 * - a batch of due rows is **leased** to this worker in one short statement (`claimBatch`:
 *   `claimed_by`, `claimed_until` = the database's now + `leaseSeconds`, FOR UPDATE SKIP LOCKED), so
 *   two workers (two processes) never take the same row while its lease runs;
 * - each row is then made ready in a short transaction of its own: a row for a unit (or for a
 *   person *and* a unit) is expanded into one row per person, resolved now — whoever is in the
 *   unit when it is sent; a person's row follows their preference (mailed now, left for the daily
 *   digest, or dropped); an SMS's party is asked their consent again; the mail is rendered;
 * - up to `concurrency` messages are in flight at once (a slow server's 4 s per mail would
 *   otherwise hold the whole queue to a quarter of a mail per second; test/bench/README.md,
 *   `mailPerSecond`), each over the mailer's pooled connections; each outcome is written in a
 *   short transaction that checks the lease is still this worker's (`WHERE claimed_by = …`);
 * - a mail carries `<outbox-<id>@<domain>>` as its Message-ID. If the process dies between the
 *   server's "250 OK" and that write, the lease runs out and another worker (or this one, started
 *   again) sends the row again with the same Message-ID: at least once at the SMTP boundary, and
 *   receivers drop the duplicate by its Message-ID. A send that outlives its lease while another
 *   worker takes the row over likewise goes out twice, under one Message-ID; the lease (5 minutes by
 *   default) is far above the mailer's timeouts so that only a dead worker's rows are taken over;
 * - a failed send is retried with exponential backoff; after `maxAttempts` the row is
 *   failed for good and shown on /admin/outbox.
 */
export class OutboxDispatcher {
  /** This dispatcher's name on the rows it holds: host, process and a random part (two in one process differ). */
  readonly workerId: string;

  constructor(
    private readonly db: Transactions,
    private readonly deps: {
      outbox: OutboxRepository;
      preferences: NotificationPreferenceService;
      renderer: MailRenderer;
      mailer: Mailer;
      clock: Clock;
      logger: Logger;
      retry: RetryPolicy;
      /** The domain of every Message-ID. */
      mailDomain: string;
      /** Messages in flight at once (MAIL_CONCURRENCY); the mailer's pool should have as many connections. */
      concurrency: number;
      /** How long a claimed row stays this worker's (MAIL_LEASE_SECONDS) before another may take it over. */
      leaseSeconds: number;
      /** SMS to parties (rows of channel `sms`); without it such rows fail and wait on /admin/outbox. */
      sms?: SmsChannel;
      /** Aborted when the worker stops: a send still hanging then counts as a failed attempt. */
      signal?: AbortSignal;
      /** Its name on the rows it claims; default: host, process id and a random part. */
      workerId?: string;
    },
  ) {
    this.workerId = deps.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** The tail of this dispatcher's transactions (see `inTurn`). */
  private turns: Promise<unknown> = Promise.resolve();

  /**
   * Runs one of this dispatcher's transactions after the ones before it: many messages wait on their
   * servers at once, but their claims, preparations and outcomes (a few statements each) take one of
   * the app's pooled database connections at a time, not `concurrency` of them — the pool (10) serves
   * the requests too.
   */
  private inTurn<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const turn = this.turns.then(() => this.db.run(work));
    this.turns = turn.catch(() => undefined);
    return turn;
  }

  messageIdOf(row: Pick<OutboxMessage, 'id'>): string {
    return `<outbox-${row.id}@${this.deps.mailDomain}>`;
  }

  /**
   * Handles rows until none is due, `concurrency` at a time: a slot that frees is filled by the next
   * claim (rows a unit's row was just expanded into, too); returns how many it handled. Told to stop,
   * it claims no more and waits for the messages in flight.
   */
  async drain(shouldStop: () => boolean = () => false): Promise<number> {
    const limit = Math.max(1, this.deps.concurrency);
    const inFlight = new Set<Promise<void>>();
    let handled = 0;
    try {
      while (!shouldStop()) {
        const free = limit - inFlight.size;
        const rows = free > 0 ? await this.claim(free) : [];
        if (rows.length === 0 && inFlight.size === 0) break;
        for (const row of rows) {
          const work: Promise<void> = this.dispatch(row).finally(() => inFlight.delete(work));
          inFlight.add(work);
        }
        handled += rows.length;
        // every slot taken, or nothing more due for now: wait for one to free (and look again then)
        if (inFlight.size === limit || rows.length < free) await Promise.race(inFlight);
      }
    } finally {
      await Promise.all(inFlight);
    }
    return handled;
  }

  private claim(limit: number): Promise<OutboxMessage[]> {
    const { leaseSeconds, clock } = this.deps;
    return this.inTurn((tx) =>
      this.deps.outbox.claimBatch(tx, { workerId: this.workerId, leaseSeconds, limit, now: clock.now() }),
    );
  }

  /** One claimed row: made ready, sent, its outcome written. Never rejects. */
  private async dispatch(row: OutboxMessage): Promise<void> {
    try {
      const now = this.deps.clock.now();
      const outgoing = await this.whileLeased(row, () => this.inTurn((tx) => this.prepare(tx, row, now)));
      if (outgoing) await this.deliver(row, outgoing, now);
    } catch (error) {
      // this row broke its transaction (not a mail server: those are caught in deliver): count the
      // attempt, so that it backs off and, in the end, shows on the admin page instead of blocking the queue
      await this.whileLeased(row, () => this.inTurn((tx) => this.recordFailure(tx, row, error))).catch(
        (failure: Error) =>
          // the database itself: the lease runs out and the row is taken again then
          this.deps.logger.error({ outboxId: row.id, err: failure }, 'outbox row could not be recorded'),
      );
    }
  }

  /** What the row sends, or null when it is done without a message of its own (its outcome written). */
  private async prepare(tx: Tx, row: OutboxMessage, now: Date): Promise<Outgoing | null> {
    const { outbox } = this.deps;
    const by = this.workerId;
    if (row.channel === 'sms') return this.prepareSms(tx, row, now);
    if (row.kind !== 'digest' && row.recipientUnitId) {
      const audience =
        row.unitAudience ?? (isNotificationKind(row.kind) ? kindRules[row.kind].unitAudience : 'members');
      const members = await outbox.unitRecipients(row.recipientUnitId, audience, tx);
      const userIds = [...new Set([...(row.recipientUserId ? [row.recipientUserId] : []), ...members])];
      await outbox.expand(tx, row, { userIds, now, by });
      return null;
    }
    const recipient = row.recipientUserId ? await outbox.findRecipient(row.recipientUserId, tx) : null;
    const notMailed = async (reason: string | null) => {
      await outbox.markNotMailed(tx, row.id, by, { now, reason });
      return null;
    };
    if (!recipient?.active) return notMailed('recipient inactive or unknown');
    if (!recipient.email) return notMailed('recipient has no e-mail address');

    if (row.kind !== 'digest') {
      if (!isNotificationKind(row.kind)) return notMailed(`unknown kind ${row.kind}`);
      const delivery = await this.deps.preferences.deliveryFor(recipient, row.kind, tx);
      if (delivery === 'off') return notMailed(null);
      if (delivery === 'digest') {
        await outbox.markForDigest(tx, row.id, by);
        return null;
      }
    }
    const mail = await this.render(tx, row, recipient);
    return {
      channel: 'mail',
      mail: { ...mail, messageId: this.messageIdOf(row), to: recipient.email, date: now },
    };
  }

  /**
   * An SMS to a party who still consents: its text written now in the party's language, sent to the number the row
   * carries (decrypted only here, never logged nor stored in the clear: the row keeps it masked).
   * A failure is an attempt like a mail's: the same backoff, the same failed-for-good.
   */
  private async prepareSms(tx: Tx, row: OutboxMessage, now: Date): Promise<Outgoing | null> {
    // 个人信息保护法 §15: consent withdrawn after the row was written stops it (done, not failed).
    // Read without a lock: a withdrawal committed while this one message is going out does not
    // stop it (the staff's request would otherwise wait on the gateway); it stops every later one.
    if (!(await this.deps.outbox.partyConsentsToSms(row.partyId, tx))) {
      await this.deps.outbox.markSmsWithheld(tx, row.id, this.workerId, now);
      return null;
    }
    const { sms } = this.deps;
    if (!sms) throw new Error('no SMS channel configured');
    const payload = row.payload as { template?: unknown; params?: SmsParams; locale?: Locale };
    if (!isSmsTemplate(payload.template) || !payload.params || !row.phoneEncrypted)
      throw new Error(`not an SMS this app writes: ${row.kind}`);
    const message = { template: payload.template, params: openSealedCode(payload.params, sms.cipher) };
    const text = sms.renderer.render(message, payload.locale === 'en' ? 'en' : 'zh-CN');
    const to = sms.cipher.decrypt(row.phoneEncrypted);
    return { channel: 'sms', sms: { to, text, ...message }, maskedTo: maskPhone(to) };
  }

  /** Sends outside any transaction, then writes the outcome if the row is still this worker's. */
  private async deliver(row: OutboxMessage, outgoing: Outgoing, now: Date): Promise<void> {
    const { outbox, signal } = this.deps;
    const attempts = row.attempts + 1;
    try {
      if (outgoing.channel === 'mail') await this.deps.mailer.send({ ...outgoing.mail, signal });
      else if (this.deps.sms) await this.deps.sms.sender.send(outgoing.sms, row.id, signal);
    } catch (error) {
      await this.whileLeased(row, () => this.inTurn((tx) => this.recordFailure(tx, row, error)));
      return;
    }
    const by = this.workerId;
    const record = () =>
      this.inTurn((tx) =>
        outgoing.channel === 'mail'
          ? outbox.markSent(tx, row.id, by, {
              at: now,
              messageId: outgoing.mail.messageId,
              to: outgoing.mail.to,
              attempts,
            })
          : outbox.markSmsSent(tx, row.id, by, { at: now, to: outgoing.maskedTo, attempts }),
      );
    let recorded: boolean;
    try {
      recorded = await this.whileLeased(row, record);
    } catch (error) {
      // it went out: never recorded as a failure (that would send it again at once)
      this.deps.logger.error(
        { outboxId: row.id, workerId: by, err: error },
        'sent, but the database could not record it before the lease ran out: it goes out again with the same Message-ID',
      );
      return;
    }
    if (!recorded)
      this.deps.logger.warn(
        { outboxId: row.id, workerId: by },
        "sent, but the row was no longer this worker's when recorded: another worker took it over after its lease ran out (it goes out again with the same Message-ID), or an earlier try recorded it as the database went away",
      );
  }

  /**
   * One of a claimed row's transactions (its preparation, its outcome), tried again while the
   * database is out of reach (a restart, a failover: typically seconds) until the row's lease is
   * nearly over: the row is this worker's until then, and goes out as soon as the database is
   * back instead of when the lease runs out. A message that went out is thus recorded as sent,
   * never as a failure that would send it again. The lease is the database's clock against this
   * one, and a try may itself take up to a statement timeout: past the lease, another worker may
   * send the row again, with the same Message-ID (at least once at the SMTP boundary, as ever).
   * A stopping worker (its signal aborted) gives up at once.
   */
  private async whileLeased<T>(row: OutboxMessage, write: () => Promise<T>): Promise<T> {
    const leaseEnds =
      row.claimedUntil?.getTime() ?? this.deps.clock.now().getTime() + this.deps.leaseSeconds * 1000;
    for (let waitMs = 250; ; waitMs = Math.min(2 * waitMs, 5000)) {
      try {
        return await write();
      } catch (error) {
        // not the database's absence, the lease nearly over, or the worker stopping: as the outage found it
        if (
          !isDatabaseUnavailable(error) ||
          this.deps.clock.now().getTime() + waitMs + 1000 >= leaseEnds ||
          this.deps.signal?.aborted
        )
          throw error;
        this.deps.logger.warn(
          { outboxId: row.id, retryInMs: waitMs, err: error },
          'the database is out of reach: trying the outbox row again shortly',
        );
        await sleep(waitMs, undefined, { signal: this.deps.signal }).catch(() => undefined);
      }
    }
  }

  /** One more failed attempt: back off exponentially, or give up after `maxAttempts`. */
  private async recordFailure(tx: Tx, row: OutboxMessage, error: unknown): Promise<void> {
    const { retry, clock } = this.deps;
    const attempts = row.attempts + 1;
    const givingUp = attempts >= retry.maxAttempts;
    const now = clock.now();
    await this.deps.outbox.markAttemptFailed(tx, row.id, this.workerId, {
      attempts,
      error: (error as Error)?.message || String(error),
      retryAt: givingUp ? null : new Date(now.getTime() + retryDelayMs(retry, attempts)),
      failedAt: givingUp ? now : null,
    });
    this.deps.logger[givingUp ? 'error' : 'warn'](
      { outboxId: row.id, attempts, err: error },
      `${row.channel === 'sms' ? 'SMS' : 'mail'} ${givingUp ? 'failed for good' : 'failed; will retry'}`,
    );
  }

  private async render(tx: Tx, row: OutboxMessage, recipient: Recipient): Promise<RenderedMail> {
    const { outbox, renderer } = this.deps;
    if (row.kind === 'digest') {
      const payload = row.payload as { digestId: string; date: string };
      const items = await outbox.digestItems(payload.digestId, tx);
      const subjects = await outbox.subjects(items, tx);
      return renderer.renderDigest(
        {
          recipientName: recipient.displayName,
          date: payload.date,
          items: items
            .filter((item) => isNotificationKind(item.kind))
            .map((item) => ({
              kind: item.kind as NotificationKind,
              subject: subjects.get(`${item.subjectType}:${item.subjectId}`) ?? null,
            })),
        },
        recipient.locale,
      );
    }
    if (!isNotificationKind(row.kind)) throw new Error(`unknown kind ${row.kind}`);
    const subjects = await outbox.subjects([row], tx);
    return renderer.renderNotice(
      {
        kind: row.kind,
        recipientName: recipient.displayName,
        subject: subjects.get(`${row.subjectType}:${row.subjectId}`) ?? null,
        payload: row.payload,
      },
      recipient.locale,
    );
  }
}

/** The params as written and sent: a lookup code sealed for the outbox (`codeSealed`) opened. */
function openSealedCode(params: SmsParams, cipher: Pick<PersonalDataCipher, 'decrypt'>): SmsParams {
  const { codeSealed, ...rest } = params;
  return codeSealed ? { ...rest, code: cipher.decrypt(codeSealed) } : rest;
}

import type { Clock } from '../shared/clock';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import { maskPhone } from '../shared/crypto/personal-data';
import type { Transactions, Tx } from '../shared/db/transactions';
import type { Locale } from '../shared/i18n/i18n';
import type { Logger } from '../shared/logger';
import type { MailRenderer, RenderedMail } from './mail-renderer';
import type { Mailer } from './mailer';
import { isNotificationKind, kindRules, type NotificationKind } from './notification-kinds';
import type { NotificationPreferenceService } from './notification-preference.service';
import type { OutboxMessage } from './outbox';
import type { OutboxRepository, Recipient } from './outbox.repository';
import type { SmsSender } from './sms-sender';
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

/**
 * Turns outbox rows into mails, one row at a time, each in its own transaction that
 * holds the row (FOR UPDATE SKIP LOCKED) while its mail goes out:
 *
 * - a row for a unit (or for a person *and* a unit) is expanded into one row per
 *   person, resolved now — whoever is in the unit when it is sent;
 * - a person's row follows their preference: mailed now, left for the daily digest,
 *   or dropped (off);
 * - a mail carries `<outbox-<id>@<domain>>` as its Message-ID and the row is marked
 *   sent in the same transaction. If the process dies between the server's "250 OK"
 *   and the commit, the row is sent again with the same Message-ID (at least once;
 *   receivers drop the duplicate by its Message-ID). Two workers never send one row
 *   at the same time: the row lock.
 * - a failed send is retried with exponential backoff; after `maxAttempts` the row is
 *   failed for good and shown on /admin/outbox.
 */
export class OutboxDispatcher {
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
      /** SMS to parties (rows of channel `sms`); without it such rows fail and wait on /admin/outbox. */
      sms?: SmsChannel;
      /** Aborted when the worker stops: a send still hanging then counts as a failed attempt. */
      signal?: AbortSignal;
    },
  ) {}

  messageIdOf(row: Pick<OutboxMessage, 'id'>): string {
    return `<outbox-${row.id}@${this.deps.mailDomain}>`;
  }

  /** Handles rows until none is due; returns how many it handled. */
  async drain(shouldStop: () => boolean = () => false): Promise<number> {
    let handled = 0;
    while (!shouldStop() && (await this.dispatchNext())) handled++;
    return handled;
  }

  /** Handles the next due row, if any; false when there was none. */
  async dispatchNext(): Promise<boolean> {
    let claimed: OutboxMessage | null = null;
    try {
      return await this.db.run(async (tx) => {
        const now = this.deps.clock.now();
        claimed = await this.deps.outbox.claimNext(tx, now);
        if (!claimed) return false;
        await this.handle(tx, claimed, now);
        return true;
      });
    } catch (error) {
      if (!claimed) throw error;
      // this row broke its transaction (not a mail server: those are caught in send): count the
      // attempt, so that it backs off and, in the end, shows on the admin page instead of blocking the queue
      const row: OutboxMessage = claimed;
      await this.db.run((tx) => this.recordFailure(tx, row, error));
      return true;
    }
  }

  private async handle(tx: Tx, row: OutboxMessage, now: Date): Promise<void> {
    const { outbox } = this.deps;
    if (row.channel === 'sms') return this.sendSms(tx, row, now);
    if (row.kind !== 'digest' && row.recipientUnitId) {
      const audience =
        row.unitAudience ?? (isNotificationKind(row.kind) ? kindRules[row.kind].unitAudience : 'members');
      const members = await outbox.unitRecipients(row.recipientUnitId, audience, tx);
      const people = [...new Set([...(row.recipientUserId ? [row.recipientUserId] : []), ...members])];
      await outbox.expand(tx, row, people, now);
      return;
    }
    const recipient = row.recipientUserId ? await outbox.findRecipient(row.recipientUserId, tx) : null;
    if (!recipient?.active) return outbox.markNotMailed(tx, row.id, now, 'recipient inactive or unknown');
    if (!recipient.email) return outbox.markNotMailed(tx, row.id, now, 'recipient has no e-mail address');

    if (row.kind !== 'digest') {
      if (!isNotificationKind(row.kind))
        return outbox.markNotMailed(tx, row.id, now, `unknown kind ${row.kind}`);
      const delivery = await this.deps.preferences.deliveryFor(recipient, row.kind, tx);
      if (delivery === 'off') return outbox.markNotMailed(tx, row.id, now, null);
      if (delivery === 'digest') return outbox.markForDigest(tx, row.id);
    }
    await this.send(tx, row, recipient, now);
  }

  private async send(tx: Tx, row: OutboxMessage, recipient: Recipient, now: Date): Promise<void> {
    const attempts = row.attempts + 1;
    const messageId = this.messageIdOf(row);
    try {
      const mail = await this.render(tx, row, recipient);
      await this.deps.mailer.send({
        ...mail,
        messageId,
        to: recipient.email as string,
        date: now,
        signal: this.deps.signal,
      });
      await this.deps.outbox.markSent(tx, row.id, {
        at: now,
        messageId,
        to: recipient.email as string,
        attempts,
      });
    } catch (error) {
      await this.recordFailure(tx, row, error);
    }
  }

  /**
   * An SMS to a party who still consents: its text written now in the party's language, sent to the number the row
   * carries (decrypted only here, never logged nor stored in the clear: the row keeps it masked).
   * A failure is an attempt like a mail's: the same backoff, the same failed-for-good.
   */
  private async sendSms(tx: Tx, row: OutboxMessage, now: Date): Promise<void> {
    // 个人信息保护法 §15: consent withdrawn after the row was written stops it (done, not failed).
    // Read without a lock: a withdrawal committed while this one message is going out does not
    // stop it (the staff's request would otherwise wait on the gateway); it stops every later one.
    if (!(await this.deps.outbox.partyConsentsToSms(row.partyId, tx)))
      return this.deps.outbox.markSmsWithheld(tx, row.id, now);
    const attempts = row.attempts + 1;
    try {
      const { sms } = this.deps;
      if (!sms) throw new Error('no SMS channel configured');
      const payload = row.payload as { template?: unknown; params?: SmsParams; locale?: Locale };
      if (!isSmsTemplate(payload.template) || !payload.params || !row.phoneEncrypted)
        throw new Error(`not an SMS this app writes: ${row.kind}`);
      const message = { template: payload.template, params: openSealedCode(payload.params, sms.cipher) };
      const text = sms.renderer.render(message, payload.locale === 'en' ? 'en' : 'zh-CN');
      const to = sms.cipher.decrypt(row.phoneEncrypted);
      await sms.sender.send({ to, text, ...message }, row.id, this.deps.signal);
      await this.deps.outbox.markSmsSent(tx, row.id, { at: now, to: maskPhone(to), attempts });
    } catch (error) {
      await this.recordFailure(tx, row, error);
    }
  }

  /** One more failed attempt: back off exponentially, or give up after `maxAttempts`. */
  private async recordFailure(tx: Tx, row: OutboxMessage, error: unknown): Promise<void> {
    const { retry, clock } = this.deps;
    const attempts = row.attempts + 1;
    const givingUp = attempts >= retry.maxAttempts;
    const now = clock.now();
    await this.deps.outbox.markAttemptFailed(tx, row.id, {
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

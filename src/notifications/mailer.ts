import fs from 'node:fs/promises';
import path from 'node:path';
import { createTransport } from 'nodemailer';

/** One mail, ready to go: the Message-ID is chosen by the caller (one per outbox row). */
export interface OutgoingMail {
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  date: Date;
  /** Aborts a send in progress (the worker stopping while a mail server hangs). */
  signal?: AbortSignal;
}

export interface Mailer {
  /** `smtp` with SMTP_URL; otherwise `.eml` files under `$DATA_DIR/mail`. */
  readonly kind: 'smtp' | 'files';
  /** Resolves once the server accepted the mail (or the file is written); rejects otherwise. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export interface MailerConfig {
  smtpUrl: string | undefined;
  dataDir: string;
  mailFrom: string;
  timeoutMs: number;
  /** SMTP connections kept open and used at once (the outbox's MAIL_CONCURRENCY); 1 when unset. */
  maxConnections?: number;
}

/** The domain of the sender's address: every Message-ID is `<…@domain>`. */
export function mailDomainOf(mailFrom: string): string {
  const match = mailFrom.match(/@([^\s@>]+)>?\s*$/);
  if (!match) throw new Error(`MAIL_FROM has no address: ${mailFrom}`);
  return match[1];
}

/** Headers every notification carries: an automatic mail, not to be answered by auto-responders. */
const automaticHeaders = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' };

/**
 * SMTP when SMTP_URL is set; otherwise (demo, embedded mode) each mail becomes an
 * `.eml` file under `$DATA_DIR/mail`, named after its Message-ID — so a retried mail
 * overwrites its own file instead of appearing twice.
 */
export function createMailer(config: MailerConfig): Mailer {
  const envelope = (mail: OutgoingMail) => ({
    from: config.mailFrom,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: mail.date,
    headers: automaticHeaders,
    signal: mail.signal,
  });

  if (config.smtpUrl) {
    // pooled: a connection is reused for the next mail (no new TCP and SMTP greeting per mail) and up
    // to maxConnections mails go out at once; a reused connection the server dropped meanwhile is
    // retried on another one by nodemailer (the message had not left)
    const transport = createTransport({
      url: config.smtpUrl,
      pool: true,
      maxConnections: Math.max(1, config.maxConnections ?? 1),
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs * 2,
    });
    return {
      kind: 'smtp',
      send: async (mail) => {
        await transport.sendMail(envelope(mail));
      },
      close: () => transport.close(),
    };
  }

  const dir = path.join(config.dataDir, 'mail');
  const transport = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    kind: 'files',
    send: async (mail) => {
      const info = await transport.sendMail(envelope(mail));
      await fs.mkdir(dir, { recursive: true });
      const name = mail.messageId
        .replace(/^<|>$/g, '')
        .split('@')[0]
        .replace(/[^\w.-]/g, '_');
      const file = path.join(dir, `${name}.eml`);
      // write then rename: a reader never sees half a mail
      await fs.writeFile(`${file}.tmp`, info.message as Buffer);
      await fs.rename(`${file}.tmp`, file);
    },
    close: () => transport.close(),
  };
}

import fs from 'node:fs/promises';
import path from 'node:path';
import type { SmsParams, SmsTemplate } from './sms-templates';

/** One SMS as the gateway receives it: `{to, text, template, params}` (README, "Configuration"). */
export interface OutgoingSms {
  to: string;
  text: string;
  template: SmsTemplate;
  params: SmsParams;
}

export interface SmsSender {
  /** `http` with SMS_URL; otherwise JSON files under `$DATA_DIR/sms`. */
  readonly kind: 'http' | 'files';
  /**
   * Resolves once the gateway answered 2xx (or the file is written); rejects otherwise. `outboxId`
   * names the file; the error never carries the number.
   */
  send(sms: OutgoingSms, outboxId: string, signal?: AbortSignal): Promise<void>;
}

export interface SmsSenderConfig {
  smsUrl: string | undefined;
  dataDir: string;
  timeoutMs: number;
}

/**
 * SMS_URL set: each message is POSTed to it as JSON `{to, text, template, params}`; any 2xx
 * answer is accepted, anything else (or no answer within the timeout) is a failed attempt,
 * retried with the outbox's backoff. Unset (demo, embedded mode): each message is one JSON
 * file `$DATA_DIR/sms/outbox-<id>.json` — a retried message overwrites its own file.
 */
export function createSmsSender(config: SmsSenderConfig): SmsSender {
  const { smsUrl } = config;
  if (smsUrl) {
    return {
      kind: 'http',
      send: async (sms, _outboxId, signal) => {
        const timeout = AbortSignal.timeout(config.timeoutMs);
        let answer: Response;
        try {
          answer = await fetch(smsUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify(sms),
            // a redirect would carry the number and the text to another host: not followed
            redirect: 'error',
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
        } catch (error) {
          // fetch's own message is "fetch failed"; the cause says why (ECONNREFUSED, a timeout)
          const cause = (error as { cause?: { code?: string; message?: string } }).cause;
          throw new Error(
            `SMS gateway unreachable: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
          );
        }
        await answer.body?.cancel();
        if (!answer.ok) throw new Error(`SMS gateway answered ${answer.status}`);
      },
    };
  }
  const dir = path.join(config.dataDir, 'sms');
  return {
    kind: 'files',
    send: async (sms, outboxId) => {
      // a message holds a phone number (and maybe a lookup code): readable by the app's user only
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const file = path.join(dir, `outbox-${outboxId.replace(/\D/g, '')}.json`);
      // write then rename: a reader never sees half a message
      await fs.writeFile(`${file}.tmp`, `${JSON.stringify(sms, null, 2)}\n`, { mode: 0o600 });
      await fs.rename(`${file}.tmp`, file);
    },
  };
}

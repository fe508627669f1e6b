import pino, { type Logger } from 'pino';
import { safeErrorSerializer } from './http/request-log';

export type { Logger };

/** pino JSON logs; readable lines when a person is watching a terminal. */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? Boolean(process.stdout.isTTY);
  return pino({
    level,
    base: undefined,
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'password'], censor: '[redacted]' },
    // an error logged anywhere is logged without what was sent (request-log.ts)
    serializers: { err: safeErrorSerializer },
    transport: pretty
      ? {
          target: 'pino-pretty',
          options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
        }
      : undefined,
  });
}

import { ConfigError, loadConfig } from '../../config/environment';
import { mailDomainOf } from '../../src/notifications/mailer';
import { retryDelayMs } from '../../src/notifications/outbox-dispatcher';

const server = {
  DATABASE_URL: 'postgres://app:pw@db.internal:5432/mediation',
  SESSION_SECRET: 'a-session-secret-that-is-long-enough-0123456789',
  DATA_KEY: '0'.repeat(64),
};

describe('mail settings', () => {
  it('when PUBLIC_URL and MAIL_FROM are unset, then links point at this host and port, and a default sender is used', () => {
    const config = loadConfig({ ...server, PORT: '8080' });
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(mailDomainOf(config.mailFrom)).toBe('grand-mediation.local');
  });

  it('when they are set, then they are used (a trailing slash dropped)', () => {
    const config = loadConfig({
      ...server,
      PUBLIC_URL: 'https://tiaojie.minhang.gov.cn/',
      MAIL_FROM: '"闵行区大调解" <tiaojie@minhang.gov.cn>',
    });
    expect(config.publicUrl).toBe('https://tiaojie.minhang.gov.cn');
    expect(mailDomainOf(config.mailFrom)).toBe('minhang.gov.cn');
  });

  it.each([
    [{ PUBLIC_URL: 'tiaojie.minhang.gov.cn' }, 'PUBLIC_URL'],
    [{ MAIL_FROM: 'no address here' }, 'MAIL_FROM'],
  ])('when %j is malformed, then the start stops naming it', (env, variable) => {
    expect(() => loadConfig({ ...server, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...server, ...env })).toThrow(new RegExp(`^${variable}: `));
  });

  it('a failed send is retried after exponentially growing waits, up to a ceiling', () => {
    const policy = { baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAttempts: 10 };
    expect([1, 2, 3, 4, 10].map((attempt) => retryDelayMs(policy, attempt))).toEqual([
      30_000, 60_000, 120_000, 240_000, 3_600_000,
    ]);
  });
});

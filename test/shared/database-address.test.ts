import { needsServerCheck, parseDatabaseAddress } from '../../src/shared/db/database-address';
import { HostLocator, NoSuitableServerError, type ServerState } from '../../src/shared/db/host-locator';

describe('a DATABASE_URL naming several servers (libpq multi-host, as pg_auto_failover writes it)', () => {
  it('lists the servers in order, with their ports, and writes a one-server URL pg can open for each', () => {
    const address = parseDatabaseAddress(
      'postgres://app:p%40ss@h1:5432,h2:5433,[::1]/mediation?target_session_attrs=read-write&sslmode=disable',
    );
    expect(address.hosts).toEqual([
      { host: 'h1', port: 5432 },
      { host: 'h2', port: 5433 },
      { host: '::1', port: 5432 },
    ]);
    expect(address.target).toBe('read-write');
    expect(address.urlFor({ host: 'h2', port: 5433 })).toBe(
      'postgres://app:p%40ss@h2:5433/mediation?sslmode=disable',
    );
    expect(address.urlFor({ host: '::1', port: 5432 })).toBe(
      'postgres://app:p%40ss@[::1]:5432/mediation?sslmode=disable',
    );
    expect(address.described).toBe('h1:5432, h2:5433, [::1]:5432');
  });

  it('reads a one-server URL as that server, of any kind', () => {
    const address = parseDatabaseAddress('postgresql://u@db.internal/mediation');
    expect(address.hosts).toEqual([{ host: 'db.internal', port: 5432 }]);
    expect(address.target).toBe('any');
    expect(address.urlFor(address.hosts[0] as never)).toBe('postgresql://u@db.internal:5432/mediation');
  });

  it('leaves a Unix-socket URL (no host, or ?host=) to pg, unchecked', () => {
    for (const url of ['postgres:///mediation?host=/var/run/postgresql', 'postgres://u@/mediation']) {
      const address = parseDatabaseAddress(url);
      expect(address.hosts).toEqual([]);
      expect(needsServerCheck(address)).toBe(false);
    }
  });

  it.each([
    ['mysql://u@h/db', /postgres:\/\//],
    ['postgres://u@h1:5432,/db', /not a host/],
    ['postgres://u@h1:0/db', /out of range/],
    ['postgres://u@h1/db?target_session_attrs=writable', /one of/],
  ])('refuses %s, saying why', (url, why) => {
    expect(() => parseDatabaseAddress(url)).toThrow(why);
  });
});

describe('choosing the server to connect to', () => {
  const primary: ServerState = { standby: false, readOnly: false };
  const standby: ServerState = { standby: true, readOnly: true };
  const address = parseDatabaseAddress('postgres://u@a:1,b:2,c:3/db?target_session_attrs=read-write');

  function locatorOver(states: Record<string, ServerState | Error>) {
    const asked: string[] = [];
    const locator = new HostLocator(address, async (host) => {
      asked.push(host.host);
      const state = states[host.host];
      if (state instanceof Error) throw state;
      return state as ServerState;
    });
    return { locator, asked };
  }

  it('takes the writable server wherever it is in the list, and keeps it without asking again', async () => {
    const { locator, asked } = locatorOver({ a: standby, b: new Error('ECONNREFUSED'), c: primary });
    await expect(locator.choose()).resolves.toEqual({ host: 'c', port: 3 });
    await expect(locator.choose()).resolves.toEqual({ host: 'c', port: 3 });
    expect(asked.sort()).toEqual(['a', 'b', 'c']);
  });

  it('asks every server again once the chosen one is given up (after a failover)', async () => {
    const states: Record<string, ServerState | Error> = { a: primary, b: standby, c: standby };
    const { locator } = locatorOver(states);
    const first = await locator.choose();
    expect(first.host).toBe('a');
    states.a = new Error('ECONNREFUSED');
    states.b = primary;
    locator.forget(first);
    await expect(locator.choose()).resolves.toMatchObject({ host: 'b' });
  });

  it('connections opening together share one round of asking', async () => {
    const { locator, asked } = locatorOver({ a: primary, b: standby, c: standby });
    await Promise.all([locator.choose(), locator.choose(), locator.choose()]);
    expect(asked).toHaveLength(3);
  });

  it('with no writable server (between a death and a promotion), fails with SQLSTATE 08001 naming each server', async () => {
    const { locator } = locatorOver({ a: new Error('connect ECONNREFUSED'), b: standby, c: standby });
    const failure = locator.choose();
    await expect(failure).rejects.toBeInstanceOf(NoSuitableServerError);
    await expect(failure).rejects.toMatchObject({ code: '08001' });
    await expect(failure).rejects.toThrow(
      /a:1: connect ECONNREFUSED.*b:2 is a standby|b:2 is a standby.*a:1/,
    );
  });

  it('prefer-standby takes a standby, or the primary when no standby answers', async () => {
    const preferring = parseDatabaseAddress('postgres://u@a:1,b:2/db?target_session_attrs=prefer-standby');
    const both = new HostLocator(preferring, async (host) => (host.host === 'a' ? primary : standby));
    await expect(both.choose()).resolves.toMatchObject({ host: 'b' });
    const onlyPrimary = new HostLocator(preferring, async (host) => {
      if (host.host === 'a') return primary;
      throw new Error('down');
    });
    await expect(onlyPrimary.choose()).resolves.toMatchObject({ host: 'a' });
  });

  it('a primary that froze and was failed over: its stalled connections (and its idle ones) are cut, and the new primary chosen; a primary merely slow keeps them', async () => {
    const states: Record<string, ServerState | Error> = { a: primary, b: standby, c: standby };
    const locator = new HostLocator(
      address,
      async (host) => {
        const state = states[host.host];
        if (state instanceof Error) throw state;
        return state as ServerState;
      },
      { stallMs: 20, intervalMs: 5 },
    );
    const a = await locator.choose();
    const cut: string[] = [];
    const connection = (name: string, waitingSince: number | undefined) => ({
      server: a,
      waitingSince: () => waitingSince,
      cut: () => cut.push(name),
    });
    const unwatch = [
      locator.watch(connection('stalled', Date.now() - 60_000)),
      locator.watch(connection('idle', undefined)),
    ];
    // slow, not moved: asked again, still the primary
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cut).toEqual([]);
    // frozen, and b promoted
    states.a = new Error('timeout');
    states.b = primary;
    for (let waited = 0; cut.length < 2 && waited < 2000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cut.sort()).toEqual(['idle', 'stalled']);
    await expect(locator.choose()).resolves.toMatchObject({ host: 'b' });
    for (const stop of unwatch) stop();
  });
});

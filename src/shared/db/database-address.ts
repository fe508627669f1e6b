/**
 * A DATABASE_URL that may name several servers, as libpq and pg_auto_failover's formation
 * URI write it: `postgres://user:pass@h1:5432,h2:5433/mediation?target_session_attrs=read-write`.
 * node-postgres (and the URL parser under it) takes one host only; this reads the list, and
 * writes a one-host URL for each server, which pg can open.
 */

/** One PostgreSQL server of the list. */
export interface DatabaseHost {
  host: string;
  port: number;
}

/** libpq's `target_session_attrs`: which kind of server a session must land on. */
export const targetSessionAttrs = [
  'any',
  'read-write',
  'primary',
  'read-only',
  'standby',
  'prefer-standby',
] as const;
export type TargetSessionAttrs = (typeof targetSessionAttrs)[number];

export interface DatabaseAddress {
  /** The servers, in the order written; none when pg is to find them (a Unix socket, `?host=`). */
  hosts: DatabaseHost[];
  /** Which kind of server to use (`any` when the URL does not say). */
  target: TargetSessionAttrs;
  /** The URL naming `host` alone, without `target_session_attrs`: what pg opens. */
  urlFor(host: DatabaseHost): string;
  /** `h1:5432, h2:5433`: the list in words, for messages and logs (no credentials). */
  described: string;
}

const defaultPort = 5432;

/** What a malformed address says; the configuration check shows it next to DATABASE_URL. */
export class DatabaseAddressError extends Error {}

/**
 * Reads a postgres:// URL with one or several `host[:port]` (an IPv6 address in brackets),
 * comma-separated. Throws DatabaseAddressError for a URL it cannot read.
 */
export function parseDatabaseAddress(url: string): DatabaseAddress {
  const match = /^(postgres(?:ql)?:\/\/)(?:([^@/?#]*)@)?([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url);
  if (!match) throw new DatabaseAddressError('must be a postgres:// or postgresql:// URL');
  const [, scheme, credentials, hostList, path, query = ''] = match as unknown as string[];
  const params = new URLSearchParams(query.slice(1));
  // a Unix socket (`postgres:///db?host=/var/run/postgresql`) or hosts given as a parameter: pg's own, untouched
  const hosts = hostList === '' || params.has('host') ? [] : (hostList ?? '').split(',').map(parseHost);
  const target = params.get('target_session_attrs') ?? 'any';
  if (!(targetSessionAttrs as readonly string[]).includes(target))
    throw new DatabaseAddressError(
      `target_session_attrs must be one of ${targetSessionAttrs.join(', ')} (it is "${target}")`,
    );
  params.delete('target_session_attrs');
  const rest = `${path ?? ''}${params.size > 0 ? `?${params.toString()}` : ''}`;
  const userinfo = credentials === undefined ? '' : `${credentials}@`;
  return {
    hosts,
    target: target as TargetSessionAttrs,
    urlFor: (host) => `${scheme}${userinfo}${formatHost(host)}${rest}`,
    described: hosts.map(formatHost).join(', '),
  };
}

function parseHost(text: string): DatabaseHost {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!match) throw new DatabaseAddressError(`"${text}" is not a host or host:port`);
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (port < 1 || port > 65535) throw new DatabaseAddressError(`port ${port} of "${text}" is out of range`);
  const host = match[1] as string;
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}

function formatHost({ host, port }: DatabaseHost): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Whether a connection must be checked for the kind of server it reached (several hosts, or a
 * target). Not for a URL whose servers pg finds itself (a Unix socket, `?host=`): it is opened as written.
 */
export function needsServerCheck(address: DatabaseAddress): boolean {
  return address.hosts.length > 0 && (address.hosts.length > 1 || address.target !== 'any');
}

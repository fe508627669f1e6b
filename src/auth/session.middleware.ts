import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { Pool } from 'pg';
import { defaults } from '../../config/defaults';
import type { Config } from '../../config/environment';

export const sessionCookieName = 'gm.sid';
export const sessionTimeouts = {
  idleMs: defaults.session.idleTimeoutMinutes * 60 * 1000,
  absoluteMs: defaults.session.absoluteTimeoutHours * 3600 * 1000,
};

/**
 * Browser sessions kept in PostgreSQL (connect-pg-simple, table user_sessions) on
 * the app's own pool. The cookie is HttpOnly, SameSite=Lax, Secure behind HTTPS,
 * and rolls with activity; the idle and absolute limits are enforced server-side too.
 */
export function sessionMiddleware(config: Config, pool: Pool) {
  const PgStore = connectPgSimple(session);
  return session({
    name: sessionCookieName,
    secret: config.sessionSecret,
    store: new PgStore({
      pool,
      tableName: 'user_sessions',
      createTableIfMissing: false,
      // expired rows are removed by the worker's `session-prune` job (SignInService.pruneExpiredSessions)
      pruneSessionInterval: false,
    }),
    resave: false,
    rolling: true,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: sessionTimeouts.idleMs },
  });
}

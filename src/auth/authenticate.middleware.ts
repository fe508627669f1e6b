import type { RequestHandler } from 'express';
import type { Clock } from '../shared/clock';
import type { ActorLoader } from './actor-loader';
import { isBearerRequest } from './csrf';
import { sessionTimeouts } from './session.middleware';

/**
 * Who is calling: a bearer token (systems) or the session cookie (people).
 * A session idle for more than 30 minutes, or older than 12 hours, or that last proved
 * a password the user has changed since, is ended here, whatever the cookie says.
 */
export function authenticate(deps: { actors: ActorLoader; clock: Clock }): RequestHandler {
  return async (req, res, next) => {
    if (isBearerRequest(req)) {
      const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '').trim();
      const actor = token ? await deps.actors.loadByToken(token) : null;
      if (actor) {
        req.actor = actor;
        req.authenticatedBy = 'bearer';
      }
      return next();
    }

    const userId = req.session?.userId;
    if (!userId) return next();
    const now = deps.clock.now().getTime();
    const idle = now - (req.session.lastSeenAt ?? 0) > sessionTimeouts.idleMs;
    const tooOld = now - (req.session.signedInAt ?? 0) > sessionTimeouts.absoluteMs;
    const loaded = idle || tooOld ? null : await deps.actors.load(userId);
    // the password changed since this session last proved it: signed out (the change
    // deletes the other sessions too; this also ends one a request in flight wrote back)
    const provedAt = req.session.passwordCheckedAt ?? req.session.signedInAt ?? 0;
    const actor = loaded && provedAt >= loaded.passwordChangedAt.getTime() ? loaded : null;
    if (!actor) {
      // a fresh anonymous session: the old one (and its CSRF binding) is gone
      await new Promise<void>((resolve, reject) =>
        req.session.regenerate((error) => (error ? reject(error) : resolve())),
      );
      res.locals.sessionEnded = true;
      return next();
    }
    req.session.lastSeenAt = now;
    req.actor = actor;
    req.authenticatedBy = 'session';
    next();
  };
}

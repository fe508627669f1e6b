import type { RequestHandler } from 'express';
import type { Clock } from '../shared/clock';
import type { ActorLoader } from './actor-loader';
import { isBearerRequest } from './csrf';
import { sessionTimeouts } from './session.middleware';

/**
 * Who is calling: a bearer token (systems) or the session cookie (people).
 * A session idle for more than 30 minutes, or older than 12 hours, is ended here,
 * whatever the cookie says.
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
    const actor = idle || tooOld ? null : await deps.actors.load(userId);
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

import { rateLimit } from 'express-rate-limit';
import { TooManyRequestsError } from '../shared/errors';

/**
 * Per-address throttling of the sign-in routes, on top of the per-account lockout:
 * generous enough for an office of mediators behind one NAT address at 8:30,
 * tight enough to stop password spraying across accounts.
 */
export const loginThrottleRule = { windowMinutes: 5, maxAttempts: 50 } as const;

export function loginThrottle() {
  return rateLimit({
    windowMs: loginThrottleRule.windowMinutes * 60 * 1000,
    limit: loginThrottleRule.maxAttempts,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new TooManyRequestsError('login_throttled', { minutes: loginThrottleRule.windowMinutes })),
  });
}

import type { Request } from 'express';
import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute, originOf } from '../access/route-table';
import type { AuditService } from '../audit/audit.service';
import { ValidationError } from '../shared/errors';
import { submitForm } from '../shared/http/forms';
import { parseOrThrow } from '../shared/http/validate';
import type { UserService } from '../users/user.service';
import type { ApiTokenService } from './api-token.service';
import {
  apiSignInSchema,
  changePasswordSchema,
  signInSchema,
  tokenResponseSchema,
  userViewSchema,
} from './auth.schemas';
import type { SignInService } from './sign-in.service';

export interface AuthRouteDeps {
  signIn: SignInService;
  tokens: ApiTokenService;
  users: UserService;
  audit: AuditService;
  clock: { now(): Date };
  /** The demo accounts the sign-in page lists (demo mode only; none otherwise). */
  demoAccounts: ReadonlyArray<{ username: string; role: string; displayName: string }>;
}

/** Rotates the session id at sign-in (no fixation) and records who signed in. */
function startSession(req: Request, userId: string, now: number): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((error) => {
      if (error) return reject(error);
      req.session.userId = userId;
      req.session.signedInAt = now;
      req.session.passwordCheckedAt = now;
      req.session.lastSeenAt = now;
      req.session.save((saveError) => (saveError ? reject(saveError) : resolve()));
    });
  });
}

/** Sign-in and sign-out for people (form) and systems (bearer token); one's own password. */
export function authRoutes(deps: AuthRouteDeps): RouteSpec[] {
  const loginViewModel = (req: Request) => ({
    title: req.t('auth.signIn'),
    demoAccounts:
      deps.demoAccounts.length > 0
        ? deps.demoAccounts.map((account) => ({ ...account, role: req.t(`roles.${account.role}`) }))
        : null,
    values: { returnTo: typeof req.query.returnTo === 'string' ? req.query.returnTo : undefined },
    sessionEnded: req.query.expired === '1',
  });

  return [
    {
      method: 'get',
      path: '/login',
      access: 'public',
      handler: (req, res) => {
        if (req.actor) return res.redirect(303, '/');
        res.render('auth/login', loginViewModel(req));
      },
    },
    {
      method: 'post',
      path: '/login',
      access: 'public',
      handler: async (req, res) => {
        let destination = '/';
        const ok = await submitForm(
          req,
          res,
          { view: 'auth/login', viewModel: () => loginViewModel(req) },
          async () => {
            const input = parseOrThrow(signInSchema, req.body);
            const user = await deps.signIn.signIn(input.username, input.password, originOf(req), 'web');
            await startSession(req, user.id, deps.clock.now().getTime());
            destination = user.mustChangePassword ? '/account/password' : (input.returnTo ?? '/');
          },
        );
        if (ok) res.redirect(303, destination);
      },
    },
    {
      method: 'post',
      path: '/logout',
      access: 'public',
      duringPasswordChange: true,
      handler: async (req, res) => {
        if (req.actor)
          await deps.audit.record(originOf(req), { action: 'auth.signed_out', details: { channel: 'web' } });
        await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
        res.redirect(303, '/login');
      },
    },
    {
      method: 'get',
      path: '/account/password',
      access: 'signedIn',
      duringPasswordChange: true,
      handler: (req, res) => {
        res.render('auth/change-password', {
          title: req.t('auth.changePassword'),
          mustChange: actorOf(req).mustChangePassword,
        });
      },
    },
    {
      method: 'post',
      path: '/account/password',
      access: 'signedIn',
      duringPasswordChange: true,
      handler: async (req, res) => {
        const actor = actorOf(req);
        const view = {
          view: 'auth/change-password',
          viewModel: () => ({ title: req.t('auth.changePassword'), mustChange: actor.mustChangePassword }),
        };
        const ok = await submitForm(req, res, view, async () => {
          const input = parseOrThrow(changePasswordSchema, req.body);
          if (input.newPassword !== input.confirmPassword) {
            throw new ValidationError([{ field: 'confirmPassword', message: 'validation.passwords_differ' }]);
          }
          await deps.users.changeOwnPassword(actor, {
            ip: req.ip ?? null,
            current: input.currentPassword,
            next: input.newPassword,
            keepSessionId: req.sessionID,
          });
        });
        if (ok) {
          // this session proved the new password: it stays (the user's others are over)
          req.session.passwordCheckedAt = deps.clock.now().getTime();
          req.session.flash = 'auth.passwordChanged';
          res.redirect(303, '/');
        }
      },
    },

    // systems
    apiRoute({
      method: 'post',
      path: '/api/v1/auth/login',
      access: 'public',
      api: {
        operationId: 'signIn',
        tag: 'auth',
        summary: 'Sign in; returns a bearer token',
        body: apiSignInSchema,
        response: tokenResponseSchema,
        errors: [401, 429],
      },
      handler: async (req, res) => {
        const input = req.input.body;
        const user = await deps.signIn.signIn(input.username, input.password, originOf(req), 'api');
        const { token, expiresAt } = await deps.tokens.issue(user.id);
        res.json({
          token,
          expiresAt: expiresAt.toISOString(),
          user: userViewSchema.parse(user),
        });
      },
    }),
    {
      method: 'post',
      path: '/api/v1/auth/logout',
      access: 'signedIn',
      duringPasswordChange: true,
      api: {
        operationId: 'signOut',
        tag: 'auth',
        summary: 'Revoke the bearer token used for this call',
        status: 204,
      },
      handler: async (req, res) => {
        const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '').trim();
        if (token) await deps.tokens.revoke(token, originOf(req));
        res.status(204).end();
      },
    },
    {
      method: 'get',
      path: '/api/v1/me',
      access: 'signedIn',
      duringPasswordChange: true,
      api: { operationId: 'getMe', tag: 'auth', summary: 'The signed-in user', response: userViewSchema },
      handler: (req, res) => {
        const actor = actorOf(req);
        res.json(userViewSchema.parse(actor));
      },
    },
  ];
}

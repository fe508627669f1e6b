import { z } from 'zod';
import type { RouteSpec } from '../access/route-table';
import { parseOrThrow } from '../shared/http/validate';
import { localeCookie, supportedLocales } from '../shared/i18n/i18n';

const oneYearMs = 365 * 24 * 3600 * 1000;

const chooseLocaleSchema = z.object({
  locale: z.enum(supportedLocales),
  // only same-site paths: never an open redirect
  returnTo: z
    .string()
    .regex(/^\/(?!\/)[^\s\\]*$/)
    .optional()
    .catch(undefined),
});

/** The language switch: a small form in the page header, working without JavaScript. */
export function localeRoutes(): RouteSpec[] {
  return [
    {
      method: 'post',
      path: '/locale',
      access: 'public',
      duringPasswordChange: true,
      handler: (req, res) => {
        const { locale, returnTo } = parseOrThrow(chooseLocaleSchema, req.body);
        res.cookie(localeCookie, locale, {
          maxAge: oneYearMs,
          httpOnly: true,
          sameSite: 'lax',
          secure: req.secure,
        });
        res.redirect(303, returnTo ?? '/');
      },
    },
  ];
}

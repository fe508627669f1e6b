import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** Security headers: a strict CSP (nothing from outside the app: it runs on an intranet). */
export const securityHeaderOptions: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
      'upgrade-insecure-requests': null,
    },
  },
  strictTransportSecurity: false,
};

/**
 * The headers helmet sets with these options, read once by running its middleware on a
 * recording response. None of them depends on the request (no nonce, no directive
 * computed per request), so they are the same on every answer: a test holds them equal
 * to helmet's own answer.
 */
export function helmetHeaders(options: HelmetOptions = securityHeaderOptions): Array<[string, string]> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers.set(name, String(value));
    },
    removeHeader: (name: string) => {
      headers.delete(name);
    },
  };
  let ran = false;
  helmet(options)({} as never, recorder as never, (error?: unknown) => {
    if (error) throw error;
    ran = true;
  });
  if (!ran) throw new Error('helmet did not finish synchronously: its headers cannot be computed once');
  return [...headers];
}

/**
 * helmet's headers computed once at start-up and set by one middleware: helmet itself runs
 * a dozen small middlewares per request (test/bench/README.md, "The request pipeline").
 */
export function securityHeaders(): RequestHandler {
  const headers = helmetHeaders();
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

import type { Request } from 'express';

/**
 * Whether this page was reached after a form too large to read (`?tooLarge=1`, set by the error
 * handler's redirect back to the form): every page's layout then says so (`pageLocals` in app.ts sets it for all pages,
 * issue 24). The intake and case pages say it in their own words, next to the form, and turn it off.
 */
export function tooLargeIn(req: Request): boolean {
  return req.query.tooLarge === '1';
}

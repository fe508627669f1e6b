import type { HelperOptions } from 'handlebars';

/**
 * The Handlebars helpers, all of them. Each returns a plain string, so Handlebars
 * escapes it; none produces HTML.
 */
export const viewHelpers = {
  /** {{t "key" name=value}}: translate in the request's language. */
  t(key: string, options: HelperOptions): string {
    const translate = options.data?.root?._t as ((key: string, params?: object) => string) | undefined;
    return translate ? translate(key, options.hash) : key;
  },
  eq(a: unknown, b: unknown): boolean {
    return a === b;
  },
  /** {{json value}} for data attributes; the result is escaped by Handlebars. */
  json(value: unknown): string {
    return JSON.stringify(value);
  },
};

/**
 * Defaults for every setting. The environment overrides them (see config/environment.ts
 * and .env.example); nothing else should hold a default.
 */
export const defaults = {
  port: 3000,
  dataDir: './var',
  logLevel: 'info',
  defaultLocale: 'zh-CN',
  /** Asia/Shanghai is the legal time zone for every date and period in this product. */
  timeZone: 'Asia/Shanghai',
  session: {
    idleTimeoutMinutes: 30,
    absoluteTimeoutHours: 12,
  },
  /** Name of the database the embedded PostgreSQL cluster serves the app from. */
  embeddedDatabaseName: 'mediation',
} as const;

export const supportedLocales = ['zh-CN', 'en'] as const;
export type Locale = (typeof supportedLocales)[number];

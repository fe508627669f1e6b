/** Names shared by the global setup (which creates them) and the workers (which clone them). */
export const testEnv = {
  adminUrl: 'GM_TEST_ADMIN_URL',
  templateDb: 'GM_TEST_TEMPLATE_DB',
  runId: 'GM_TEST_RUN_ID',
} as const;

/** Replaces the database name in a postgres URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

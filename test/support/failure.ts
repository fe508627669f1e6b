/** What a call fails with (the real error from pg, pg-pool or TypeORM); throws if it does not fail. */
export async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

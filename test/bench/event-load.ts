import { request, requestJson } from './load';

/** What sending `LOG_SESSION` events needs: the app, the mediator's token, each case's version as last seen. */
export interface EventLoadTarget {
  base: string;
  token: string;
  versions: Map<string, number>;
  /** Told of each event refused (the first few are logged by the caller). */
  onRefused(status: number, body: string): void;
}

/**
 * The benchmark's event: a mediation session logged on the client's own case (`ids[client]`),
 * with the version last seen; a refused event reads the case again for its version.
 */
export function logSession(target: EventLoadTarget, ids: string[]) {
  const { base, token, versions } = target;
  return async (client: number): Promise<boolean> => {
    const id = ids[client];
    const answer = await request(`${base}/api/v1/cases/${id}/events`, {
      method: 'POST',
      token,
      json: {
        type: 'LOG_SESSION',
        expectedVersion: versions.get(id),
        kind: 'session',
        heldAt: new Date().toISOString(),
        minutes: '双方当事人到场，调解员听取陈述并释法说理，约定下次调解时间。',
        place: '莘松居委人民调解室',
      },
    });
    if (answer.status === 200) {
      versions.set(id, (JSON.parse(answer.body) as { version: number }).version);
      return true;
    }
    target.onRefused(answer.status, answer.body);
    await refreshVersion(target, id);
    return false;
  };
}

/** Reads the case's version as the app has it now. */
export async function refreshVersion(
  target: Pick<EventLoadTarget, 'base' | 'token' | 'versions'>,
  id: string,
) {
  const body = await requestJson<{ version: number }>(`${target.base}/api/v1/cases/${id}`, {
    token: target.token,
  });
  target.versions.set(id, body.version);
}

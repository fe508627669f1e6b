import type { CaseEventRecord, PetitionEventRecord } from './workflow-event.entity';

/**
 * One link of a case's or a petition's chain as the API shows it (API.md `GET …/:id/events`):
 * what happened, who did it, the states before and after, and the two hashes that chain it.
 */
export function presentChainLink(event: CaseEventRecord | PetitionEventRecord) {
  return {
    seq: event.seq,
    type: event.type,
    actor: event.actorId ? { id: event.actorId, displayName: event.actorName } : null,
    unitId: event.unitId,
    at: event.at.toISOString(),
    payload: event.payload,
    fromState: event.fromState,
    toState: event.toState,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

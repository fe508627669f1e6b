import type { EntityManager } from 'typeorm';
import { genesisHash, hashEvent, verifyChain } from './event-chain';
import { CaseEventRecord, PetitionEventRecord } from './workflow-event.entity';

/** What a caller supplies for one entry of a case's or a petition's event log. */
export interface NewWorkflowEvent {
  type: string;
  actorId: string | null;
  actorName: string | null;
  unitId: string | null;
  at: Date;
  payload: Record<string, unknown>;
  fromState: string | null;
  toState: string;
}

const logs = {
  case: { entity: CaseEventRecord, owner: 'caseId' },
  petition: { entity: PetitionEventRecord, owner: 'petitionId' },
} as const;

type LogKind = keyof typeof logs;
type RecordOf<K extends LogKind> = K extends 'case' ? CaseEventRecord : PetitionEventRecord;

/**
 * Appends one event to the owner's hash chain. The caller must hold the owner's row
 * lock (the case or petition row), so that seq and prevHash cannot race.
 */
export async function appendToLog<K extends LogKind>(
  tx: EntityManager,
  kind: K,
  ownerId: string,
  event: NewWorkflowEvent,
): Promise<RecordOf<K>> {
  const { entity, owner } = logs[kind];
  const last = (await tx.findOne(entity as typeof CaseEventRecord, {
    where: { [owner]: ownerId } as object,
    order: { seq: 'DESC' },
  })) as RecordOf<K> | null;
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? genesisHash;
  const hash = hashEvent({ ...event, ownerId, seq, prevHash });
  const record = tx.create(entity as typeof CaseEventRecord, {
    ...event,
    [owner]: ownerId,
    seq,
    prevHash,
    hash,
  });
  return (await tx.save(record)) as unknown as RecordOf<K>;
}

export async function readLog<K extends LogKind>(
  tx: EntityManager,
  kind: K,
  ownerId: string,
): Promise<RecordOf<K>[]> {
  const { entity, owner } = logs[kind];
  return (await tx.find(entity as typeof CaseEventRecord, {
    where: { [owner]: ownerId } as object,
    order: { seq: 'ASC' },
  })) as unknown as RecordOf<K>[];
}

/** Verifies an owner's whole chain as stored, against the number of events the owner's row says it has. */
export async function verifyLog(
  tx: EntityManager,
  kind: LogKind,
  ownerId: string,
  expected: { events?: number } = {},
) {
  const events = await readLog(tx, kind, ownerId);
  return verifyChain(
    events.map((event) => ({ ...event, ownerId })),
    expected,
  );
}

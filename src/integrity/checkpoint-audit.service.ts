import { digestUpTo } from '../workflows/event-chain';
import type { LogKind } from '../workflows/event-log';
import type { CheckpointReplay, HeldHead } from './audit-checkpoint';
import type { ChainAuditRepository } from './chain-audit.repository';

/** Chains compared per snapshot. */
const pageSize = 500;

/** A chain whose history no longer is what a checkpoint signed. */
export interface CheckpointFinding {
  kind: LogKind;
  ownerId: string;
  /** The case's or petition's number, while its row exists. */
  number: string | null;
  /** `changed`: its events up to `seq` no longer hash to the signed head; `missing`: it is gone; `vanished`: a checkpoint itself recorded it gone. */
  problem: 'changed' | 'missing' | 'vanished';
  seq: number | null;
  checkpoint: number;
}

/**
 * The outside auditor's check (外部审计): the database compared with the heads a
 * replayed checkpoint file holds (`replayCheckpoints`, which checked every line with the
 * public key). It needs no secret: each chain's public digest up to the checkpointed
 * event is recomputed from the events as stored and compared with the signed one. Whoever
 * rewrote history before a checkpoint — even holding the key and recomputing every keyed
 * hash — cannot make it match, nor remove a checkpointed event or chain unnoticed.
 */
export class CheckpointAuditService {
  constructor(private readonly chains: ChainAuditRepository) {}

  async check(
    replay: CheckpointReplay,
    onFinding?: (finding: CheckpointFinding) => void,
  ): Promise<{ checked: number; findings: CheckpointFinding[] }> {
    const findings: CheckpointFinding[] = [];
    const report = (finding: CheckpointFinding) => {
      findings.push(finding);
      onFinding?.(finding);
    };
    for (const gone of replay.vanished) report({ ...gone, number: null, problem: 'vanished', seq: null });
    const heads = [...replay.heads.values()];
    for (const kind of ['case', 'petition'] as const) {
      const ofKind = heads.filter((head) => head.kind === kind);
      for (let from = 0; from < ofKind.length; from += pageSize) {
        const page = ofKind.slice(from, from + pageSize);
        const found = await this.chains.snapshot(async (tx) => {
          const ids = page.map((head) => head.ownerId);
          return {
            events: await this.chains.eventsOf(tx, kind, ids),
            numbers: await this.chains.numbersOf(tx, kind, ids),
          };
        });
        for (const head of page) {
          const problem = this.problemWith(head, found.events.get(head.ownerId) ?? []);
          if (problem)
            report({
              kind,
              ownerId: head.ownerId,
              number: found.numbers.get(head.ownerId) ?? null,
              problem: found.numbers.has(head.ownerId) ? problem : 'missing',
              seq: head.seq,
              checkpoint: head.checkpoint,
            });
        }
      }
    }
    return { checked: heads.length, findings };
  }

  private problemWith(
    head: HeldHead,
    events: Parameters<typeof digestUpTo>[0],
  ): 'changed' | 'missing' | null {
    if (events.length === 0) return 'missing';
    return digestUpTo(events, head.seq) === head.digest ? null : 'changed';
  }
}

import type { Tx } from '../shared/db/transactions';
import type { ChainVerification } from '../workflows/event-chain';
import type { EventLog, LogKind } from '../workflows/event-log';
import type { ChainAuditRepository, ChainOwner } from './chain-audit.repository';
import {
  type CaseRecords,
  caseRecordMismatches,
  petitionRecordMismatches,
  type RecordMismatch,
} from './mirrored-records';

const noCaseRecords: CaseRecords = { agreements: [], sessions: [], handOffs: [], attachments: [] };

/** Owners checked per snapshot. */
const pageSize = 500;

/** What an audit found wrong with one case or petition: its chain, its mirrored records, or both. */
export interface ChainFinding {
  kind: LogKind;
  id: string;
  number: string;
  /** Present when the chain does not verify with the key (`expected`: the events the row counts). */
  chain?: ChainVerification & { expected: number };
  mismatches: RecordMismatch[];
}

export interface ChainAuditResult {
  checked: Record<LogKind, number>;
  findings: ChainFinding[];
}

/**
 * The audit of the chains with the key (DOMAIN.md "The audit trail"): every case and
 * petition chain — or those held within a subtree, or the one numbered — checked
 * link by link with the chain key against the count of events its row keeps, and every
 * record mirrored from its events (agreements, sessions, hand-offs, attachments, visits,
 * the current state) compared with them. A page of owners at a time, each page in one
 * snapshot. What `npm run audit:verify` and the supervisors' check run.
 */
export class ChainAuditService {
  constructor(
    private readonly chains: ChainAuditRepository,
    private readonly log: EventLog,
  ) {}

  async audit(
    options: { scopePath?: string; number?: string; onFinding?: (finding: ChainFinding) => void } = {},
  ): Promise<ChainAuditResult> {
    const result: ChainAuditResult = { checked: { case: 0, petition: 0 }, findings: [] };
    const report = (finding: ChainFinding) => {
      result.findings.push(finding);
      options.onFinding?.(finding);
    };
    if (options.number !== undefined) {
      const number = options.number;
      const found = await this.chains.snapshot(async (tx) => {
        const owner = await this.chains.ownerByNumber(tx, number);
        return owner ? { owner, findings: await this.checkPage(tx, [owner]) } : null;
      });
      if (!found) return result;
      result.checked[found.owner.kind] = 1;
      found.findings.forEach(report);
      return result;
    }
    for (const kind of ['case', 'petition'] as const) {
      let after: string | null = null;
      for (;;) {
        const from: string | null = after;
        const page = await this.chains.snapshot(async (tx) => {
          const owners = await this.chains.ownersAfter(tx, kind, from, pageSize, options.scopePath);
          return { owners, findings: await this.checkPage(tx, owners) };
        });
        result.checked[kind] += page.owners.length;
        page.findings.forEach(report);
        if (page.owners.length < pageSize) break;
        after = page.owners[page.owners.length - 1].number;
      }
    }
    return result;
  }

  /** Whether a case or petition numbered so exists (for a usage error before an audit of one). */
  async exists(number: string): Promise<boolean> {
    return this.chains.snapshot(async (tx) => (await this.chains.ownerByNumber(tx, number)) !== null);
  }

  private async checkPage(tx: Tx, owners: ChainOwner[]): Promise<ChainFinding[]> {
    const findings: ChainFinding[] = [];
    for (const kind of ['case', 'petition'] as const) {
      const ofKind = owners.filter((owner) => owner.kind === kind);
      if (ofKind.length === 0) continue;
      const ids = ofKind.map((owner) => owner.id);
      const events = await this.chains.eventsOf(tx, kind, ids);
      const caseRecords = kind === 'case' ? await this.chains.caseRecordsOf(tx, ids) : null;
      const visits = kind === 'petition' ? await this.chains.visitsOf(tx, ids) : null;
      for (const owner of ofKind) {
        const chain = events.get(owner.id) ?? [];
        const expected = owner.version + 1;
        const verification = this.log.verify(owner.id, chain, { events: expected });
        const mismatches = caseRecords
          ? caseRecordMismatches(owner, chain, caseRecords.get(owner.id) ?? noCaseRecords)
          : petitionRecordMismatches(owner, chain, visits?.get(owner.id) ?? []);
        if (!verification.valid || mismatches.length > 0) {
          findings.push({
            kind,
            id: owner.id,
            number: owner.number,
            ...(verification.valid ? {} : { chain: { ...verification, expected } }),
            mismatches,
          });
        }
      }
    }
    return findings;
  }
}

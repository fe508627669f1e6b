import { defaults } from '../../config/defaults';
import type { Statement } from '../shared/db/transactions';
import type { ChainHead } from '../workflows/event-chain';
import type { CaseEventColumns } from './case-event-columns';
import { frozen } from './case-view-cache';

/**
 * A case as this process's last event on it left it: its locked read (`lockForWorkflowEventRead`,
 * as `rowOfJson` answers it, without the units, which come from the units kept), with the case's
 * columns, the chain's head and the planned appointments as the event left them; the row's
 * version in PostgreSQL (`xmin`, the id of the transaction that wrote it) and the digest of
 * what the read brought besides the row (`case_event_digest`).
 */
export interface KeptCase {
  read: Readonly<Record<string, unknown>>;
  planned?: readonly Record<string, unknown>[];
  xmin: string;
  digest: string;
  /** Kept until then (clock ms). */
  until: number;
}

/** How often the next event on a case was decided from memory, and how often that had to be read again. */
export interface KeptCaseCounts {
  /** Events decided from a kept case and sent in one message. */
  sentAlone: number;
  /** Events decided from a kept case whose message did not go or was refused: then read and sent as usual. */
  readAgain: number;
}

/** A value as PostgreSQL's `jsonb` gives it back: what a read of the column would answer. */
function asStoredJson<T>(value: T): T {
  return value === null || value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/**
 * The cases this process's events last left, so that the next event on one is decided without
 * reading it first and sent to PostgreSQL whole in one message (`Transactions.runInOneMessage`):
 * BEGIN, the guard, the event's writes, COMMIT — where reading first takes two. Issue 22
 * measured one round trip at ≈ 12 % of the events a second at 8 clients on this machine.
 *
 * Nothing kept is trusted: the message's guard (`case_event_guard`) locks the case and refuses
 * unless its row is the version kept (its `xmin`: any update of the case, by anyone, makes a new
 * one; and its `version` and the chain's last link), and nothing else the read brought changed
 * (`case_event_digest`: parties, linked petitions, the mediator's user row, deadline timers,
 * planned appointments). Refused, nothing is written and the event is read and decided again as
 * usual (`CaseWorkflowService`). A mediator who logs several sessions on a case, or acts on it again
 * within `maxAgeMs`, costs one round trip less each time; another process's event on the case only
 * makes the next one here read it again. An event whose transaction read or wrote anything besides
 * its one statement (a timer re-planned, a session marked held) is not kept: what its read found
 * has changed.
 *
 * At most `maxEntries` cases are kept (CASE_EVENT_KEEP_SIZE; 0: none); past that, the longest
 * unused goes first. A case is kept at most `maxAgeMs`: it holds what the case page shows of the
 * parties (their names and addresses, identity and phone numbers masked), not kept longer than it serves.
 */
export class CasesKeptForEvents {
  private readonly entries = new Map<string, KeptCase>();
  private readonly counted: KeptCaseCounts = { sentAlone: 0, readAgain: 0 };
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;

  constructor(
    options: { maxEntries?: number; maxAgeMs?: number } = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxEntries = options.maxEntries ?? defaults.caseEventKeepSize;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  }

  /** The kept case for an event that expects `expectedVersion` (undefined: none kept at that version). */
  take(caseId: string, expectedVersion?: number): KeptCase | undefined {
    const id = caseId.toLowerCase();
    const kept = this.entries.get(id);
    if (!kept) return undefined;
    if (kept.until <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    if (expectedVersion !== undefined && kept.read.version !== expectedVersion) return undefined;
    // the most recently used last: the first is the first to go
    this.entries.delete(id);
    this.entries.set(id, kept);
    return kept;
  }

  /**
   * Keeps case `caseId` as the event committed in transaction `xmin` left it: `read` is its
   * locked read (the event's, or the kept one it was decided from), `changes` the columns the
   * event wrote, `head` the link it appended. A case kept at a later version stays.
   */
  keep(
    caseId: string,
    from: { read: Record<string, unknown>; planned?: Record<string, unknown>[]; digest: string },
    after: { changes: CaseEventColumns; head: ChainHead; xmin: string },
  ): void {
    if (this.maxEntries <= 0) return;
    const id = caseId.toLowerCase();
    const { changes, head, xmin } = after;
    const there = this.entries.get(id);
    if (there && Number(there.read.version) > changes.version) return;
    // frozen: handed to every event on the case after this one
    const read = frozen({
      ...from.read,
      ...changes,
      snapshot: asStoredJson(changes.snapshot),
      deadline: asStoredJson(changes.deadline),
      chain_head: { seq: head.seq, hash: head.hash, digest: head.digest },
    });
    this.entries.delete(id);
    this.entries.set(id, {
      read,
      planned: from.planned && frozen(from.planned),
      xmin,
      digest: from.digest,
      until: this.now() + this.maxAgeMs,
    });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** The case changes otherwise than by a workflow event: the next event on it reads it. */
  forget(caseId: string): void {
    this.entries.delete(caseId.toLowerCase());
  }

  /** An event decided from `kept` went in one message. */
  sent(): void {
    this.counted.sentAlone++;
  }

  /**
   * An event decided from `kept` did not go, or its guard refused it: the case is no longer as
   * kept, and forgotten — unless a later event on it has kept it again meanwhile.
   */
  refused(caseId: string, kept: KeptCase): void {
    this.counted.readAgain++;
    const id = caseId.toLowerCase();
    if (this.entries.get(id) === kept) this.entries.delete(id);
  }

  /** How the events decided from kept cases went (the benchmark reports it). */
  get counts(): Readonly<KeptCaseCounts> {
    return this.counted;
  }

  /** The guard sent before an event decided from `kept`: it locks the case and refuses unless it is as kept. */
  static guard(caseId: string, kept: KeptCase): Statement {
    const head = kept.read.chain_head as { seq: number; hash: string };
    return {
      text: 'SELECT case_event_guard($1::uuid, $2::xid, $3::int, $4::int, $5::text, $6::text)',
      values: [caseId, kept.xmin, kept.read.version, head.seq, head.hash, kept.digest],
    };
  }
}

/** The answer of an event's writes (`CaseRepository.eventWrites`): the transaction's id, its rows' `xmin`. */
export const transactionIdAnswer = 'SELECT pg_current_xact_id()::xid::text AS xmin';

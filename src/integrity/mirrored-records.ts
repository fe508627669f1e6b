import type { CaseAttachment } from '../cases/attachment.entity';
import type { Agreement, MediationSession } from '../cases/mediation-record.entity';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Escalation } from '../escalations/escalation.entity';
import type { PetitionVisit } from '../petitions/petition.entity';

/**
 * Mirrored records (镜像记录): rows that copy what an event on a chain says — a
 * session's minutes, an agreement's terms, a hand-off, an attachment, a petition visit,
 * the owner's current state — so that pages and figures need not replay the chain. The
 * chain is the record; these functions say where a mirror no longer shows it (issue 17:
 * an agreement's amount edited in its table went unnoticed while the chain was intact).
 */

/** An event as the comparison reads it. */
export interface MirroredEvent {
  seq: number;
  type: string;
  actorId: string | null;
  at: Date;
  payload: Record<string, unknown>;
  toState: string;
}

export interface CaseRecords {
  agreements: Agreement[];
  sessions: MediationSession[];
  handOffs: Escalation[];
  attachments: CaseAttachment[];
}

export type MirroredRecordKind =
  | 'agreement'
  | 'session'
  | 'hand_off'
  | 'attachment'
  | 'visit'
  | 'case'
  | 'petition';

/** One way a mirror differs from its chain: a field that differs, a record with no event, an event with no record. */
export interface RecordMismatch {
  record: MirroredRecordKind;
  id: string | null;
  eventSeq: number | null;
  /** The field that differs, or `event` (no event records it) or `record` (the event's record is missing). */
  field: string;
}

type Comparable = string | number | boolean | null;

function comparable(value: unknown): Comparable {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** An instant given as text (an event's `heldAt`, `visitedAt`), as the database gives it back. */
function instant(value: unknown): Comparable {
  if (typeof value !== 'string') return comparable(value);
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? value : parsed.toISOString();
}

function differences(
  record: MirroredRecordKind,
  id: string,
  eventSeq: number | null,
  expected: Record<string, unknown>,
  stored: Record<string, unknown>,
): RecordMismatch[] {
  return Object.keys(expected)
    .filter((field) => comparable(expected[field]) !== comparable(stored[field]))
    .map((field) => ({ record, id, eventSeq, field }));
}

/** Compares records keyed by the event that made them; reports strays and missing ones too. */
function matchByEvent<T extends { id: string }>(
  record: MirroredRecordKind,
  rows: T[],
  keyOf: (row: T) => string | number,
  expected: Map<string | number, { seq: number; fields: Record<string, unknown> }>,
): RecordMismatch[] {
  const found: RecordMismatch[] = [];
  const seen = new Set<string | number>();
  for (const row of rows) {
    const key = keyOf(row);
    const wanted = expected.get(key);
    if (!wanted || seen.has(key)) {
      found.push({ record, id: row.id, eventSeq: typeof key === 'number' ? key : null, field: 'event' });
      continue;
    }
    seen.add(key);
    found.push(
      ...differences(record, row.id, wanted.seq, wanted.fields, row as unknown as Record<string, unknown>),
    );
  }
  for (const [key, wanted] of expected)
    if (!seen.has(key)) found.push({ record, id: null, eventSeq: wanted.seq, field: 'record' });
  return found;
}

/** What each agreement should say, from its REACH_AGREEMENT and the events that changed it since. */
function agreementsFromEvents(events: MirroredEvent[]) {
  const expected = new Map<number, { seq: number; fields: Record<string, unknown> }>();
  let active: Record<string, unknown> | null = null;
  for (const event of events) {
    const payload = event.payload;
    switch (event.type) {
      case 'REACH_AGREEMENT':
        if (active) active.status = 'superseded';
        active = {
          form: payload.form,
          terms: payload.terms,
          performBy: payload.performBy ?? null,
          confirmationWindowEndsOn: payload.confirmationWindowEndsOn ?? null,
          reachedOn: todayInShanghai(event.at),
          status: 'active',
          judiciallyConfirmed: false,
          rulingNo: null,
        };
        expected.set(event.seq, { seq: event.seq, fields: active });
        break;
      case 'CONFIRMED':
        if (active) {
          active.judiciallyConfirmed = true;
          active.rulingNo = payload.rulingNo ?? null;
        }
        break;
      case 'FULFILLED':
      case 'BREACHED':
        if (active) active.status = event.type === 'FULFILLED' ? 'fulfilled' : 'breached';
        active = null;
        break;
      case 'RESUME_MEDIATION':
      case 'CONFIRMATION_REJECTED':
        if (active) active.status = 'superseded';
        active = null;
        break;
    }
  }
  return expected;
}

function fromEventsOfType(
  events: MirroredEvent[],
  types: readonly string[],
  fieldsOf: (event: MirroredEvent) => Record<string, unknown>,
) {
  return new Map(
    events
      .filter((event) => types.includes(event.type))
      .map((event) => [event.seq, { seq: event.seq, fields: fieldsOf(event) }] as const),
  );
}

/** Where a case's mirrored records (and its state) differ from its chain. */
export function caseRecordMismatches(
  owner: { id: string; state: string },
  events: MirroredEvent[],
  records: CaseRecords,
): RecordMismatch[] {
  const sessions = fromEventsOfType(events, ['LOG_SESSION'], ({ payload, actorId }) => ({
    kind: payload.kind,
    heldAt: instant(payload.heldAt),
    place: payload.place ?? null,
    attendees: payload.attendees ?? null,
    minutes: payload.minutes,
    recordedBy: actorId,
  }));
  const handOffs = fromEventsOfType(events, ['ESCALATE', 'RETURN_DOWN', 'TRANSFER'], (event) => ({
    kind: event.type,
    toUnitId: event.payload.unitId,
    reasonCode: event.type === 'ESCALATE' ? event.payload.reasonCode : null,
    reason: event.type === 'RETURN_DOWN' ? event.payload.instructions : event.payload.reason,
    byUserId: event.actorId,
    createdAt: event.at,
  }));
  const attachments = new Map(
    events
      .filter((event) => event.type === 'ATTACHMENT_ADDED')
      .map((event) => [
        String(event.payload.attachmentId),
        {
          seq: event.seq,
          fields: {
            eventSeq: event.seq,
            fileName: event.payload.fileName,
            contentType: event.payload.contentType,
            sizeBytes: event.payload.sizeBytes,
            sha256: event.payload.sha256,
            description: event.payload.description ?? null,
            uploadedBy: event.actorId,
          },
        },
      ]),
  );
  const last = events.at(-1);
  return [
    ...(last && last.toState !== owner.state
      ? [{ record: 'case' as const, id: owner.id, eventSeq: last.seq, field: 'state' }]
      : []),
    ...matchByEvent('agreement', records.agreements, (row) => row.eventSeq, agreementsFromEvents(events)),
    ...matchByEvent('session', records.sessions, (row) => row.eventSeq, sessions),
    ...matchByEvent('hand_off', records.handOffs, (row) => row.eventSeq, handOffs),
    ...matchByEvent('attachment', records.attachments, (row) => row.id, attachments),
  ];
}

/** Where a petition's visits (and its state) differ from its chain. */
export function petitionRecordMismatches(
  owner: { id: string; state: string },
  events: MirroredEvent[],
  visits: PetitionVisit[],
): RecordMismatch[] {
  const expected = new Map(
    events
      .filter((event) => event.type === 'VISIT_LOGGED')
      .map(({ seq, payload, actorId }) => [
        String(payload.visitId),
        {
          seq,
          fields: {
            agentId: actorId,
            visitedAt: instant(payload.visitedAt),
            place: payload.place,
            metWith: payload.metWith,
            summary: payload.summary,
            demands: payload.demands ?? null,
            mood: payload.mood ?? null,
            risk: payload.risk ?? null,
            promises: payload.promises ?? null,
            nextVisitOn: payload.nextVisitOn ?? null,
          },
        },
      ]),
  );
  const last = events.at(-1);
  return [
    ...(last && last.toState !== owner.state
      ? [{ record: 'petition' as const, id: owner.id, eventSeq: last.seq, field: 'state' }]
      : []),
    ...matchByEvent('visit', visits, (row) => row.id, expected),
  ];
}

import { RuleViolationError } from '../../shared/errors';
import type { CaseEventRecord } from '../../workflows/workflow-event.entity';
import type { CaseFile } from '../case-file.service';

/**
 * Which of the procedure's documents a case has, and where each is printed: one list for the
 * case page's documents panel, the table of contents (卷内目录) and the routes that check a
 * document applies before printing it.
 */
export type CaseDocumentKind =
  | 'acceptance-notice'
  | 'refusal-notice'
  | 'session-record'
  | 'agreement'
  | 'follow-up-record';

/** The documents served on the parties, each with a proof of service (送达回证). */
export const servedDocuments = ['acceptance-notice', 'refusal-notice', 'agreement'] as const;
export type ServedDocument = (typeof servedDocuments)[number];

export interface CaseDocumentEntry {
  kind: CaseDocumentKind;
  /** The event the document records (a session, a follow-up), by its place in the case's chain. */
  seq?: number;
  /** When it was made: the moment its event was recorded (the order of the file). */
  at: Date | string;
  /** The day it speaks of: a session's or a follow-up's own time, the agreement's day. */
  dated: Date | string;
  url: string;
  /** Its proof of service, for a document served on the parties. */
  receiptUrl?: string;
}

function lastOf<T>(items: T[], matches: (item: T) => boolean): T | undefined {
  for (let index = items.length - 1; index >= 0; index--) if (matches(items[index])) return items[index];
  return undefined;
}

/** The last acceptance (ACCEPT): the acceptance notice prints it. */
export function acceptanceOf(file: CaseFile): CaseEventRecord | undefined {
  return lastOf(file.events, (event) => event.type === 'ACCEPT');
}

/**
 * The last refusal: a DECLINE, or a REFER_OUT before mediation began (referring a case out of
 * mediation once its period ran out, 劳动争议调解仲裁法 §14, ends a mediation, it refuses nothing).
 */
export function refusalOf(file: CaseFile): CaseEventRecord | undefined {
  return lastOf(
    file.events,
    (event) =>
      event.type === 'DECLINE' ||
      (event.type === 'REFER_OUT' && !(event.fromState ?? '').startsWith('mediation')),
  );
}

/** A logged session (LOG_SESSION) or follow-up (RECORD_FOLLOW_UP) by its seq. */
export function recordedEvent(file: CaseFile, type: string, seq: number): CaseEventRecord {
  const event = file.events.find((candidate) => candidate.seq === seq && candidate.type === type);
  if (!event) throw new RuleViolationError('no_document');
  return event;
}

/** Closing: the last event that brought the case to `closed`, if it is closed now. */
export function closingOf(file: CaseFile): CaseEventRecord | undefined {
  if (file.row.state !== 'closed') return undefined;
  return lastOf(file.events, (event) => event.toState === 'closed');
}

function base(file: CaseFile): string {
  return `/cases/${file.row.id}/documents`;
}

export function receiptUrl(file: CaseFile, document: ServedDocument): string {
  return `${base(file)}/service-receipt/${document}`;
}

/** Every document the case has, in the order the procedure made them. */
export function caseDocumentsOf(file: CaseFile): CaseDocumentEntry[] {
  const entries: CaseDocumentEntry[] = [];
  const refusal = refusalOf(file);
  const acceptance = acceptanceOf(file);
  if (acceptance) {
    entries.push({
      kind: 'acceptance-notice',
      at: acceptance.at,
      dated: acceptance.at,
      url: `${base(file)}/acceptance-notice`,
      receiptUrl: receiptUrl(file, 'acceptance-notice'),
    });
  }
  if (refusal) {
    entries.push({
      kind: 'refusal-notice',
      at: refusal.at,
      dated: refusal.at,
      url: `${base(file)}/refusal-notice`,
      receiptUrl: receiptUrl(file, 'refusal-notice'),
    });
  }
  for (const event of file.events) {
    if (event.type === 'LOG_SESSION') {
      entries.push({
        kind: 'session-record',
        seq: event.seq,
        at: event.at,
        dated: momentIn(event.payload.heldAt) ?? event.at,
        url: `${base(file)}/sessions/${event.seq}`,
      });
    }
    if (event.type === 'RECORD_FOLLOW_UP') {
      entries.push({
        kind: 'follow-up-record',
        seq: event.seq,
        at: event.at,
        dated: momentIn(event.payload.visitedAt) ?? event.at,
        url: `${base(file)}/follow-ups/${event.seq}`,
      });
    }
  }
  if (file.agreement) {
    entries.push({
      kind: 'agreement',
      at: lastOf(file.events, (event) => event.type === 'REACH_AGREEMENT')?.at ?? file.agreement.reachedOn,
      dated: file.agreement.reachedOn,
      url: `/cases/${file.row.id}/agreement`,
      receiptUrl: receiptUrl(file, 'agreement'),
    });
  }
  return entries.sort((a, b) => momentOf(a.at) - momentOf(b.at));
}

function momentIn(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? null : moment;
}

/** A moment or a plain day (taken as its start in Shanghai) as milliseconds, for ordering. */
export function momentOf(at: Date | string): number {
  return at instanceof Date ? at.getTime() : new Date(`${at}T00:00:00+08:00`).getTime();
}

/** Whether a served document exists on this case (else there is no receipt to print: 422, as the agreement). */
export function checkServed(file: CaseFile, document: ServedDocument): void {
  const present =
    document === 'agreement'
      ? file.agreement !== null
      : document === 'acceptance-notice'
        ? acceptanceOf(file) !== undefined
        : refusalOf(file) !== undefined;
  if (!present) throw new RuleViolationError('no_document');
}

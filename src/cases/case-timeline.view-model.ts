import { listSeparator, withNote } from '../shared/i18n/bilingual';
import { unitName } from '../units/unit.presenter';
import {
  type TimelineContext,
  type TimelineEntry,
  type TimelineLine,
  timelineLines,
} from '../workflows/case-events/case-event-declaration';
import { caseEventDeclaration } from '../workflows/case-events/case-events';
import type { CaseEventRecord } from '../workflows/workflow-event.entity';
import { timelineEntryHead } from '../workflows/workflow-event.presenter';
import { attachmentView } from './attachment.view-model';
import { eventLabel, stateLabel, type ViewContext } from './case.view-model';
import type { CaseFile } from './case-file.service';

/**
 * The case page's timeline: every event and recorded action, newest first, with the facts
 * its declaration names (src/workflows/case-events/); "important" keeps state changes and
 * hand-offs.
 */

const importantEvents = new Set([
  'REGISTERED',
  'IMPORTED',
  'REACH_AGREEMENT',
  'ESCALATE',
  'RETURN_DOWN',
  'TRANSFER',
]);

const lines = timelineLines<string>();

/** What the timeline shows of the recorded actions that are not workflow events. */
const recordedActionLines: Record<string, TimelineEntry[]> = {
  REGISTERED: [
    lines.fact('cases.type', 'type', { list: 'disputeTypes' }),
    lines.fact('cases.source', 'source', { list: 'sources' }),
    lines.factOf('casePage.parties', ['parties'], ({ parties }, { t, locale }) =>
      Array.isArray(parties)
        ? (parties as Array<{ name: string; role: string }>)
            .map((party) => withNote(locale, party.name, t(`partyRoles.${party.role}`)))
            .join(listSeparator(locale))
        : undefined,
    ),
  ],
  ATTACHMENT_ADDED: [lines.note('attachments.description', 'description')],
  GROUP_LINKED: [lines.fact('groups.masterCase', 'masterNumber')],
  GROUP_UNLINKED: [lines.fact('groups.masterCase', 'masterNumber')],
};
/** Anything else (an import, a clock's note): its reason and note, if it has them. */
const otherLines = [lines.note('actionForms.reason', 'reason'), lines.note('actionForms.note', 'note')];

/** Payload fields as the timeline names them, and how their values read. */
function timelineDetails(
  event: CaseEventRecord,
  file: Pick<CaseFile, 'units' | 'users'>,
  { t, locale }: ViewContext,
): { facts: TimelineLine[]; notes: TimelineLine[] } {
  const context: TimelineContext = {
    t,
    locale,
    unitText: (id) => {
      const unit = typeof id === 'string' ? file.units.get(id) : undefined;
      return unit ? unitName(unit, locale) : String(id ?? '');
    },
    userName: (id) => (typeof id === 'string' ? file.users.get(id)?.displayName : undefined),
  };
  const entries = caseEventDeclaration(event.type)?.timeline ?? recordedActionLines[event.type] ?? otherLines;
  const facts: TimelineLine[] = [];
  const notes: TimelineLine[] = [];
  for (const entry of entries) {
    const text = entry.read(event.payload, context);
    if (entry.as === 'fact' && text) facts.push({ label: t(entry.label), text });
    if (entry.as === 'note' && text !== undefined && text.trim() !== '')
      notes.push({ label: t(entry.label), text });
  }
  return { facts, notes };
}

export function timelineView(file: CaseFile, filter: 'all' | 'important', context: ViewContext) {
  const { t, locale } = context;
  const attachments = new Map(file.attachments.map((attachment) => [attachment.id, attachment]));
  const entries = file.events
    .map((event) => {
      const important = importantEvents.has(event.type) || event.fromState !== event.toState;
      const attachment =
        event.type === 'ATTACHMENT_ADDED' && typeof event.payload.attachmentId === 'string'
          ? attachments.get(event.payload.attachmentId)
          : undefined;
      return {
        ...timelineEntryHead(event, {
          label: eventLabel(t, event.type),
          units: file.units,
          locale,
          fromTo: (from, to) => t('casePage.fromTo', { from: stateLabel(t, from), to: stateLabel(t, to) }),
        }),
        important,
        ...timelineDetails(event, file, context),
        attachment: attachment ? attachmentView(file.row.id, attachment) : null,
      };
    })
    .reverse();
  return {
    filter,
    important: filter === 'important',
    entries: filter === 'important' ? entries.filter((entry) => entry.important) : entries,
    allUrl: `/cases/${file.row.id}#timeline`,
    importantUrl: `/cases/${file.row.id}?timeline=important#timeline`,
  };
}

import type { TFunction } from 'i18next';
import { formatPlainDate } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import type { Unit } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
import type { PetitionEventRecord } from '../workflows/workflow-event.entity';
import { timelineEntryHead } from '../workflows/workflow-event.presenter';

/**
 * The petition page's timeline, as the case page has one (src/cases/case-timeline.view-model.ts):
 * every event of the petition's chain, newest first — the decisions, the opinions and when they
 * reached the petitioner, the requests for 复查/复核 and the units they went to, the hearing,
 * the agent's visits — with the facts each one records, in the reader's language.
 */

type FactKind = 'text' | 'date' | 'unit' | 'category' | 'list' | 'number';

/** A payload field the timeline shows: its key, the label's key under `petitions.timelineFacts`, how it reads. */
type Fact = [field: string, label: string, kind: FactKind];

const opinionFacts: Fact[] = [['deliveredOn', 'deliveredOn', 'date']];

/** Facts (short, in a list) per event type; `opinion`, `reason`, `note`, `summary` are shown as notes. */
const factsByType: Record<string, Fact[]> = {
  REGISTERED: [
    ['category', 'category', 'category'],
    ['receivedOn', 'receivedOn', 'date'],
    ['petitioners', 'petitioners', 'list'],
    ['earlierFinal', 'earlierFinal', 'list'],
  ],
  FORWARD: [['toUnitId', 'toUnit', 'unit']],
  EXTEND: [['days', 'days', 'number']],
  REPLY: opinionFacts,
  REVIEW_DECIDED: opinionFacts,
  RECORD_DELIVERY: opinionFacts,
  REQUEST_REVIEW: [
    ['requestedOn', 'requestedOn', 'date'],
    ['reviewUnitId', 'reviewUnit', 'unit'],
  ],
  REQUEST_RECHECK: [
    ['requestedOn', 'requestedOn', 'date'],
    ['recheckUnitId', 'recheckUnit', 'unit'],
  ],
  VISIT_LOGGED: [
    ['place', 'place', 'text'],
    ['metWith', 'metWith', 'text'],
  ],
};

const noteFields: Array<[field: string, label: string]> = [
  ['opinion', 'opinion'],
  ['summary', 'summary'],
  ['demands', 'demands'],
  ['reason', 'reason'],
  ['note', 'note'],
];

interface TimelineContext {
  t: TFunction;
  locale: Locale;
  units: Map<string, Unit>;
}

function factText(value: unknown, kind: FactKind, { t, locale, units }: TimelineContext): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  switch (kind) {
    case 'date':
      return typeof value === 'string' ? formatPlainDate(value, locale) : undefined;
    case 'unit': {
      const unit = typeof value === 'string' ? units.get(value) : undefined;
      return unit ? unitName(unit, locale) : String(value);
    }
    case 'category':
      // events recorded before the contract's name (`proposal`) say `suggestion`; the chain keeps them as written
      return t(`petitions.categories.${value === 'suggestion' ? 'proposal' : String(value)}`);
    case 'list':
      return Array.isArray(value) && value.length > 0 ? value.map(String).join(t('punct.comma')) : undefined;
    default:
      return String(value);
  }
}

export function petitionTimelineView(events: PetitionEventRecord[], context: TimelineContext) {
  const { t, locale, units } = context;
  const stateLabel = (state: string) => t(`petitions.states.${state}`, { defaultValue: state });
  return events
    .map((event) => {
      const facts = (factsByType[event.type] ?? []).flatMap(([field, label, kind]) => {
        const text = factText(event.payload[field], kind, context);
        return text ? [{ label: t(`petitions.timelineFacts.${label}`), text }] : [];
      });
      const notes = noteFields.flatMap(([field, label]) => {
        const value = event.payload[field];
        // SUSPEND's reason is the hearing itself: its label says so
        if (
          typeof value !== 'string' ||
          value.trim() === '' ||
          (event.type === 'SUSPEND' && field === 'reason')
        )
          return [];
        return [{ label: t(`petitions.timelineFacts.${label}`), text: value }];
      });
      return {
        ...timelineEntryHead(event, {
          label: t(`petitions.events.${event.type}`, { defaultValue: event.type }),
          units,
          locale,
          fromTo: (from, to) => t('petitions.fromTo', { from: stateLabel(from), to: stateLabel(to) }),
        }),
        facts,
        notes,
      };
    })
    .reverse();
}

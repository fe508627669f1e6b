import { formatMoment } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import type { Unit } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
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

/**
 * The head of one entry of a page's timeline (the case's, the petition's): what happened, when,
 * by whom, at which unit, and the move it made — in the reader's language. `fromTo` words the
 * move ("受理中 → 已答复"), `label` the event.
 */
export function timelineEntryHead(
  event: CaseEventRecord | PetitionEventRecord,
  view: {
    label: string;
    units: Map<string, Unit>;
    locale: Locale;
    fromTo: (from: string, to: string) => string;
  },
) {
  const unit = event.unitId ? view.units.get(event.unitId) : undefined;
  return {
    seq: event.seq,
    type: event.type,
    label: view.label,
    at: formatMoment(event.at, view.locale),
    iso: event.at.toISOString(),
    actor: event.actorName ?? '',
    unit: unit ? unitName(unit, view.locale) : '',
    transition:
      event.fromState && event.fromState !== event.toState
        ? view.fromTo(event.fromState, event.toState)
        : null,
  };
}

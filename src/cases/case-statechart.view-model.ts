import { listSeparator } from '../shared/i18n/bilingual';
import { caseMachine } from '../workflows/case.machine';
import { type PathStep, renderStatechartSvg } from '../workflows/statechart-svg';
import { eventLabel, stateLabel, type ViewContext } from './case.view-model';
import type { CaseFile } from './case-file.service';

/** The steps that moved the case from one state to another, oldest first (a session or a note stays put). */
export function pathOf(events: CaseFile['events']): PathStep[] {
  return [...events]
    .sort((a, b) => a.seq - b.seq)
    .filter((event) => event.fromState !== null && event.fromState !== event.toState)
    .map((event) => ({ event: event.type, from: event.fromState as string, to: event.toState }));
}

/**
 * The statechart picture: the current state highlighted, the steps this user may take marked, the
 * way the case came drawn and numbered; and that way again as a list (the picture's text alternative).
 */
export function statechartView(file: CaseFile, { t, locale }: ViewContext) {
  const path = pathOf(file.events);
  const nextEvents = [...new Set(file.allowedEvents)].map((type) => eventLabel(t, type));
  const steps = path.map((step, index) => ({
    number: index + 1,
    text: t('statechartPath.step', {
      event: eventLabel(t, step.event),
      from: stateLabel(t, step.from),
      to: stateLabel(t, step.to),
    }),
  }));
  const now = t('casePage.statechartNow', { state: stateLabel(t, file.row.state) });
  const next =
    nextEvents.length > 0
      ? t('casePage.statechartNext', { events: nextEvents.join(listSeparator(locale)) })
      : t('casePage.statechartNone');
  const way =
    steps.length > 0
      ? t('statechartPath.summary', {
          steps: steps.map((step) => `${step.number}. ${step.text}`).join(listSeparator(locale)),
        })
      : t('statechartPath.none');
  const svg = renderStatechartSvg(caseMachine, {
    current: file.row.state,
    allowedEvents: file.allowedEvents,
    stateLabel: (state) => stateLabel(t, state),
    eventLabel: (type) => eventLabel(t, type),
    title: t('casePage.statechartTitle'),
    description: `${now} ${next} ${way}`,
    path,
  });
  return { svg, steps, start: t('statechartPath.start', { state: stateLabel(t, 'registered') }) };
}

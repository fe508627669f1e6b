import { countedDaysOf, dueDate } from '../deadlines/period';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import type { PetitionDeadline, PetitionRules } from '../workflows/rules/petition-rules.types';
import type { PetitionDueDate, PetitionDueDates } from './petition.entity';

/**
 * The petition's clocks, from the rules table (信访工作条例 §22/§23, §34, §35, §36):
 * each starts on the day of its event and ends per 民事诉讼法 §85 counting.
 */
export function startPetitionClock(
  clock: PetitionDeadline,
  startedOn: string,
  calendar: WorkingCalendar,
  extraDays = 0,
): PetitionDueDate {
  const days = countedDaysOf(clock, startedOn) + extraDays;
  return {
    due: dueDate(startedOn, days, clock.basis, calendar),
    days,
    source: clock.source,
    startedOn,
  };
}

/** Which clock binds the holding unit in each state (the petitioner's own windows never make it overdue). */
const bindingClock: Record<string, keyof PetitionDueDates | undefined> = {
  registered: 'decision',
  'accepted.handling': 'conclusion',
  'accepted.review': 'reviewDecision',
  'accepted.recheck': 'recheckDecision',
};

export function currentPetitionClock(state: string, dueDates: PetitionDueDates): PetitionDueDate | null {
  const key = bindingClock[state];
  return key ? (dueDates[key] ?? null) : null;
}

export function isPetitionOverdue(state: string, dueDates: PetitionDueDates, today: string): boolean {
  const clock = currentPetitionClock(state, dueDates);
  return clock ? clock.due < today : false;
}

/** The clocks after an event: the ones it starts or moves. */
export function clocksAfter(
  eventType: string,
  dueDates: PetitionDueDates,
  rules: PetitionRules,
  today: string,
  calendar: WorkingCalendar,
  payload: { days?: number; requestedOn?: string },
): PetitionDueDates {
  switch (eventType) {
    case 'ACCEPT':
      return { ...dueDates, conclusion: startPetitionClock(rules.conclude, today, calendar) };
    case 'EXTEND': {
      const started = dueDates.conclusion?.startedOn ?? today;
      return {
        ...dueDates,
        conclusion: {
          ...startPetitionClock(rules.conclude, started, calendar, payload.days ?? 0),
          extendedBy: payload.days,
        },
      };
    }
    case 'REPLY':
      return { ...dueDates, reviewRequest: startPetitionClock(rules.reviewRequestWindow, today, calendar) };
    case 'REQUEST_REVIEW':
      return {
        ...dueDates,
        reviewDecision: startPetitionClock(rules.reviewDecision, payload.requestedOn ?? today, calendar),
      };
    case 'REVIEW_DECIDED':
      return { ...dueDates, recheckRequest: startPetitionClock(rules.recheckRequestWindow, today, calendar) };
    case 'REQUEST_RECHECK':
      return {
        ...dueDates,
        recheckDecision: startPetitionClock(rules.recheckDecision, payload.requestedOn ?? today, calendar),
      };
    default:
      return dueDates;
  }
}

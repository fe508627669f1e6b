import { type Pause, readClock } from '../deadlines/clock';
import { countedDaysOf, dueDate } from '../deadlines/period';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import type {
  PetitionCategory,
  PetitionDeadline,
  PetitionRules,
} from '../workflows/rules/petition-rules.types';
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
  // while the hearing is held its days are not counted (§36): the petition cannot run late
};

export function currentPetitionClock(state: string, dueDates: PetitionDueDates): PetitionDueDate | null {
  const key = bindingClock[state];
  return key ? (dueDates[key] ?? null) : null;
}

export function isPetitionOverdue(state: string, dueDates: PetitionDueDates, today: string): boolean {
  const clock = currentPetitionClock(state, dueDates);
  return clock ? clock.due < today : false;
}

/** What an event brings that moves a clock: dates the service has checked. */
export interface ClockPayload {
  days?: number;
  requestedOn?: string;
  deliveredOn?: string;
  /** RECORD_DELIVERY: which window the delivery opens (the reply's or the review's). */
  window?: 'reviewRequest' | 'recheckRequest';
  category?: PetitionCategory;
}

/** The recheck's decision clock with its hearing stopped (SUSPEND) or running again (RESUME), §36. */
function withHearing(
  clock: PetitionDueDate,
  event: 'SUSPEND' | 'RESUME',
  today: string,
  calendar: WorkingCalendar,
) {
  const pauses: Pause[] = [...(clock.pauses ?? [])];
  if (event === 'SUSPEND') pauses.push({ from: today });
  else pauses[pauses.length - 1] = { from: pauses[pauses.length - 1].from, to: today };
  const reading = readClock(
    { startedOn: clock.startedOn, days: clock.days, basis: 'calendar', pauses },
    today,
    calendar,
  );
  return { ...clock, due: reading.due, pauses };
}

/** §34, §35: only a claim's opinion may be reviewed and rechecked, so only a claim's opens a window. */
function reviewable(rules: PetitionRules, payload: ClockPayload): boolean {
  return rules.reviewApplies.categories.includes(payload.category ?? 'claim');
}

/** The clocks after an event: the ones it starts or moves. */
export function clocksAfter(
  eventType: string,
  dueDates: PetitionDueDates,
  rules: PetitionRules,
  today: string,
  calendar: WorkingCalendar,
  payload: ClockPayload,
): PetitionDueDates {
  switch (eventType) {
    case 'ACCEPT':
      // §34's 60 days bind claims only; proposals and complaints follow their own routes (§32, §33)
      return rules.concludeApplies.categories.includes(payload.category ?? 'claim')
        ? { ...dueDates, conclusion: startPetitionClock(rules.conclude, today, calendar) }
        : dueDates;
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
      // §35: the 30 days run from the day the written reply reached the petitioner; a claim's only
      if (!reviewable(rules, payload)) return dueDates;
      return {
        ...dueDates,
        reviewRequest: startPetitionClock(rules.reviewRequestWindow, payload.deliveredOn ?? today, calendar),
      };
    case 'RECORD_DELIVERY': {
      const window = payload.window ?? 'reviewRequest';
      const rule = window === 'reviewRequest' ? rules.reviewRequestWindow : rules.recheckRequestWindow;
      return { ...dueDates, [window]: startPetitionClock(rule, payload.deliveredOn ?? today, calendar) };
    }
    case 'REQUEST_REVIEW':
      // §35 "自收到复查请求之日起": the body's days run from receiving the request (today, when it is
      // recorded), not from its posting day `requestedOn`, which only decides whether it was in time
      return { ...dueDates, reviewDecision: startPetitionClock(rules.reviewDecision, today, calendar) };
    case 'REVIEW_DECIDED':
      if (!reviewable(rules, payload)) return dueDates;
      return {
        ...dueDates,
        recheckRequest: startPetitionClock(
          rules.recheckRequestWindow,
          payload.deliveredOn ?? today,
          calendar,
        ),
      };
    case 'REQUEST_RECHECK':
      // §36 "自收到复核请求之日起", likewise
      return { ...dueDates, recheckDecision: startPetitionClock(rules.recheckDecision, today, calendar) };
    case 'SUSPEND':
    case 'RESUME':
      return dueDates.recheckDecision
        ? { ...dueDates, recheckDecision: withHearing(dueDates.recheckDecision, eventType, today, calendar) }
        : dueDates;
    default:
      return dueDates;
  }
}

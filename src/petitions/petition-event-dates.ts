import type { WorkingCalendar } from '../deadlines/working-calendar';
import { RuleViolationError } from '../shared/errors';
import type { PetitionEvent } from '../workflows/petition.machine';
import type { PetitionRules } from '../workflows/rules/petition-rules.types';
import type { Petition, PetitionDueDates } from './petition.entity';
import type { PetitionEventInput } from './petition.schemas';
import { type ClockPayload, clocksAfter } from './petition-clocks';

/**
 * The dates a petition event states, checked against the petition and today before the
 * statechart sees them (信访工作条例 §34, §35, §36; 民事诉讼法 §85 counting). Each refusal is
 * a 422 naming the field and why, and nothing is written.
 */

function refuse(field: string, message: string, params?: Record<string, unknown>): never {
  throw new RuleViolationError('validation_failed', [{ field, message, ...(params ? { params } : {}) }]);
}

/**
 * REPLY / REVIEW_DECIDED: the day the written opinion reached the petitioner, by default the
 * day it is given; never before it, never in the future (today is both here).
 */
export function deliveredOnOfOpinion(deliveredOn: string | undefined, today: string): string {
  const day = deliveredOn ?? today;
  if (day > today) refuse('deliveredOn', 'validation.date_in_future');
  if (day < today) refuse('deliveredOn', 'petitions.validation.delivered_before_opinion', { given: today });
  return day;
}

/**
 * RECORD_DELIVERY: a later delivery of the opinion (by post), on or after the day it was given;
 * recorded once per opinion, and only while the window it moves is open: an expired §35/§36
 * window is not opened again by a delivery dated later.
 */
export function checkLaterDelivery(row: Petition, deliveredOn: string, today: string): void {
  if (deliveredOn > today) refuse('deliveredOn', 'validation.date_in_future');
  const context = row.snapshot.context;
  const given = context.opinionGivenOn;
  if (given && deliveredOn < given)
    refuse('deliveredOn', 'petitions.validation.delivered_before_opinion', { given });
  if (row.state !== 'accepted.replied' && row.state !== 'accepted.reviewed') return; // the statechart refuses it
  if (context.deliveryRecorded)
    refuse('deliveredOn', 'petitions.validation.delivery_already_recorded', {
      deliveredOn: context.deliveredOn,
    });
  const window = row.dueDates[deliveryWindowOf(row)];
  if (window && window.due < today)
    refuse('deliveredOn', 'petitions.validation.delivery_after_window', {
      due: window.due,
      source: window.source.zh,
    });
}

/**
 * §34, §35: only a claim's handling opinion (信访处理意见) is reviewed and rechecked; a request
 * for either, or a delivery that would move its window, is refused for the other categories.
 */
export function checkReviewable(row: Petition, rules: PetitionRules): void {
  if (!rules.reviewApplies.categories.includes(row.category))
    throw new RuleViolationError('petition.no_review', undefined, { source: rules.reviewApplies.source.zh });
}

/**
 * REQUEST_REVIEW (§35) / REQUEST_RECHECK (§36): the day the request was made (posted: time
 * in transit does not count, §85) lies between the opinion's delivery and today, and within
 * the 30 days that run from the delivery.
 */
export function checkRequestedOn(
  row: Petition,
  type: 'REQUEST_REVIEW' | 'REQUEST_RECHECK',
  requestedOn: string,
  today: string,
): void {
  if (requestedOn > today) refuse('requestedOn', 'validation.date_in_future');
  const expected = type === 'REQUEST_REVIEW' ? 'accepted.replied' : 'accepted.reviewed';
  if (row.state !== expected) return; // the statechart refuses the event in any other state
  const deliveredOn = row.snapshot.context.deliveredOn;
  if (deliveredOn && requestedOn < deliveredOn)
    refuse('requestedOn', 'petitions.validation.requested_before_delivery', { deliveredOn });
  const window = type === 'REQUEST_REVIEW' ? row.dueDates.reviewRequest : row.dueDates.recheckRequest;
  if (window && requestedOn > window.due)
    refuse('requestedOn', 'petitions.validation.requested_after_window', {
      due: window.due,
      source: window.source.zh,
    });
}

/**
 * EXTEND (§34): only a claim has a conclusion period to extend, and only while it has not
 * run out: once its last day has passed the extension is refused.
 */
export function checkExtension(row: Petition, rules: PetitionRules, today: string): void {
  const source = rules.extension.source.zh;
  if (!rules.concludeApplies.categories.includes(row.category)) {
    throw new RuleViolationError('petition.no_conclusion_period', undefined, {
      source: rules.concludeApplies.source.zh,
    });
  }
  const due = row.dueDates.conclusion?.due;
  if (row.state === 'accepted.handling' && due && due < today) {
    throw new RuleViolationError('petition.extension_after_due', undefined, { due, source });
  }
}

/** A delivery recorded while the reply stands opens the review window; after the review, the recheck's. */
export function deliveryWindowOf(row: Petition): 'reviewRequest' | 'recheckRequest' {
  return row.state === 'accepted.replied' ? 'reviewRequest' : 'recheckRequest';
}

type SubmittedEvent = PetitionEventInput extends infer E
  ? E extends { expectedVersion: number }
    ? Omit<E, 'expectedVersion'>
    : never
  : never;

/**
 * The machine's event for the events whose dates matter, checked and dated: the conclusion
 * date on acceptance and extension, the delivery and the window it opens on a reply, a
 * review decision or a later delivery. Null for any other event.
 */
export function datedEvent(
  row: Petition,
  payload: SubmittedEvent,
  rules: PetitionRules,
  today: string,
  calendar: WorkingCalendar,
): PetitionEvent | null {
  const clock = (type: string, name: keyof PetitionDueDates, clockPayload: ClockPayload, from = {}) =>
    clocksAfter(type, from, rules, today, calendar, clockPayload)[name]?.due;
  switch (payload.type) {
    case 'ACCEPT':
      return {
        ...payload,
        conclusionDueOn: clock('ACCEPT', 'conclusion', { category: row.category }) ?? null,
      };
    case 'EXTEND':
      checkExtension(row, rules, today);
      return {
        ...payload,
        on: today,
        conclusionDueOn: clock('EXTEND', 'conclusion', { days: payload.days }, row.dueDates) as string,
      };
    case 'REPLY': {
      const deliveredOn = deliveredOnOfOpinion(payload.deliveredOn, today);
      const windowEndsOn = clock('REPLY', 'reviewRequest', { deliveredOn, category: row.category }) ?? null;
      return { ...payload, on: today, deliveredOn, reviewRequestWindowEndsOn: windowEndsOn };
    }
    case 'REVIEW_DECIDED': {
      const deliveredOn = deliveredOnOfOpinion(payload.deliveredOn, today);
      const windowEndsOn = clock('REVIEW_DECIDED', 'recheckRequest', {
        deliveredOn,
        category: row.category,
      }) as string;
      return { ...payload, on: today, deliveredOn, recheckRequestWindowEndsOn: windowEndsOn };
    }
    case 'RECORD_DELIVERY': {
      checkReviewable(row, rules);
      checkLaterDelivery(row, payload.deliveredOn, today);
      const window = deliveryWindowOf(row);
      const windowEndsOn = clock('RECORD_DELIVERY', window, { deliveredOn: payload.deliveredOn, window });
      return { ...payload, on: today, windowEndsOn: windowEndsOn as string };
    }
    default:
      return null;
  }
}

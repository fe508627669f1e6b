import { dueDateOf } from '../deadlines/period';
import { RuleViolationError } from '../shared/errors';
import type { CaseEvent } from '../workflows/case.machine';
import type { BreachGuidance } from '../workflows/rules/dispute-rules.types';
import type { CaseEventInput } from './case.schemas';
import type { CaseEventStep } from './case-event-step';

/*
 * What the service adds to the agreement's events before the statechart takes them: the
 * confirmation window (人民调解法 §33), the checks on an application for judicial
 * confirmation and on the court's ruling (民事诉讼法 §205, §206), and the guidance a breach
 * gives (劳动争议调解仲裁法 §15, §16; 人民调解法 §32).
 */

type Submitted<T extends CaseEventInput['type']> = Omit<
  Extract<CaseEventInput, { type: T }>,
  'expectedVersion'
>;

const invalid = (field: string, message: string) =>
  new RuleViolationError('validation_failed', [{ field, message }]);

/**
 * 人民调解法 §29, §33: a written agreement takes effect when signed (recorded today) and may
 * be confirmed within 30 days — one from people's mediation or from the court's 委派调解
 * (民事诉讼法 §205(1)), unless the mediator records that the court cannot confirm it and why
 * (民诉法解释 §355: status, 确权, outside civil jurisdiction, another procedure).
 */
export function resolveReachAgreement(
  { rules, before, today, calendar }: CaseEventStep,
  payload: Submitted<'REACH_AGREEMENT'>,
): CaseEvent {
  // only a written agreement from people's mediation or the court's 委派调解 may go to the court at all
  const eligible = payload.form === 'written' && (before.track === 'people' || before.track === 'judicial');
  const saysNot = eligible && payload.confirmable === false;
  if (saysNot && !payload.notConfirmableReason) throw invalid('notConfirmableReason', 'validation.required');
  const confirmable = eligible && !saysNot;
  const window = rules.judicialConfirmation.applicationWindow;
  return {
    type: 'REACH_AGREEMENT',
    form: payload.form,
    terms: payload.terms,
    performBy: payload.performBy,
    ...(eligible ? { confirmable } : {}),
    ...(saysNot ? { notConfirmableReason: payload.notConfirmableReason } : {}),
    confirmationWindowEndsOn: confirmable ? dueDateOf(today, window, calendar) : null,
    reachedOn: today,
  };
}

/**
 * 人民调解法 §33, 民事诉讼法 §205: both parties apply (the payload says so: `jointlyApplied`),
 * not before the agreement took effect (nor after today: a day of fact, checked by the write
 * path before this), to a court of the district —
 * for an agreement from the court's own 委派调解 (the judicial track), to that court.
 */
export function resolveConfirmationRequest(
  { before }: CaseEventStep,
  payload: Submitted<'REQUEST_JUDICIAL_CONFIRMATION'>,
  courtId: string,
): CaseEvent {
  if (payload.jointlyApplied !== true)
    throw invalid('jointlyApplied', 'validation.confirmation.joint_application');
  if (before.agreementReachedOn && payload.appliedOn < before.agreementReachedOn)
    throw invalid('appliedOn', 'validation.confirmation.applied_before_agreement');
  if (before.track === 'judicial' && courtId !== before.holdingUnitId)
    throw invalid('court', 'validation.confirmation.court_invited');
  return {
    type: 'REQUEST_JUDICIAL_CONFIRMATION',
    court: courtId,
    appliedOn: payload.appliedOn,
    jointlyApplied: true,
  };
}

/**
 * 民事诉讼法 §206: the ruling is dated between the application and today (a day of fact: the
 * write path refuses a day after today before this, like `appliedOn`).
 */
export function resolveConfirmed(payload: Submitted<'CONFIRMED'>, appliedOn: string | null): CaseEvent {
  if (appliedOn && payload.ruledOn < appliedOn)
    throw invalid('ruledOn', 'validation.confirmation.ruled_before_application');
  return { type: 'CONFIRMED', rulingNo: payload.rulingNo, ruledOn: payload.ruledOn };
}

/**
 * The guidance a breach gives, from the type's rules: for an agreement the court did not
 * confirm, each rule of the agreement's track (人民调解法 §32: people's mediation only) whose
 * matters the agreement concerns (劳动争议调解仲裁法 §15 always, §16 for wages, work-injury
 * medical costs, economic compensation or damages); a confirmed one goes to enforcement
 * instead (民事诉讼法 §206), the case's outcome says so.
 */
export function resolveBreached({ rules, before }: CaseEventStep, payload: Submitted<'BREACHED'>): CaseEvent {
  const concerns = [...new Set(payload.concerns ?? [])];
  const applies = (rule: BreachGuidance) =>
    (!rule.onlyOnTracks || (before.track !== null && rule.onlyOnTracks.includes(before.track))) &&
    (!rule.onlyFor || rule.onlyFor.some((matter) => concerns.includes(matter)));
  const guidance = before.judiciallyConfirmed
    ? []
    : rules.breachGuidance.filter(applies).map(({ guidance, source }) => ({ guidance, source }));
  return {
    type: 'BREACHED',
    ...(payload.note ? { note: payload.note } : {}),
    ...(concerns.length > 0 ? { concerns } : {}),
    guidance,
  };
}

import { type PlainDate, sameDayYearsLater } from '../deadlines/plain-date';
import type { ErrorDetail } from '../shared/errors';
import type { DisputeRules } from '../workflows/rules/dispute-rules.types';

/**
 * The dates a registration gives about the application itself, and what makes them
 * believable (issue 16):
 *
 * - `receivedOn`, the day the mediation organisation received the application (劳动争议调解
 *   仲裁法 §14 counts from it): not after today, not before the dispute arose, and not more
 *   than a year back — older applications are history, brought in by the historic import.
 * - `occurredOn`, the day the dispute arose: a fact, so not after today.
 * - `knewOn`, the day the worker knew or should have known of the infringement (§27): only
 *   where the type's rules keep a limitation, and not after the application it led to.
 */
export interface ApplicationDates {
  receivedOn?: PlainDate;
  knewOn?: PlainDate;
  occurredOn?: PlainDate;
}

/** The furthest back an application registered today may have been received. */
export function earliestReceivedOn(today: PlainDate): PlainDate {
  return sameDayYearsLater(today, -1);
}

/** What is wrong with the dates, one detail per field (`validation.*` keys); empty when they hold. */
export function applicationDateErrors(
  dates: ApplicationDates,
  rules: Pick<DisputeRules, 'arbitrationLimitation'>,
  today: PlainDate,
): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  // the day the dispute arose is a fact: not after today (issue 19: 9999-12-31 was taken)
  const occurredOn = dates.occurredOn && dates.occurredOn <= today ? dates.occurredOn : undefined;
  if (dates.occurredOn && !occurredOn)
    errors.push({ field: 'occurredOn', message: 'validation.date_of_fact_in_future', params: { today } });
  const receivedOn = dates.receivedOn ?? today;
  if (receivedOn > today) errors.push({ field: 'receivedOn', message: 'validation.date_in_future' });
  else if (receivedOn < earliestReceivedOn(today))
    errors.push({
      field: 'receivedOn',
      message: 'validation.received_too_long_ago',
      params: { earliest: earliestReceivedOn(today) },
    });
  else if (occurredOn && receivedOn < occurredOn)
    errors.push({ field: 'receivedOn', message: 'validation.received_before_occurred' });
  if (dates.knewOn !== undefined) {
    if (!rules.arbitrationLimitation)
      errors.push({ field: 'knewOn', message: 'validation.knew_on_without_limitation' });
    else if (dates.knewOn > receivedOn)
      errors.push({ field: 'knewOn', message: 'validation.knew_after_application' });
  }
  return errors;
}

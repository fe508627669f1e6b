import { z } from 'zod';
import { localDateTimeToIso } from '../cases/case.forms';
import { isoDay, isoMoment } from '../shared/http/calendar-fields';
import { calendarViews } from './calendar.view-model';

/** The calendar page's query: which view, whose, around which day (default: this week, mine). */
export const calendarQuerySchema = z.object({
  view: z.enum(calendarViews, { error: 'validation.invalid_value' }).default('week'),
  scope: z.enum(['mine', 'unit'], { error: 'validation.invalid_value' }).default('mine'),
  date: isoDay().optional(),
});

const moment = isoMoment();
const place = z.string().trim().max(500, 'validation.too_big').optional();
const csrf = { _csrf: z.string().optional() };

export const cancelAppointmentSchema = z.strictObject({
  ...csrf,
  reason: z.string().trim().min(1, 'validation.required').max(2000, 'validation.too_big'),
});

export const moveAppointmentSchema = z.strictObject({ ...csrf, at: moment, place });

export const planVisitSchema = z.strictObject({
  ...csrf,
  at: moment,
  place,
  attendees: z.string().trim().max(2000, 'validation.too_big').optional(),
});

/** A form's fields as the schemas take them: the `datetime-local` value (Shanghai wall time) with its offset, blanks left out. */
export function scheduleFormBody(body: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(body)
    .filter(([, value]) => !(typeof value === 'string' && value.trim() === ''))
    .map(([key, value]) => [key, key === 'at' ? localDateTimeToIso(value) : value]);
  return Object.fromEntries(entries);
}

export const feedTokenSchema = z.object({ token: z.string().max(100) });

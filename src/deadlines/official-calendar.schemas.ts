import { z } from 'zod';
import { calendarSources, enterableYears } from './calendar-year';

const date = z.iso.date({ error: 'validation.date' });

/** `:year` in the calendar's paths. */
export const calendarYearParamsSchema = z.object({
  year: z.coerce
    .number({ error: 'validation.number' })
    .int('validation.calendar_year')
    .min(enterableYears.min, 'validation.calendar_year')
    .max(enterableYears.max, 'validation.calendar_year'),
});

/** `PUT /api/v1/calendar/:year`: the year's days off and adjusted working weekends, as the notice gives them. */
export const calendarYearBodySchema = z
  .object({
    year: z.number({ error: 'validation.number' }).int('validation.calendar_year'),
    source: z.enum(calendarSources, { error: 'validation.invalid_value' }),
    holidays: z.array(date).max(366, 'validation.too_big'),
    workdays: z.array(date).max(60, 'validation.too_big'),
    note: z.string().max(500, 'validation.too_big').nullish(),
  })
  .strict()
  .meta({ id: 'CalendarYearInput' });

/** A year of the official calendar as `GET` and `PUT /api/v1/calendar/:year` answer it. */
export const calendarYearSchema = z
  .object({
    year: z.number().int(),
    source: z.enum(calendarSources),
    holidays: z.array(date),
    workdays: z.array(date),
    note: z.string().nullable(),
    enteredBy: z.object({ id: z.uuid(), username: z.string().nullable() }).nullable(),
    enteredAt: z.iso.datetime({ offset: true }).nullable(),
    /** `PUT` only: how many open deadlines the change moved (their holders were told). */
    deadlinesMoved: z.number().int().optional(),
  })
  .meta({ id: 'CalendarYear' });

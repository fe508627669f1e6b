import { z } from 'zod';

/**
 * The days and moments a request may carry: ISO 8601 as zod reads it, from 1900 on. PostgreSQL
 * refuses year 0 (zod takes it), and nothing here happened before 1900: a day before answers 400
 * naming its field, never a database error. Later days are the domain's to judge (a day of fact
 * after today is a 422 saying so, e.g. 9999-12-31).
 */
const firstDay = '1900-01-01';

const withinYears = (value: string) => value.slice(0, 10) >= firstDay;

/** A day, `YYYY-MM-DD`. */
export const isoDay = () =>
  z.iso.date({ error: 'validation.date' }).refine(withinYears, { error: 'validation.date' });

/** A moment with its offset, `2026-12-03T10:00:00+08:00`. */
export const isoMoment = () =>
  z.iso
    .datetime({ offset: true, error: 'validation.datetime' })
    .refine(withinYears, { error: 'validation.datetime' });

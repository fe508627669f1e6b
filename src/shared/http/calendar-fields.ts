import { z } from 'zod';

/**
 * The days and moments a request may carry: ISO 8601 as zod reads it, within the years the
 * database stores (PostgreSQL refuses year 0, and nothing here is before 1900 or after 2999).
 * A day outside answers 400 naming its field, never a database error.
 */
const firstDay = '1900-01-01';
const lastDay = '2999-12-31';

const withinYears = (value: string) => value.slice(0, 10) >= firstDay && value.slice(0, 10) <= lastDay;

/** A day, `YYYY-MM-DD`. */
export const isoDay = () =>
  z.iso.date({ error: 'validation.date' }).refine(withinYears, { error: 'validation.date' });

/** A moment with its offset, `2026-12-03T10:00:00+08:00`. */
export const isoMoment = () =>
  z.iso
    .datetime({ offset: true, error: 'validation.datetime' })
    .refine(withinYears, { error: 'validation.datetime' });

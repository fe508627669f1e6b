import { z } from 'zod';
import { lookupCodePattern, normaliseLookupCode } from './lookup-code';

/**
 * A case's or petition's number as a party types it off a paper: full-width characters (a
 * Chinese input method's "ＭＨ－２０２６") read as ASCII, spaces dropped, upper case.
 */
export function normaliseCaseNumber(typed: string): string {
  return typed.normalize('NFKC').replace(/\s/g, '').toUpperCase();
}

/** `POST /track`: a number and its lookup code (查询码), both as typed. */
export const trackRequestSchema = z
  .strictObject({
    number: z
      .string({ error: 'validation.required' })
      .transform(normaliseCaseNumber)
      .pipe(
        z
          .string()
          .min(1, 'validation.required')
          .max(48, 'validation.too_big')
          .regex(/^[A-Z0-9-]+$/, 'validation.track_number'),
      ),
    code: z
      .string({ error: 'validation.required' })
      .transform(normaliseLookupCode)
      .pipe(z.string().min(1, 'validation.required').regex(lookupCodePattern, 'validation.track_code')),
  })
  .meta({ id: 'TrackRequest' });
export type TrackRequest = z.infer<typeof trackRequestSchema>;

/** `POST /track`'s answer: exactly these keys, nothing about the parties (API.md, Additions). */
export const trackAnswerSchema = z
  .strictObject({
    number: z.string(),
    /** The dispute type of a case (`labour` …) or the category of a petition (`claim` …), as a code. */
    type: z.string(),
    /** The state as a code (`mediation.inProgress`); `stateLabel` says it in words. */
    state: z.string(),
    stateLabel: z.string(),
    holdingUnit: z.strictObject({ name: z.string(), phone: z.string().optional() }),
    nextSession: z.strictObject({ at: z.string(), place: z.string().optional() }).optional(),
    deadline: z.strictObject({ due: z.iso.date(), provisional: z.boolean() }).optional(),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'TrackAnswer' });
export type TrackAnswer = z.infer<typeof trackAnswerSchema>;

/** A newly issued lookup code, in clear: the only time the API shows it. */
export const lookupCodeSchema = z.strictObject({ code: z.string() }).meta({ id: 'LookupCode' });

/** Turning the parties' lookup of a case or petition on or off. */
export const lookupSwitchSchema = z
  .strictObject({ enabled: z.boolean({ error: 'validation.invalid_value' }) })
  .meta({ id: 'LookupSwitch' });
export const lookupSwitchStateSchema = z
  .strictObject({ enabled: z.boolean() })
  .meta({ id: 'LookupSwitchState' });

import { z } from 'zod';

/** `PUT …/parties/:partyId/sms-consent`: the party consents to SMS notices (again), or withdraws (个人信息保护法 §15). */
export const smsConsentChangeSchema = z
  .strictObject({ consent: z.boolean({ error: 'validation.invalid_value' }) })
  .meta({ id: 'SmsConsentChange' });

/** The party's consent after the change: since when it is given, when it was last withdrawn. */
export const smsConsentStateSchema = z
  .strictObject({
    partyId: z.uuid(),
    smsConsent: z.boolean(),
    smsConsentAt: z.iso.datetime({ offset: true }).nullable(),
    smsConsentWithdrawnAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: 'SmsConsentState' });

/** The page's small form: consent given or withdrawn, as the button sends it. */
export const smsConsentFormSchema = z.strictObject({
  _csrf: z.string().optional(),
  consent: z.enum(['true', 'false'], { error: 'validation.invalid_value' }),
});

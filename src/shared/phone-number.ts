import { z } from 'zod';

/**
 * Phone numbers of mainland China: checked, stored normalised, shown grouped.
 *
 * - an 11-digit mainland mobile (1[3-9]…, +86 / 0086 / 86 and spaces or hyphens tolerated);
 * - a landline with its area code (0 + 2–3 digits, 7–8 digits, an optional extension).
 *
 * A party's phone (personal data: `src/cases/party-identifiers.ts` checks it with the party's
 * other identifiers) and a unit's public contact number (联系电话) are the same kind of value,
 * so the one check lives here, below every domain folder.
 */

/** The normalised number, or the locale key of what is wrong with it. */
export type PhoneCheck = { ok: true; value: string } | { ok: false; problem: string };

/** A landline's extension: after 转, ext, # or a separator following the full number. */
const landlineWithExtension =
  /^(\(?0\d{2,3}\)?[\s-]*\d{7,8})(?:\s*(?:转|分机|ext\.?|x|#)\s*|[\s-]+)(\d{1,6})$/i;

/**
 * The national number of a phone number typed with a country prefix: +86 or 0086 before
 * anything, 86 only before a whole mobile number; a landline's area code loses its 0 after
 * the prefix (+86 21 …), which is put back.
 */
function nationalNumberOf(digits: string): string {
  const national = digits.replace(/^(?:\+86|0086|86(?=1[3-9]\d{9}$))/, '');
  if (national === digits || /^1[3-9]/.test(national) || national.startsWith('0')) return national;
  return `0${national}`;
}

/**
 * A phone number, normalised: a mobile as its 11 digits, a landline as 0, area code and
 * number, digits only, with `-` and the extension if one was given. Typed with full-width
 * characters (０２１－６４１２３４５６) it is the same number.
 */
export function checkPhone(raw: string): PhoneCheck {
  // full-width digits and brackets, as a Chinese input method types them, read as ASCII
  const typed = raw.normalize('NFKC').trim().replace(/[－—]/g, '-');
  const extension = landlineWithExtension.exec(typed);
  const [number, suffix] = extension ? [extension[1], `-${extension[2]}`] : [typed, ''];
  const digits = number.replace(/[\s\-()]/g, '');
  if (!/^\+?\d+$/.test(digits)) return { ok: false, problem: 'validation.phone' };
  const national = nationalNumberOf(digits);
  if (/^1[3-9]/.test(national)) {
    if (suffix) return { ok: false, problem: 'validation.phone' };
    return national.length === 11
      ? { ok: true, value: national }
      : { ok: false, problem: 'validation.phone_mobile_length' };
  }
  // 0 + an area code of 2–3 digits (010, 021 … 0571) + 7–8 digits: 10 to 12 digits, never 00
  if (/^0[1-9]\d{8,10}$/.test(national)) return { ok: true, value: `${national}${suffix}` };
  return { ok: false, problem: 'validation.phone' };
}

/**
 * The area code of a normalised landline: three digits for Beijing (010) and the 02x codes
 * (021 Shanghai, 020 Guangzhou …), four for every other (0571 Hangzhou …), as the numbering
 * plan allots them.
 */
function areaCodeLength(national: string): number {
  return /^0[12]/.test(national) ? 3 : 4;
}

/**
 * A normalised number (what `checkPhone` answers) as people write it: a landline with a hyphen
 * after its area code and before an extension (021-64123456, 0571-87654321-8001), a mobile as
 * its 11 digits. Anything else is given back unchanged.
 */
export function formatPhone(normalised: string): string {
  const landline = /^(0\d{9,11})(?:-(\d{1,6}))?$/.exec(normalised);
  if (!landline) return normalised;
  const [, number, extension] = landline;
  const split = areaCodeLength(number);
  return `${number.slice(0, split)}-${number.slice(split)}${extension ? `-${extension}` : ''}`;
}

/** A `tel:` link for a normalised number (RFC 3966: +86, the area code without its 0, `;ext=`). */
export function phoneHref(normalised: string): string {
  const [number, extension] = normalised.split('-');
  const international = `+86${number.startsWith('0') ? number.slice(1) : number}`;
  return `tel:${international}${extension ? `;ext=${extension}` : ''}`;
}

/** Whether a normalised number (what `checkPhone` answers) is a mobile's: the only kind an SMS reaches. */
export function isMobile(normalised: string): boolean {
  return /^1[3-9]\d{9}$/.test(normalised);
}

/**
 * A form's or a request's optional phone number, checked (`checkPhone`) and answered normalised
 * (13812345678, 02112345678); blank is none. A wrong one names its problem (`validation.phone`,
 * `validation.phone_mobile_length`) on the field it is on.
 */
export const optionalPhoneField = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string({ error: 'validation.phone' })
    .trim()
    .max(40, 'validation.too_big')
    .transform((value, ctx) => {
      const checked = checkPhone(value);
      if (checked.ok) return checked.value;
      ctx.addIssue({ code: 'custom', message: checked.problem });
      return z.NEVER;
    })
    .optional(),
);

import { normalise } from '../shared/crypto/personal-data';
import { checkPhone } from '../shared/phone-number';

/** Checked in `src/shared/phone-number.ts`, where a unit's public number is checked too. */
export { checkPhone };

/**
 * What identifies a party (当事人身份标识), checked by its kind, and what a search term
 * that IS such an identifier looks for:
 *
 * - a person's 公民身份号码 (resident ID number), GB 11643-1999: 17 digits (region, birth
 *   date, sequence) and a check character, ISO 7064 MOD 11-2 (`residentIdCheckCharacter`);
 *   the 15-digit first-generation numbers stopped being valid on 2013-01-01 (居民身份证法
 *   §17 and the 公安部 notice on first-generation cards), so new input refuses them and
 *   asks for the 18-character number; only the historic import upgrades them
 *   (`upgradeFirstGenerationId`, the standard's own rule: 19 before the year, a check added);
 * - an organisation's 统一社会信用代码 (unified social credit code), GB 32100-2015: 18
 *   characters over 31 (no I, O, S, V, Z), the last a check character, MOD 31
 *   (`creditCodeCheckCharacter`);
 * - a phone number: an 11-digit mainland mobile (1[3-9]…, +86 / 0086 / 86 and spaces or
 *   hyphens tolerated) or a landline with its area code (0 + 2–3 digits, 7–8 digits, an
 *   optional extension) — `checkPhone`, kept in `src/shared/phone-number.ts`.
 *
 * No npm package checks all three (the ID-only ones are unmaintained or carry dependencies);
 * the two check characters are a few lines each, written here from the standards.
 *
 * Each check answers the normalised value — what is stored, masked and hashed (upper case,
 * no separators, as `PersonalDataCipher.hash` normalises), so that a search for the same
 * number however typed finds it — or the locale key of what is wrong with it.
 */

export type IdentifierCheck = { ok: true; value: string } | { ok: false; problem: string };

const ok = (value: string): IdentifierCheck => ({ ok: true, value });
const problem = (key: string): IdentifierCheck => ({ ok: false, problem: key });

/** GB 11643-1999 §7.2: the weights 2^(i-1) mod 11 of the first 17 positions, left to right. */
const residentIdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** The check character for (Σ weight × digit) mod 11 = 0, 1, 2 … 10. */
const residentIdCheckCharacters = '10X98765432';

/** The 18th character of a resident ID number whose first 17 digits are given (GB 11643-1999). */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index += 1) sum += Number(first17[index]) * residentIdWeights[index];
  return residentIdCheckCharacters[sum % 11];
}

/** A real calendar day from 1900 on, as YYYYMMDD (the birth date in positions 7–14). */
function isPlausibleBirthDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A person's resident ID number (GB 11643-1999), normalised: the final x as X. */
export function checkResidentId(raw: string): IdentifierCheck {
  const value = normalise(raw);
  if (/^\d{15}$/.test(value)) return problem('validation.id_number_first_generation');
  if (value.length !== 18) return problem('validation.id_number_length');
  if (!/^\d{17}[\dX]$/.test(value)) return problem('validation.id_number_characters');
  if (!isPlausibleBirthDate(value.slice(6, 14))) return problem('validation.id_number_birth_date');
  if (residentIdCheckCharacter(value) !== value[17]) return problem('validation.id_number_check_digit');
  return ok(value);
}

/**
 * A first-generation 15-digit number as the 18-character one that replaced it (GB 11643-1999
 * appendix: 19 inserted before the two-digit year, the check character appended); undefined
 * for anything else. For the historic import only: new input refuses 15-digit numbers.
 */
export function upgradeFirstGenerationId(raw: string): string | undefined {
  const value = normalise(raw);
  if (!/^\d{15}$/.test(value)) return undefined;
  const first17 = `${value.slice(0, 6)}19${value.slice(6)}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

/** GB 32100-2015: the 31 characters of a 统一社会信用代码, in the order of their values 0–30. */
const creditCodeCharacters = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** GB 32100-2015 §5: the weights 3^(i-1) mod 31 of the first 17 positions. */
const creditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The 18th character of a 统一社会信用代码 whose first 17 are given: 31 − (Σ mod 31), 31 written 0. */
export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index += 1)
    sum += creditCodeCharacters.indexOf(first17[index]) * creditCodeWeights[index];
  return creditCodeCharacters[(31 - (sum % 31)) % 31];
}

/** An organisation's 统一社会信用代码 (GB 32100-2015), normalised to upper case. */
export function checkCreditCode(raw: string): IdentifierCheck {
  const value = normalise(raw);
  if (value.length !== 18) return problem('validation.credit_code_length');
  if ([...value].some((character) => !creditCodeCharacters.includes(character)))
    return problem('validation.credit_code_characters');
  // positions 3–8: the registering authority's administrative division code (GB/T 2260)
  if (!/^\d{6}$/.test(value.slice(2, 8))) return problem('validation.credit_code_characters');
  if (creditCodeCheckCharacter(value) !== value[17]) return problem('validation.credit_code_check');
  return ok(value);
}

/** The identifier of a party of this kind: a resident ID for a person, a credit code for an organisation. */
export function checkPartyIdentifier(kind: 'person' | 'organisation', raw: string): IdentifierCheck {
  const checked = kind === 'person' ? checkResidentId(raw) : checkCreditCode(raw);
  if (checked.ok) return checked;
  // the other kind's valid number: say so, rather than that its check digit is wrong
  if (kind === 'person' && checkCreditCode(raw).ok) return problem('validation.id_number_is_credit_code');
  if (kind === 'organisation' && checkResidentId(raw).ok)
    return problem('validation.credit_code_is_id_number');
  return checked;
}

/** What a search term that IS a full identifier matches: the parties' keyed hash of this kind. */
export interface IdentifierSearch {
  /** `id`: parties.id_number_hash (a resident ID or a credit code); `phone`: parties.phone_hash. */
  kind: 'id' | 'phone';
  /** The normalised identifier, to be hashed as it was when stored. */
  value: string;
}

/**
 * A search term (`q`) that is a whole, valid resident ID, credit code or phone number; else
 * undefined (a part of one is not an identifier, and is searched as text, where no party's
 * number is).
 */
export function identifierSearchOf(q: string): IdentifierSearch | undefined {
  for (const check of [checkResidentId, checkCreditCode]) {
    const checked = check(q);
    if (checked.ok) return { kind: 'id', value: checked.value };
  }
  const phone = checkPhone(q);
  return phone.ok ? { kind: 'phone', value: phone.value } : undefined;
}

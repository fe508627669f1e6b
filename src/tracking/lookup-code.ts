import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * 查询码 (lookup code): what a party types, with the case's number, to see where it stands.
 * Ten characters from 25 that cannot be mistaken for one another when read off paper or
 * typed on a phone (no 0/O, 1/I/L, 2/Z, 5/S, U/V): 25¹⁰ ≈ 9.5·10¹³ codes, drawn with
 * `crypto.randomInt`. Shown as two groups of five (ABCDE-FGHJK); the dash, spaces and case
 * do not matter when typed.
 */
export const lookupCodeAlphabet = '346789ABCDEFGHJKMNPQRTWXY';
export const lookupCodeLength = 10;

/** A fresh code, as printed: `ABCDE-FGHJK`. */
export function generateLookupCode(): string {
  let code = '';
  for (let i = 0; i < lookupCodeLength; i += 1)
    code += lookupCodeAlphabet[randomInt(lookupCodeAlphabet.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** The code as typed, reduced to its characters: spaces and dashes dropped, upper case. */
export function normaliseLookupCode(typed: string): string {
  return typed.replace(/[\s\-‐-―－]/g, '').toUpperCase();
}

/** Whether a typed code has the shape of one (checked at the edge; the hash decides the rest). */
export const lookupCodePattern = new RegExp(`^[${lookupCodeAlphabet}]{${lookupCodeLength}}$`);

/**
 * The keyed hash the database keeps instead of the code: HMAC-SHA-256 under a key derived
 * (HKDF-SHA-256, as the personal-data keys are) from DATA_KEY for this purpose only, so that
 * someone who reads the database but not the app's configuration cannot try every code.
 */
export class LookupCodeHasher {
  private readonly key: Buffer;

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new Error('DATA_KEY must be 32 bytes');
    this.key = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'tracking/lookup-code/v1', 32));
  }

  hash(code: string): string {
    return createHmac('sha256', this.key).update(normaliseLookupCode(code)).digest('hex');
  }

  /**
   * Whether `code` is the one `storedHash` was made from, in constant time. With no stored
   * hash (unknown number, no code issued) it compares against a hash no code has, doing the
   * same work, so the time taken does not tell which it was.
   */
  matches(code: string, storedHash: string | null): boolean {
    const given = Buffer.from(this.hash(code), 'hex');
    const stored = Buffer.from(storedHash ?? unmatchableHash, 'hex');
    const same = stored.length === given.length && timingSafeEqual(given, stored);
    return same && storedHash !== null;
  }
}

/** 64 hex digits no HMAC output is expected to equal: what an unknown number is compared with. */
const unmatchableHash = '0'.repeat(64);

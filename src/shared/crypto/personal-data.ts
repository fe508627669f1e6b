import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Personal information (个人信息保护法): ID and phone numbers are stored encrypted
 * (AES-256-GCM under DATA_KEY), with a keyed hash (HMAC-SHA-256 under a key derived
 * from DATA_KEY) so duplicates can be found without decrypting, and a masked form
 * for every list and case body.
 */
export class PersonalDataCipher {
  private readonly encryptionKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new Error('DATA_KEY must be 32 bytes');
    this.encryptionKey = Buffer.from(
      hkdfSync('sha256', dataKey, Buffer.alloc(0), 'personal-data/encrypt/v1', 32),
    );
    this.hashKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'personal-data/hash/v1', 32));
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== 'v1') throw new Error('unknown personal-data encryption version');
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Keyed hash of a normalised value (spaces removed, upper case: an ID's final X is the same as x). */
  hash(kind: 'id' | 'phone' | 'name', value: string): string {
    return createHmac('sha256', this.hashKey)
      .update(`${kind}:${normalise(value)}`)
      .digest('hex');
  }
}

export function normalise(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/** 身份证号 shown as 310***********1234: the region prefix and the last four only. */
export function maskIdNumber(value: string): string {
  const clean = normalise(value);
  if (clean.length <= 7) return '*'.repeat(clean.length);
  return `${clean.slice(0, 3)}${'*'.repeat(clean.length - 7)}${clean.slice(-4)}`;
}

/** 手机号 shown as 138****5678. */
export function maskPhone(value: string): string {
  const clean = normalise(value);
  if (clean.length <= 7) return '*'.repeat(clean.length);
  return `${clean.slice(0, 3)}${'*'.repeat(clean.length - 7)}${clean.slice(-4)}`;
}

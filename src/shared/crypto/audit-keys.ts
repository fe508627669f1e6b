import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import fs from 'node:fs';

/** DER prefix of an Ed25519 private key in PKCS #8 around its 32-byte seed (RFC 8410). */
const ed25519Pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
/** DER prefix of an Ed25519 public key in SubjectPublicKeyInfo around its 32 raw bytes (RFC 8410). */
const ed25519SpkiPrefix = Buffer.from('302a300506032b6570032100', 'hex');

function derive(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), purpose, 32));
}

/** An Ed25519 public key as 32 raw bytes in base64: how it is printed, served and given to `audit:verify`. */
export function publicKeyText(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(ed25519SpkiPrefix.length).toString('base64');
}

/**
 * Reads an Ed25519 public key as an outside auditor holds it: 32 raw bytes in base64 (as
 * the app prints it) or hex, a PEM text, or the path of a file holding any of these.
 */
export function parsePublicKey(given: string): KeyObject {
  let text = given.trim();
  if (!text.startsWith('-----') && fs.existsSync(text) && fs.statSync(text).isFile())
    text = fs.readFileSync(text, 'utf8').trim();
  if (text.startsWith('-----BEGIN')) {
    const key = createPublicKey(text);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('the public key is not an Ed25519 key');
    return key;
  }
  const raw = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (raw.length !== 32) throw new Error('the public key must be 32 bytes (base64 or hex) or a PEM file');
  return createPublicKey({ key: Buffer.concat([ed25519SpkiPrefix, raw]), format: 'der', type: 'spki' });
}

/** Checks an Ed25519 signature (base64) over `message` with `publicKey`. */
export function signatureIsValid(publicKey: KeyObject, message: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(message, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * The keys of the audit trail, all derived (HKDF-SHA-256) from the one secret the
 * database never holds (AUDIT_KEY, config/environment.ts):
 *
 * - the **chain key**: every event's hash is HMAC-SHA-256 under it, so that someone who
 *   can write the database but not read the app's configuration cannot recompute a chain
 *   after rewriting it;
 * - the **checkpoint key pair** (Ed25519): the app signs checkpoints of every chain's head
 *   with the private key; the public key is printed and served, so an outside auditor who
 *   holds it checks the checkpoints without any secret;
 * - a **fingerprint** of the chain key, stored with the record of the re-keying, so that a
 *   start with another key is refused instead of sealing new events with it.
 */
export class AuditKeys {
  readonly chainKey: Buffer;
  readonly signingKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as printed and served: 32 raw bytes, base64. */
  readonly publicKeyText: string;
  readonly fingerprint: string;

  constructor(secret: Buffer) {
    if (secret.length !== 32) throw new Error('AUDIT_KEY must be 32 bytes');
    this.chainKey = derive(secret, 'audit-trail/chain-hmac/v1');
    const seed = derive(secret, 'audit-trail/checkpoint-ed25519/v1');
    this.signingKey = createPrivateKey({
      key: Buffer.concat([ed25519Pkcs8Prefix, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    this.publicKey = createPublicKey(this.signingKey);
    this.publicKeyText = publicKeyText(this.publicKey);
    this.fingerprint = createHmac('sha256', this.chainKey)
      .update('audit-trail/fingerprint/v1')
      .digest('hex')
      .slice(0, 16);
  }

  /** An Ed25519 signature (base64) over `message`. */
  sign(message: string): string {
    return sign(null, Buffer.from(message, 'utf8'), this.signingKey).toString('base64');
  }
}

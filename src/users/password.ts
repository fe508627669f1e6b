import { Algorithm, hash, verify } from '@node-rs/argon2';

/** argon2id with the OWASP-recommended minimum (19 MiB, 2 passes). */
const argonOptions = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * An argon2id hash made with the same parameters as every account's, of a password no one
 * types: verified instead of an account's when the name is not one, so that an unknown
 * name costs the same work as a known one (and the answer comes after the same delay).
 * Made once per process, at first use; the sign-in service asks for it when it is built.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('no account has this password');
  return dummyHash;
}

/**
 * The password rule (等保 level 2/3 practice): at least 8 characters, at least three
 * of the four classes — lower case, upper case, digits, symbols — and not the user name.
 * Returns the locale key of the first problem, or null.
 */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < 8) return 'validation.password_too_short';
  if (password.length > 128) return 'validation.password_too_long';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) =>
    pattern.test(password),
  ).length;
  if (classes < 3) return 'validation.password_too_simple';
  if (username && password.toLowerCase().includes(username.toLowerCase()))
    return 'validation.password_contains_username';
  return null;
}

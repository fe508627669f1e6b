import {
  generateLookupCode,
  LookupCodeHasher,
  lookupCodePattern,
  normaliseLookupCode,
} from '../../src/tracking/lookup-code';

describe('lookup codes (查询码)', () => {
  it('are 10 characters from an alphabet with nothing to mistake when read or typed (no 0/O, 1/I/L, 2/Z, 5/S, U/V)', () => {
    const codes = Array.from({ length: 2000 }, generateLookupCode);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
      expect(normaliseLookupCode(code)).toMatch(lookupCodePattern);
      expect(code).not.toMatch(/[0O1IL2Z5SUV]/);
    }
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('are kept as a keyed hash that depends on DATA_KEY, and compared whatever the case, spaces or dashes typed', () => {
    const hasher = new LookupCodeHasher(Buffer.alloc(32, 7));
    const code = generateLookupCode();
    const stored = hasher.hash(code);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(normaliseLookupCode(code));
    expect(new LookupCodeHasher(Buffer.alloc(32, 8)).hash(code)).not.toBe(stored);
    expect(hasher.matches(` ${code.toLowerCase().replace('-', ' ')} `, stored)).toBe(true);
    expect(hasher.matches('AAAAA-AAAAA', stored)).toBe(false);
    // no stored code (an unknown number): never a match, with the same work done
    expect(hasher.matches(code, null)).toBe(false);
  });
});

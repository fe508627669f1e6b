import {
  checkCreditCode,
  checkPartyIdentifier,
  checkPhone,
  checkResidentId,
  identifierSearchOf,
  upgradeFirstGenerationId,
} from '../../src/cases/party-identifiers';

/** What identifies a party, checked as the standards say (unit: no database needed beyond the suite's). */
describe('a person’s resident ID number (GB 11643-1999, check character ISO 7064 MOD 11-2)', () => {
  it('GB 11643-1999: a number whose 18th character is its check digit is valid, stored as typed', () => {
    for (const valid of [
      '310112198503152015',
      '310112199001011233',
      '310112197808084565',
      '310112200002290014',
    ])
      expect(checkResidentId(valid)).toEqual({ ok: true, value: valid });
  });

  it('GB 11643-1999: a check character of 10 is written X; a lower-case x is the same and stored upper case', () => {
    // 11010519491231002: weighted sum 167, 167 mod 11 = 2 → X
    expect(checkResidentId('11010519491231002X')).toEqual({ ok: true, value: '11010519491231002X' });
    expect(checkResidentId('11010519491231002x')).toEqual({ ok: true, value: '11010519491231002X' });
    expect(checkResidentId(' 110105 19491231 002x ')).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it('GB 11643-1999: one digit off is refused for its check digit', () => {
    expect(checkResidentId('310112198503152016')).toEqual({
      ok: false,
      problem: 'validation.id_number_check_digit',
    });
    expect(checkResidentId('310104199001011234')).toEqual({
      ok: false,
      problem: 'validation.id_number_check_digit',
    });
  });

  it('GB 11643-1999: 17 or 19 characters are refused for their length, letters other than a final X for their characters', () => {
    expect(checkResidentId('31011219850315201')).toMatchObject({ problem: 'validation.id_number_length' });
    expect(checkResidentId('3101121985031520155')).toMatchObject({ problem: 'validation.id_number_length' });
    expect(checkResidentId('3101121985031520A5')).toMatchObject({
      problem: 'validation.id_number_characters',
    });
  });

  it('GB 11643-1999 §6.2: positions 7–14 are a birth date that exists (no 30 February)', () => {
    expect(checkResidentId('310112199002300010')).toMatchObject({
      problem: 'validation.id_number_birth_date',
    });
  });

  it('居民身份证法 §17: a 15-digit first-generation number (invalid since 2013-01-01) is refused on new input with its own message', () => {
    expect(checkResidentId('310112850315201')).toEqual({
      ok: false,
      problem: 'validation.id_number_first_generation',
    });
  });

  it('GB 11643-1999 appendix: the historic import upgrades a 15-digit number (19 before the year, a check character after)', () => {
    const upgraded = upgradeFirstGenerationId('310112850315201');
    expect(upgraded).toBe('310112198503152015');
    expect(upgradeFirstGenerationId('31011285031520')).toBeUndefined();
  });
});

describe('an organisation’s 统一社会信用代码 (GB 32100-2015, check character MOD 31)', () => {
  it('GB 32100-2015: codes whose 18th character is their check character are valid (upper case stored)', () => {
    for (const valid of ['91310112MA1GB12347', '12310000425003456M', '913100006072212342'])
      expect(checkCreditCode(valid)).toEqual({ ok: true, value: valid });
    expect(checkCreditCode('91310112ma1gb12347')).toEqual({ ok: true, value: '91310112MA1GB12347' });
  });

  it('GB 32100-2015: a wrong check character, a letter outside its 31 (I O S V Z) and a wrong length are refused', () => {
    expect(checkCreditCode('91310112MA1GB12348')).toMatchObject({ problem: 'validation.credit_code_check' });
    expect(checkCreditCode('91310000MA1FL0XX0X')).toMatchObject({ problem: 'validation.credit_code_check' });
    expect(checkCreditCode('91310112MA1GO12347')).toMatchObject({
      problem: 'validation.credit_code_characters',
    });
    expect(checkCreditCode('91310112MA1GB1234')).toMatchObject({ problem: 'validation.credit_code_length' });
  });

  it('a personal ID on an organisation, or a credit code on a person, is refused saying which it is', () => {
    expect(checkPartyIdentifier('organisation', '310112198503152015')).toMatchObject({
      problem: 'validation.credit_code_is_id_number',
    });
    expect(checkPartyIdentifier('person', '91310112MA1GB12347')).toMatchObject({
      problem: 'validation.id_number_is_credit_code',
    });
  });
});

describe('a phone number: an 11-digit mainland mobile, or a landline with its area code', () => {
  it('a mobile typed with +86, 0086 or 86, spaces or hyphens is stored as its 11 digits', () => {
    for (const typed of ['13812345678', '+86 138-1234-5678', '8613812345678', '0086 138 1234 5678'])
      expect(checkPhone(typed)).toEqual({ ok: true, value: '13812345678' });
  });

  it('a 10-digit (or 12-digit) mobile number is refused for its length; 12… is no mobile prefix', () => {
    expect(checkPhone('1381234567')).toMatchObject({ problem: 'validation.phone_mobile_length' });
    expect(checkPhone('138123456789')).toMatchObject({ problem: 'validation.phone_mobile_length' });
    expect(checkPhone('12812345678')).toMatchObject({ problem: 'validation.phone' });
  });

  it('a landline with its area code is accepted with or without a hyphen, with an extension, or with +86 for the 0', () => {
    expect(checkPhone('021-12345678')).toEqual({ ok: true, value: '02112345678' });
    expect(checkPhone('(0571) 8765 4321')).toEqual({ ok: true, value: '057187654321' });
    expect(checkPhone('+86 21 12345678')).toEqual({ ok: true, value: '02112345678' });
    expect(checkPhone('+86 10 12345678')).toEqual({ ok: true, value: '01012345678' });
    expect(checkPhone('021-12345678-123')).toEqual({ ok: true, value: '02112345678-123' });
    expect(checkPhone('021-12345678转123')).toEqual({ ok: true, value: '02112345678-123' });
  });

  it('a landline without its area code, or anything else, is refused', () => {
    expect(checkPhone('87654321')).toMatchObject({ problem: 'validation.phone' });
    expect(checkPhone('12345678')).toMatchObject({ problem: 'validation.phone' });
    expect(checkPhone('021-123')).toMatchObject({ problem: 'validation.phone' });
    expect(checkPhone('call me')).toMatchObject({ problem: 'validation.phone' });
  });
});

describe('a search term that is a full identifier', () => {
  it('a whole resident ID, credit code or phone number is one; a part of one is not', () => {
    expect(identifierSearchOf('310112198503152015')).toEqual({ kind: 'id', value: '310112198503152015' });
    expect(identifierSearchOf('91310112ma1gb12347')).toEqual({ kind: 'id', value: '91310112MA1GB12347' });
    expect(identifierSearchOf('+86 138-1234-5678')).toEqual({ kind: 'phone', value: '13812345678' });
    expect(identifierSearchOf('021-12345678')).toEqual({ kind: 'phone', value: '02112345678' });
    for (const part of ['3101121985', '31011219850315201', '1381234', '张三'])
      expect(identifierSearchOf(part)).toBeUndefined();
  });
});

import { checkPhone, formatPhone, phoneHref } from '../../src/shared/phone-number';

/**
 * A number stored normalised (what `checkPhone` answers) is shown as people write it and
 * dialled from a phone's browser: the area code apart (three digits for 010 and 02x, four for
 * the others, as the national numbering plan allots them), a mobile as its 11 digits.
 */
describe('phone numbers as people read and dial them', () => {
  it('a Shanghai or Beijing landline keeps a three-digit area code; Hangzhou’s has four', () => {
    expect(formatPhone('02164123456')).toBe('021-64123456');
    expect(formatPhone('01012345678')).toBe('010-12345678');
    expect(formatPhone('057187654321')).toBe('0571-87654321');
  });

  it('an extension follows the number after a hyphen; a mobile stays its 11 digits', () => {
    expect(formatPhone('02164123456-8001')).toBe('021-64123456-8001');
    expect(formatPhone('13812345678')).toBe('13812345678');
  });

  it('what the admin types comes back, once checked and shown, as the same number however it was typed', () => {
    for (const typed of ['021 6412 3456', '(021)64123456', '+86 21 64123456', '０２１－６４１２３４５６']) {
      const checked = checkPhone(typed);
      expect(checked.ok && formatPhone(checked.value)).toBe('021-64123456');
    }
  });

  it('a tel: link dials from anywhere: +86, the area code without its 0, an extension as ;ext=', () => {
    expect(phoneHref('02164123456')).toBe('tel:+862164123456');
    expect(phoneHref('02164123456-8001')).toBe('tel:+862164123456;ext=8001');
    expect(phoneHref('13812345678')).toBe('tel:+8613812345678');
  });
});

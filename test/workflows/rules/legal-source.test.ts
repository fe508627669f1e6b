import {
  byAnalogy,
  chineseNumeral,
  legalInstrument,
  together,
} from '../../../src/workflows/rules/legal-source';

describe('citing legal sources', () => {
  it('when an article number is written in Chinese, then it follows the statutes’ numerals', () => {
    const written = [7, 10, 14, 20, 38, 101, 110, 187, 205, 206, 1010, 1260].map(chineseNumeral);

    expect(written).toEqual([
      '七',
      '十',
      '十四',
      '二十',
      '三十八',
      '一百零一',
      '一百一十',
      '一百八十七',
      '二百零五',
      '二百零六',
      '一千零一十',
      '一千二百六十',
    ]);
  });

  it('when one or several articles are cited, then both languages name the instrument once', () => {
    const law = legalInstrument({ zh: '人民调解法', en: 'People’s Mediation Law' });

    expect(law.article(33)).toEqual({ zh: '人民调解法 第三十三条', en: 'People’s Mediation Law, Art. 33' });
    expect(law.article(29, 30, 31)).toEqual({
      zh: '人民调解法 第二十九条、第三十条、第三十一条',
      en: 'People’s Mediation Law, Arts. 29, 30 and 31',
    });
  });

  it('when a rule is borrowed or sources are combined, then the citation says so', () => {
    const law = legalInstrument({ zh: '人民调解法', en: 'People’s Mediation Law' });

    expect(byAnalogy(law.article(26)).zh).toBe('参照 人民调解法 第二十六条');
    expect(together(law.article(33), law.article(26)).zh).toBe(
      '人民调解法 第三十三条；人民调解法 第二十六条',
    );
  });

  it('when an article number is not a positive whole number, then it refuses', () => {
    expect(() => chineseNumeral(0)).toThrow(RangeError);
    expect(() => chineseNumeral(2.5)).toThrow(RangeError);
  });
});

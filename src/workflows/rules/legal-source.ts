import type { LegalSource } from './dispute-rules.types';

/**
 * Legal sources are written one way everywhere: "劳动争议调解仲裁法 第十四条" next to
 * "Labour Dispute Mediation and Arbitration Law, Art. 14". Each rules file names its
 * instruments once and cites articles by number, so a name or a numeral cannot drift.
 */
export interface LegalInstrument {
  name: LegalSource;
  /** One or more articles: `article(22, 23)` → 第二十二条、第二十三条 / Arts. 22 and 23. */
  article(...numbers: number[]): LegalSource;
}

export function legalInstrument(name: LegalSource): LegalInstrument {
  return {
    name,
    article: (...numbers) => {
      if (numbers.length === 0) throw new RangeError(`cite at least one article of ${name.zh}`);
      const zh = numbers.map((n) => `第${chineseNumeral(n)}条`).join('、');
      const en = numbers.length === 1 ? `Art. ${numbers[0]}` : `Arts. ${englishList(numbers.map(String))}`;
      return { zh: `${name.zh} ${zh}`, en: `${name.en}, ${en}` };
    },
  };
}

/**
 * A rule the law does not set for this track, taken over from another source (参照).
 * The UI shows it as such, so nobody mistakes a working target for a statutory period.
 */
export function byAnalogy(source: LegalSource): LegalSource {
  return { zh: `参照 ${source.zh}`, en: `By analogy with ${source.en} (no statutory period for this track)` };
}

/** Several sources cited together, e.g. the mediation law and the civil procedure law. */
export function together(...sources: LegalSource[]): LegalSource {
  return {
    zh: sources.map((source) => source.zh).join('；'),
    en: sources.map((source) => source.en).join('; '),
  };
}

const digits = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const units = ['', '十', '百', '千'];

/**
 * The numeral of an article number as statutes write it: 7 七, 10 十, 14 十四, 101 一百零一,
 * 110 一百一十, 205 二百零五, 1260 一千二百六十.
 */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 9999) throw new RangeError(`article number out of range: ${n}`);
  const places = String(n).split('').map(Number).reverse();
  let text = '';
  let zeroPending = false;
  for (let place = places.length - 1; place >= 0; place--) {
    const digit = places[place];
    if (digit === 0) {
      zeroPending = text !== '';
      continue;
    }
    if (zeroPending) text += '零';
    zeroPending = false;
    // 10–19 are written 十, 十一 … without a leading 一
    const leadingTen = place === 1 && digit === 1 && text === '';
    text += (leadingTen ? '' : digits[digit]) + units[place];
  }
  return text;
}

function englishList(items: string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

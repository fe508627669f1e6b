import { z } from 'zod';

/**
 * 风险等级: the risk a dispute grows into a mass incident, a petition or violence, graded 1 (low)
 * to 4 (highest) — one scale for cases and for conflict screening's items (排查). The name and
 * criteria of each grade are words for people, in the locales (`riskGrades.label.<n>`,
 * `riskGrades.criteria.<n>`).
 *
 * Source: LOCAL PRACTICE, not a national rule. No text of 司法部 or 中央政法委 found for this
 * project fixes numbered grades; local screening systems grade in four colours (四色预警:
 * 红/橙/黄/蓝, e.g. 彭州市司法局's 矛盾纠纷排查化解专项行动, 2021). The table maps the four colours
 * to grades 4–1 and is the district's to change; from grade 3 supervisors are told at once.
 */
export const riskGrades = [1, 2, 3, 4] as const;
export type RiskGrade = (typeof riskGrades)[number];

/** From grade 3 supervisors watch a case or an item (high risk). */
export const highRiskGrade: RiskGrade = 3;

/** A grade in a JSON body: a whole number 1–4 (a plain number schema, so forms convert it as one). */
export const riskGradeSchema = z
  .number({ error: 'validation.invalid_value' })
  .int('validation.invalid_value')
  .min(1, 'validation.invalid_value')
  .max(4, 'validation.invalid_value');

/** A grade in a query string or a form field ("3"). */
export const riskGradeParam = z.coerce
  .number({ error: 'validation.invalid_value' })
  .int('validation.invalid_value')
  .min(1, 'validation.invalid_value')
  .max(4, 'validation.invalid_value');

export interface RiskGradeRule {
  grade: RiskGrade;
  /** The warning colour of local practice (四色预警). */
  colour: 'blue' | 'yellow' | 'orange' | 'red';
  /** At least this many people involved points to this grade (a guide, not a cut-off). */
  peopleFrom: number;
}

export const riskGradeSource = {
  zh: '地方实践（四色预警：红、橙、黄、蓝），非国家统一标准；本区可调整',
  en: 'Local practice (four-colour warning: red, orange, yellow, blue), not a national standard; the district may change it',
} as const;

export const riskGradeRules: readonly RiskGradeRule[] = [
  { grade: 1, colour: 'blue', peopleFrom: 1 },
  { grade: 2, colour: 'yellow', peopleFrom: 3 },
  { grade: 3, colour: 'orange', peopleFrom: 5 },
  { grade: 4, colour: 'red', peopleFrom: 30 },
];

/** True when an item or a case of this grade alerts the nearest supervisors at once (grade 3 and up). */
export function alertsSupervisors(grade: number): boolean {
  return grade >= highRiskGrade;
}

import { z } from 'zod';

/**
 * 风险等级: the risk a dispute grows into a mass incident, a petition or violence, graded 1 (low)
 * to 4 (highest) — the scale conflict screening (排查) grades its items by. The criteria of each
 * grade are words for people, in the locales (`riskGrades.<n>.label`, `riskGrades.<n>.criteria`).
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

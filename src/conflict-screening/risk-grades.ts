/**
 * The risk grades of a screened conflict (风险等级), 1 (lowest) to 4 (highest), with what makes
 * each: the people involved, the amount, the risk of escalation or violence, group petitions.
 *
 * Source: LOCAL PRACTICE, not a national rule. No text of 司法部 or 中央政法委 found for this
 * project fixes numbered grades for screened conflicts; local screening systems grade them in
 * four colours (四色预警: 红/橙/黄/蓝, e.g. 彭州市司法局's 矛盾纠纷排查化解专项行动, 2021); a
 * national text naming levels such as 重大/较大/一般 for them was not found. The table below maps the
 * four colours to grades 4–1 and is the district's to change; a grade of 3 or more alerts the
 * supervisors at once.
 */
export const riskGrades = [1, 2, 3, 4] as const;
export type RiskGrade = (typeof riskGrades)[number];

export interface RiskGradeRule {
  grade: RiskGrade;
  /** The warning colour of local practice (四色预警). */
  colour: 'blue' | 'yellow' | 'orange' | 'red';
  /** Locale key of the grade's name and criteria (`screening.grades.<grade>.name|criteria`). */
  key: string;
  /** At least this many people involved points to this grade (a guide, not a cut-off). */
  peopleFrom: number;
  /** Supervisors are told at once (mail), and the overview lists it first. */
  alertsSupervisors: boolean;
}

export const riskGradeSource = {
  zh: '地方实践（四色预警：红、橙、黄、蓝），非国家统一标准；本区可调整',
  en: 'Local practice (four-colour warning: red, orange, yellow, blue), not a national standard; the district may change it',
} as const;

export const riskGradeRules: readonly RiskGradeRule[] = [
  { grade: 1, colour: 'blue', key: 'screening.grades.1', peopleFrom: 1, alertsSupervisors: false },
  { grade: 2, colour: 'yellow', key: 'screening.grades.2', peopleFrom: 3, alertsSupervisors: false },
  { grade: 3, colour: 'orange', key: 'screening.grades.3', peopleFrom: 5, alertsSupervisors: true },
  { grade: 4, colour: 'red', key: 'screening.grades.4', peopleFrom: 30, alertsSupervisors: true },
];

/** True when an item of this grade alerts the unit's nearest supervisors at once. */
export function alertsSupervisors(grade: number): boolean {
  return riskGradeRules.some((rule) => rule.grade === grade && rule.alertsSupervisors);
}

import { DemoRandom } from './demo-random';

/** Why a case's risk was graded anew (SET_RISK_GRADE's reason), up or down. */
const reasons = {
  up: [
    '申请人情绪激动，扬言到区政府上访，风险升高。',
    '涉及人数增加，部分当事人在网上发帖，存在聚集苗头。',
    '双方在调解现场发生肢体冲突，已报警处理，风险升高。',
  ],
  down: ['经多次调解，双方情绪趋于平稳，风险降低。', '被申请人已先行支付部分款项，矛盾有所缓和。'],
} as const;

/**
 * The risk grades (风险等级, rules/risk-grade.ts) of the demo's cases: some graded at
 * registration (mostly 1–2, a few of 3 or 4), a few graded anew during mediation with the reason.
 * Its own seeded generator, so grading draws nothing from the history's stream (the same cases,
 * steps and times as before grades were told).
 */
export class DemoRiskGrading {
  private readonly random: DemoRandom;
  constructor(seed: number) {
    this.random = new DemoRandom(seed);
  }

  /** The grade a case is registered with, or none (most cases are not graded at intake). */
  atRegistration(): 1 | 2 | 3 | 4 | undefined {
    if (!this.random.chance(0.4)) return undefined;
    return this.random.weighted([
      [1, 50],
      [2, 32],
      [3, 13],
      [4, 5],
    ] as const);
  }

  /** For a few cases in mediation: the grade they are graded anew to (never the same), and why. */
  regrade(current: number | null): { riskGrade: number; reason: string } | null {
    if (!this.random.chance(0.07)) return null;
    const from = current ?? 1;
    const up = from === 1 || (from < 4 && this.random.chance(0.6));
    const riskGrade = up ? Math.min(4, from + this.random.int(1, 2)) : from - 1;
    return { riskGrade, reason: this.random.pick(up ? reasons.up : reasons.down) };
  }
}

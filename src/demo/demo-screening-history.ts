import type { Actor } from '../access/actor';
import type { RequestOrigin } from '../audit/audit.service';
import type { ScreeningItemInput } from '../conflict-screening/screening.schemas';
import { periodOf, shiftPeriod } from '../conflict-screening/screening-period';
import type { DisputeType } from '../workflows/rules/dispute-rules.types';
import { startCase } from './demo-case-history';
import { actorOf, count, type HistoryContext, type HistoryKind } from './demo-history-context';
import { personName } from './demo-people';

/** What a workstation finds when it screens its area (排查事项), per type: title, what was seen, what was done. */
const findings: ReadonlyArray<{ type: DisputeType; title: string; description: string; measures: string }> = [
  {
    type: 'neighbourhood',
    title: '相邻住户因违章搭建矛盾激化',
    description: '网格员巡查发现两户因一楼院内违章搭建多次争吵，一方扬言自行拆除。',
    measures: '已上门分别做工作，告知城管执法途径，约定本周内组织双方面谈。',
  },
  {
    type: 'property_management',
    title: '小区业主与物业因停车费上涨产生矛盾',
    description: '部分业主在业主群内串联，拟集体拒交物业费，并聚集物业办公室。',
    measures: '已联系物业暂缓调价，居委牵头召开业主代表座谈会。',
  },
  {
    type: 'labour',
    title: '辖区小微企业拖欠员工工资',
    description: '多名员工反映某餐饮店停业，两个月工资未发放，员工情绪激动。',
    measures: '已告知劳动监察投诉渠道，联系店主说明情况并约定支付时间。',
  },
  {
    type: 'family',
    title: '老人赡养问题引发子女纠纷',
    description: '独居老人反映子女互相推诿赡养责任，老人生活费无着落。',
    measures: '已走访老人并联系各子女，拟召开家庭会议。',
  },
  {
    type: 'demolition_relocation',
    title: '旧改地块个别住户对补偿方案有异议',
    description: '旧区改造地块内三户居民对评估结果不满，拒绝签约，情绪较大。',
    measures: '已会同街镇征收事务所逐户解释政策，安排复核评估。',
  },
  {
    type: 'environmental',
    title: '餐饮油烟扰民引发居民不满',
    description: '沿街餐饮店油烟直排，周边居民多次投诉，并在店门口发生争执。',
    measures: '已联系生态环境部门上门检查，督促店家加装净化设施。',
  },
];

/** People concerned by a finding of each grade, within the grade's range (rules/risk-grade.ts: 1+, 3+, 5+, 30+). */
const peopleOfGrade: Record<number, readonly [number, number]> = {
  1: [1, 2],
  2: [3, 4],
  3: [5, 20],
  4: [30, 60],
};

/** The workstation that leaves one month without even a zero report (缺报), and how many months back. */
const missingAt = { unit: 'MH-XZ-KC', monthsBack: 3 } as const;
/** The workstation where one item found is made a case, and how many months back. */
const madeCaseAt = { unit: 'MH-XZ-XS', monthsBack: 2 } as const;

/** Who files a workstation's round: its own mediator in the demo, else a supervisor over it. */
function filerOf(code: string): string {
  if (code === 'MH-XZ-XS') return 'mediator';
  return code.startsWith('MH-XZ-') ? 'supervisor.street' : 'supervisor';
}

function originOf(actor: Actor): RequestOrigin {
  return { actor: { id: actor.id, username: actor.username }, ip: null };
}

function finding(context: HistoryContext, unitCode: string, grade?: number): ScreeningItemInput {
  const { random } = context;
  const riskGrade =
    grade ??
    random.weighted([
      [1, 50],
      [2, 35],
      [3, 11],
      [4, 4],
    ] as const);
  const found = random.pick(findings);
  const grids = context.gridIds.get(unitCode) ?? [];
  const [least, most] = peopleOfGrade[riskGrade];
  return {
    ...found,
    riskGrade,
    peopleCount: random.int(least, most),
    ...(grids.length > 0 && random.chance(0.7) ? { gridId: random.pick(grids) } : {}),
  };
}

/** The first instant of a period's `day`, 10:00 in Shanghai, plus some hours of the working day. */
function dayOf(period: string, day: number, hours: number): Date {
  return new Date(
    new Date(`${period}-${String(day).padStart(2, '0')}T10:00:00+08:00`).getTime() + hours * 3_600_000,
  );
}

/** One round: a zero report mostly, or the items found; the one scripted item is made a case the day after. */
async function fileRound(context: HistoryContext, code: string, period: string, madeCase: boolean) {
  const { random, services } = context;
  const actor = actorOf(context, filerOf(code));
  const items = madeCase
    ? [finding(context, code, 3)]
    : random.chance(0.8)
      ? []
      : Array.from({ length: random.int(1, 2) }, () => finding(context, code));
  try {
    const filed = await services.screenings.file(
      actor,
      { unitId: context.unitIds.get(code), period, items },
      originOf(actor),
    );
    count(context, items.length === 0 ? 'screening:ZERO_REPORT' : 'screening:FILED');
    if (!madeCase) return;
    context.clock.advanceHours(24);
    const made = await services.screeningItemCases.makeCase(
      actor,
      filed.items[0].id,
      { applicantName: personName(random), respondentName: personName(random) },
      originOf(actor),
    );
    count(context, 'screening:ITEM_TO_CASE');
    await startCase(context, made.caseId, 'mediator');
  } catch (error) {
    count(context, `refused:screening:${(error as { code?: string }).code ?? 'error'}`);
  }
}

/**
 * Conflict screening (矛盾纠纷排查) through the year: every community workstation files its month
 * (a zero report mostly, some items graded 1–4, a few of grade ≥ 3 alerting the supervisors), one
 * item is made a case, and one workstation misses one month, which the daily job flags (缺报).
 */
export const screeningHistory: HistoryKind = async (context) => {
  const { random, services } = context;
  const workstations = [...context.unitIds.keys()].filter((code) => context.gridIds.has(code)).sort();
  const last = periodOf(context.until);
  for (let period = periodOf(context.from); period <= last; period = shiftPeriod(period, 1)) {
    for (const code of workstations) {
      if (code === missingAt.unit && period === shiftPeriod(last, -missingAt.monthsBack)) continue;
      const at = dayOf(period, random.int(20, 27), random.int(0, 6));
      if (at.getTime() < context.from.getTime() || at.getTime() >= context.until.getTime() - 86_400_000)
        continue;
      context.clock.set(at);
      const madeCase = code === madeCaseAt.unit && period === shiftPeriod(last, -madeCaseAt.monthsBack);
      await fileRound(context, code, period, madeCase);
    }
    // the worker's daily job, on the first morning of the next month: a workstation that filed nothing is flagged
    const jobAt = new Date(`${shiftPeriod(period, 1)}-01T06:30:00+08:00`);
    if (jobAt.getTime() >= context.until.getTime()) continue;
    context.clock.set(jobAt);
    const { flagged } = await services.screeningMissing.flagEndedPeriod();
    for (let index = 0; index < flagged; index++) count(context, 'screening:MISSING_FLAGGED');
  }
};

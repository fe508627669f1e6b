import type { Case } from '../cases/case.entity';
import type { RegisterCaseInput } from '../cases/case.schemas';
import { CaseStory, startCase } from './demo-case-history';
import { shanghaiDay } from './demo-clock';
import { actorOf, count, type HistoryContext, type HistoryKind, moveOn } from './demo-history-context';
import { demoPerson } from './demo-people';

/** The property company the group's owners dispute with (a demo company, its 统一社会信用代码 valid). */
const company = {
  kind: 'organisation' as const,
  name: '上海莘闵物业管理有限公司',
  idNumber: '91310112MA1GB12347',
};

/** How long before today the group dispute began (it is still being mediated). */
const daysBack = 52;

function caseOf(context: HistoryContext, master: boolean): RegisterCaseInput {
  const { random } = context;
  const grids = context.gridIds.get('MH-XZ-XS') ?? [];
  return {
    type: 'property_management',
    title: master ? '莘松小区业主与物业公司停车费调价群体性纠纷' : '业主与物业公司停车费调价纠纷',
    description: master
      ? '物业公司拟将小区地面停车费由每月 150 元上调至 300 元，四十余户业主联名反对，并聚集物业办公室，要求撤回调价。'
      : '申请人系小区业主，认为物业公司停车费调价未经业主大会表决，拒绝按新标准缴费，要求维持原收费标准。',
    source: 'walk_in',
    occurredOn: shanghaiDay(new Date(context.clock.now().getTime() - 5 * 86_400_000)),
    ...(grids.length > 0 ? { gridId: grids[0] } : {}),
    ...(master ? { groupSize: random.int(40, 48), riskGrade: 3 } : { riskGrade: 2 }),
    parties: [
      { role: 'applicant', ...demoPerson(random) },
      { role: 'respondent', ...company },
    ],
  };
}

/**
 * One group dispute (群体性纠纷, issue 21) at the 莘松 workstation: the owners of a compound against
 * their property company over a parking-fee rise. The master case (主案, graded 3) is registered
 * first, then 3–5 owners' own cases, each linked to it by the master's number as it is registered;
 * all are taken on, and the master's risk graded down once mediation calms things.
 */
export const groupHistory: HistoryKind = async (context) => {
  const { random, services } = context;
  context.clock.set(new Date(context.until.getTime() - daysBack * 86_400_000));
  if (!moveOn(context, 0)) return;
  const mediator = actorOf(context, 'mediator');
  const register = async (master: boolean): Promise<Case | null> => {
    try {
      const row = await services.caseRegistration.register(mediator, caseOf(context, master));
      count(context, 'group:REGISTER');
      return row;
    } catch (error) {
      count(context, `refused:group:REGISTER:${(error as { code?: string }).code ?? 'error'}`);
      return null;
    }
  };
  const master = await register(true);
  if (!master) return;
  const members: Case[] = [];
  for (let index = random.int(3, 5); index > 0; index--) {
    if (!moveOn(context, random.int(4, 30))) return;
    const member = await register(false);
    if (!member) return;
    members.push(member);
    // linked by the master's number as soon as the owner's case is registered
    await new CaseStory(context, member).joinGroup('mediator', 1, master.number);
  }
  // then each case taken on in the days after (its own story from the same morning)
  const from = context.clock.now();
  let masterStory: CaseStory | null = null;
  for (const row of [master, ...members]) {
    context.clock.set(from);
    const story = await startCase(context, row.id, 'mediator');
    masterStory ??= story;
  }
  await masterStory?.send('mediator', random.int(24, 72), () => ({
    type: 'SET_RISK_GRADE',
    riskGrade: 2,
    reason: '物业公司同意暂缓调价并召开业主大会表决，业主情绪趋于平稳，风险降低。',
  }));
};

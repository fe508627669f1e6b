import type { Petition } from '../petitions/petition.entity';
import type { PetitionEventInput } from '../petitions/petition.schemas';
import { desks, registration } from './demo-case-history';
import { shanghaiDay, shanghaiMoment } from './demo-clock';
import { disputeSketches } from './demo-disputes';
import { actorOf, count, type HistoryContext, type HistoryKind, moveOn, Story } from './demo-history-context';
import { demoPerson } from './demo-people';

/** How many petitions (信访) the demo year holds. */
export const demoPetitionCount = 60;

const matters = [
  ['小区停车收费上调', '信访人反映小区停车费上调未经业主大会表决，要求恢复原收费标准。', 'claim'],
  ['旧改补偿标准', '信访人认为旧区改造补偿标准偏低，要求按市场价重新评估。', 'claim'],
  ['道路积水', '信访人反映雨天路口积水严重，建议改造排水设施。', 'proposal'],
  ['工地夜间施工', '信访人反映附近工地夜间施工扰民，要求有关部门查处。', 'complaint'],
  ['养老服务', '信访人建议在社区增设老年助餐点。', 'proposal'],
  ['拖欠工程款', '信访人反映为某工程项目提供劳务，工程款被拖欠一年有余。', 'claim'],
] as const;

/** One petition's story: registered by the agent, accepted and answered by the town, visited, sometimes reviewed. */
class PetitionStory extends Story {
  constructor(
    context: HistoryContext,
    private row: Petition,
  ) {
    super(context);
  }

  async send(
    username: string,
    hours: number,
    event: (now: Date) => { type: string } & Record<string, unknown>,
  ) {
    let type = 'event';
    const sent = await this.step(
      () => `petition:${type}`,
      hours,
      async () => {
        const built = event(this.context.clock.now());
        type = built.type;
        this.row = await this.context.services.petitionWorkflow.apply(
          actorOf(this.context, username),
          this.row.id,
          {
            ...built,
            expectedVersion: this.row.version,
          } as PetitionEventInput,
        );
        return true;
      },
    );
    return sent === true;
  }

  /** The agent's visit to the petitioner (走访), with what was said and how it went. */
  async visit(hours: number): Promise<void> {
    const { random, services } = this.context;
    const agent = actorOf(this.context, 'agent');
    await this.step('petition:VISIT', hours, async () => {
      await services.petitions.logVisit(agent, this.row.id, {
        visitedAt: shanghaiMoment(this.context.clock.now()),
        place: random.pick(['信访人家中', '镇信访接待室', '居委会活动室']),
        metWith: '信访人本人及家属',
        summary: random.pick([
          '听取信访人诉求，宣传相关政策，信访人情绪平稳。',
          '告知办理进度，信访人表示理解，希望尽快答复。',
          '信访人情绪较为激动，代理员耐心解释并记录诉求。',
        ]),
        mood: random.pick(['calm', 'calm', 'anxious', 'agitated'] as const),
        risk: random.pick(['low', 'low', 'medium', 'high'] as const),
      });
      // a visit is a link of the petition's chain: the petition's version moved on
      this.row = (await services.petitions.getVisible(agent, this.row.id)).row;
    });
  }
}

async function tellPetition(context: HistoryContext): Promise<void> {
  const { random } = context;
  const [subject, content, category] = random.pick(matters);
  let row: Petition;
  try {
    row = await context.services.petitions.register(actorOf(context, 'agent'), {
      subject,
      content,
      category,
      petitioners: [demoPerson(random)],
    });
    count(context, 'petition:REGISTER');
  } catch (error) {
    count(context, `refused:petition:REGISTER:${(error as { code?: string }).code ?? 'error'}`);
    return;
  }
  const story = new PetitionStory(context, row);
  if (!(await story.send('supervisor.street', random.int(4, 48), () => ({ type: 'ACCEPT' })))) return;
  if (category === 'claim' && random.chance(0.4)) {
    // a claim that is a dispute: the town opens a case for it at the workstation, linked to the petition
    const sketch = random.pick(disputeSketches.filter((candidate) => candidate.desk === 'community'));
    await story.send('supervisor.street', random.int(4, 48), () => {
      const { source: _source, ...openCase } = registration(context, sketch, desks.community);
      return { type: 'LINK_CASE', openCase };
    });
  }
  for (let visit = random.int(1, 3); visit > 0; visit--) await story.visit(random.int(48, 240));
  if (random.chance(0.2)) return; // still being handled
  const replied = await story.send('supervisor.street', random.int(72, 400), (now) => ({
    type: 'REPLY',
    opinion: '经调查核实，已责成有关部门依法处理，并将结果告知信访人。',
    deliveredOn: shanghaiDay(now),
  }));
  // only a claim (申请求决类) may be reviewed (信访工作条例 §35)
  if (!replied || category !== 'claim' || !random.chance(0.5)) return;
  await story.send('agent', random.int(48, 300), (now) => ({
    type: 'REQUEST_REVIEW',
    requestedOn: shanghaiDay(now),
    reason: '信访人对处理意见不满意。',
  }));
  await story.send('supervisor', random.int(72, 400), (now) => ({
    type: 'REVIEW_DECIDED',
    opinion: random.pick(['维持原处理意见。', '撤销原处理意见，责成重新办理。']),
    deliveredOn: shanghaiDay(now),
  }));
}

/** A year of petitions at 莘庄镇: registered by the agent, visited, answered, some reviewed by the district. */
export const petitionHistory: HistoryKind = async (context) => {
  const span = context.until.getTime() - context.from.getTime();
  for (let index = 0; index < demoPetitionCount; index++) {
    const registeredAt =
      context.from.getTime() + (span * (index + context.random.next())) / demoPetitionCount;
    context.clock.set(new Date(Math.min(registeredAt, context.until.getTime() - 3_600_000)));
    moveOn(context, 0);
    await tellPetition(context);
  }
};

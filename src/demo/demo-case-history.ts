import type { Case } from '../cases/case.entity';
import type { CaseEventInput, RegisterCaseInput } from '../cases/case.schemas';
import { shanghaiDay, shanghaiMoment } from './demo-clock';
import { type DisputeSketch, disputeSketches } from './demo-disputes';
import {
  actorOf,
  count,
  type HistoryContext,
  type HistoryKind,
  moveOn,
  Story,
  unitIdOf,
} from './demo-history-context';
import { demoCompany, demoPerson } from './demo-people';
import { DemoRiskGrading } from './demo-risk-grades';

/** The seed of the cases' risk grades (their own stream: see DemoRiskGrading). */
const gradingSeed = 20_261_204;

/** How many cases the demo year holds. */
export const demoCaseCount = 300;

type DemoEvent = { type: string } & Record<string, unknown>;

/** Who holds a case of each desk: the unit, the registering and mediating account, how it is accepted. */
export const desks = {
  community: { unit: 'MH-XZ-XS', mediator: 'mediator', accept: { track: 'people', level: 'community' } },
  street: { unit: 'MH-XZ', mediator: 'mediator.street', accept: { track: 'people', level: 'street' } },
  labour: { unit: 'MH-RSJ', mediator: 'mediator.labour', accept: { track: 'administrative' } },
  medical: { unit: 'MH-WJW', mediator: 'mediator.medical', accept: { track: 'administrative' } },
} as const;
type Desk = (typeof desks)[keyof typeof desks];

/** One case's story, told through the real write path as the account that would take each step. */
export class CaseStory extends Story {
  constructor(
    context: HistoryContext,
    public row: Case,
  ) {
    super(context);
  }

  async send(username: string, hours: number, event: (now: Date) => DemoEvent): Promise<boolean> {
    let type = 'event';
    const sent = await this.step(
      () => `case:${type}`,
      hours,
      async () => {
        const built = event(this.context.clock.now());
        type = built.type;
        this.row = await this.context.services.caseWorkflow.apply(
          actorOf(this.context, username),
          this.row.id,
          {
            ...built,
            expectedVersion: this.row.version,
          } as CaseEventInput,
        );
        return true;
      },
    );
    return sent === true;
  }

  /** The case joins the group of the master case numbered `masterNumber` (群体性纠纷, linked by number). */
  async joinGroup(username: string, hours: number, masterNumber: string): Promise<boolean> {
    const linked = await this.step('group:LINKED', hours, () =>
      this.context.services.caseGroups.link(actorOf(this.context, username), this.row.id, { masterNumber }),
    );
    return linked !== null;
  }

  /** A supervisor of the unit handed up to reviews the hand-off: endorsed, or questioned with a comment. */
  async review(username: string, hours: number, endorsed: boolean): Promise<void> {
    await this.step(`review:${endorsed ? 'endorsed' : 'questioned'}`, hours, async () => {
      const id = await this.context.pendingEscalationOf(this.row.id);
      if (!id) throw new Error('no hand-off awaiting review');
      return this.context.services.escalations.review(
        actorOf(this.context, username),
        null,
        id,
        endorsed ? 'endorsed' : 'questioned',
        endorsed ? undefined : '上报理由不充分，请补充前期调解情况说明。',
      );
    });
  }
}

export function registration(context: HistoryContext, sketch: DisputeSketch, desk: Desk): RegisterCaseInput {
  const { random } = context;
  const today = context.clock.now();
  const occurred = new Date(today.getTime() - random.int(1, 40) * 86_400_000);
  const grids = context.gridIds.get(desk.unit) ?? [];
  return {
    type: sketch.type,
    title: random.pick(sketch.titles),
    description: random.pick(sketch.descriptions),
    source: random.weighted([
      ['walk_in', 6],
      ['hotline_12345', 3],
      ['grid_patrol', grids.length > 0 ? 2 : 0],
      ['police_110', 1],
    ] as const),
    occurredOn: shanghaiDay(occurred),
    ...(sketch.type === 'labour' ? { knewOn: shanghaiDay(occurred) } : {}),
    ...(sketch.amount ? { amountInDispute: random.int(sketch.amount[0], sketch.amount[1]) } : {}),
    ...(grids.length > 0 && random.chance(0.7) ? { gridId: random.pick(grids) } : {}),
    // no SMS consent: the demo's invented numbers are never texted
    parties: [
      { role: 'applicant', ...demoPerson(random) },
      { role: 'respondent', ...(sketch.againstCompany ? demoCompany(random) : demoPerson(random)) },
    ],
  };
}

/** Whether the clock is in the last six weeks of the year told (the cases still open are mostly these). */
function isRecent(context: HistoryContext): boolean {
  return context.until.getTime() - context.clock.now().getTime() < 42 * 86_400_000;
}

/** Sessions held: each with its minutes, the parties there. */
export async function sessions(story: CaseStory, context: HistoryContext, mediator: string, howMany: number) {
  for (let index = 0; index < howMany; index++) {
    await story.send(mediator, context.random.int(48, 150), (now) => ({
      type: 'LOG_SESSION',
      kind: context.random.pick(['session', 'session', 'visit'] as const),
      heldAt: shanghaiMoment(now),
      minutes: context.random.pick([
        '双方陈述各自诉求，调解员释法析理，双方同意继续协商。',
        '调解员分别做双方工作，被申请人同意适当让步。',
        '实地查看现场，核实损失情况，约定下次调解时间。',
      ]),
      attendees: '申请人、被申请人、调解员',
    }));
  }
}

/** An agreement, then a follow-up visit, then fulfilled (mostly) or breached; sometimes confirmed by the court first. */
async function agreement(story: CaseStory, context: HistoryContext, sketch: DisputeSketch, mediator: string) {
  const { random } = context;
  const confirm = sketch.desk !== 'labour' && sketch.desk !== 'medical' && random.chance(0.25);
  const agreed = await story.send(mediator, random.int(24, 120), (now) => ({
    type: 'REACH_AGREEMENT',
    form: 'written',
    terms: random.pick(sketch.terms),
    performBy: shanghaiDay(new Date(now.getTime() + 30 * 86_400_000)),
    ...(confirm ? { confirmable: true } : {}),
  }));
  if (!agreed) return;
  if (confirm) {
    await story.send(mediator, random.int(24, 72), (now) => ({
      type: 'REQUEST_JUDICIAL_CONFIRMATION',
      court: unitIdOf(context, 'MH-FY'),
      appliedOn: shanghaiDay(now),
      jointlyApplied: true,
    }));
    await story.send('mediator.court', random.int(72, 400), (now) => ({
      type: 'CONFIRMED',
      rulingNo: `（${now.getUTCFullYear()}）沪0112民特${random.int(100, 2999)}号`,
      ruledOn: shanghaiDay(now),
    }));
  }
  const breached = random.chance(0.15);
  await story.send(mediator, random.int(240, 600), (now) => ({
    type: 'RECORD_FOLLOW_UP',
    visitedAt: shanghaiMoment(now),
    note: breached ? '回访时被申请人表示暂无能力履行。' : '回访时双方表示协议正在履行，关系缓和。',
    performed: breached ? 'none' : random.pick(['full', 'partial'] as const),
  }));
  if (random.chance(0.15)) return; // still being performed
  await story.send(mediator, random.int(48, 300), () =>
    breached
      ? { type: 'BREACHED', note: '被申请人逾期未履行协议。' }
      : { type: 'FULFILLED', note: '协议已履行完毕。' },
  );
}

/** How a mediation ends: agreement, failure with guidance, withdrawal, or (recent cases) not yet. */
async function ending(story: CaseStory, context: HistoryContext, sketch: DisputeSketch, mediator: string) {
  const { random } = context;
  // a case of the last weeks may still be in mediation; an old one mostly came to an end
  const end = random.weighted([
    ['agreement', 60],
    ['fail', 15],
    ['withdraw', 10],
    ['open', isRecent(context) ? 40 : 4],
  ] as const);
  if (end === 'agreement') return agreement(story, context, sketch, mediator);
  if (end === 'fail')
    await story.send(mediator, random.int(72, 300), () => ({
      type: 'FAIL',
      reason: '双方分歧较大，经多次调解未能达成一致。',
      guidance: sketch.type === 'labour' ? 'arbitration' : 'litigation',
    }));
  if (end === 'withdraw')
    await story.send(mediator, random.int(48, 200), () => ({
      type: 'WITHDRAW',
      by: random.pick(['applicant', 'both'] as const),
      note: '申请人表示双方已自行和解。',
    }));
}

/** Handed up to the town (reviewed there), mediated there or returned down with instructions. */
async function handedUp(story: CaseStory, context: HistoryContext, sketch: DisputeSketch) {
  const { random } = context;
  const up = await story.send('mediator', random.int(24, 96), () => ({
    type: 'ESCALATE',
    reasonCode: random.pick(['beyond_authority', 'multi_party', 'cross_area', 'high_risk'] as const),
    reason: '涉及多方利益，社区层面难以协调，申请街镇调解。',
  }));
  if (!up) return;
  await story.review('supervisor.street', random.int(4, 30), random.chance(0.75));
  await story.send('mediator.street', random.int(4, 48), () => ({
    type: 'ASSIGN',
    mediatorUsername: 'mediator.street',
  }));
  if (random.chance(0.25)) {
    await story.send('mediator.street', random.int(24, 72), () => ({
      type: 'RETURN_DOWN',
      instructions: '请社区继续做好双方工作，街镇司法所予以指导。',
    }));
    await story.send('mediator', random.int(4, 24), () => ({ type: 'ASSIGN', mediatorUsername: 'mediator' }));
    await sessions(story, context, 'mediator', 1);
    return ending(story, context, sketch, 'mediator');
  }
  await sessions(story, context, 'mediator.street', random.int(1, 2));
  return ending(story, context, sketch, 'mediator.street');
}

/**
 * A labour dispute brought to the workstation, mediated there once, then transferred (移送) to the
 * labour bureau, the type's competent body, which mediates it on the administrative track.
 */
async function transferred(story: CaseStory, context: HistoryContext, sketch: DisputeSketch) {
  const { random } = context;
  const moved = await story.send('mediator', random.int(24, 96), () => ({
    type: 'TRANSFER',
    toTrack: 'administrative',
    unitId: unitIdOf(context, 'MH-RSJ'),
    reason: '涉及劳动报酬和经济补偿，移送区人社局调解。',
  }));
  if (!moved) return;
  if (story.row.state === 'screening')
    await story.send('mediator.labour', random.int(24, 72), () => ({
      type: 'ACCEPT',
      track: 'administrative',
      unitId: unitIdOf(context, 'MH-RSJ'),
    }));
  await story.send('mediator.labour', random.int(4, 48), () => ({
    type: 'ASSIGN',
    mediatorUsername: 'mediator.labour',
  }));
  await sessions(story, context, 'mediator.labour', random.int(1, 2));
  return ending(story, context, sketch, 'mediator.labour');
}

/** One case from registration to wherever its year took it. */
async function tellCase(
  context: HistoryContext,
  sketch: DisputeSketch,
  grading: DemoRiskGrading,
): Promise<void> {
  const { random, services } = context;
  // a third of the labour disputes come to the workstation first, and are transferred to the bureau
  const transfer = sketch.type === 'labour' && random.chance(0.35);
  const desk = desks[transfer ? 'community' : sketch.desk];
  let row: Case;
  try {
    const input = registration(context, sketch, desk);
    const riskGrade = grading.atRegistration();
    row = await services.caseRegistration.register(actorOf(context, desk.mediator), {
      ...input,
      ...(riskGrade ? { riskGrade } : {}),
    });
    count(context, 'case:REGISTER');
  } catch (error) {
    count(context, `refused:case:REGISTER:${(error as { code?: string }).code ?? 'error'}`);
    return;
  }
  const story = new CaseStory(context, row);
  if (isRecent(context) && random.chance(0.15)) return; // registered only, screening not begun
  await story.send(desk.mediator, random.int(1, 6), () => ({ type: 'SUBMIT' }));
  if (random.chance(0.06)) {
    await story.send(desk.mediator, random.int(24, 72), () => ({
      type: 'DECLINE',
      reason: '不属于人民调解受理范围，已告知当事人向有关部门反映。',
    }));
    return;
  }
  // a department accepts on the administrative track as itself (the type's competent body)
  const acceptingUnit =
    desk.accept.track === 'administrative' ? { unitId: unitIdOf(context, desk.unit) } : {};
  await story.send(desk.mediator, random.int(20, 60), () => ({
    ...desk.accept,
    ...acceptingUnit,
    type: 'ACCEPT',
  }));
  await story.send(desk.mediator, random.int(2, 30), () => ({
    type: 'ASSIGN',
    mediatorUsername: desk.mediator,
  }));
  await sessions(story, context, desk.mediator, random.int(1, 3));
  const regraded = grading.regrade(story.row.riskGrade);
  if (regraded) await story.send(desk.mediator, 2, () => ({ type: 'SET_RISK_GRADE', ...regraded }));
  if (transfer) return transferred(story, context, sketch);
  if (sketch.desk === 'community' && random.chance(0.18)) return handedUp(story, context, sketch);
  return ending(story, context, sketch, desk.mediator);
}

/**
 * A year of cases at the demo units (issue 21): registered through the year, most of them
 * mediated to an end, the recent ones still open, each told through the real write path.
 */
export const caseHistory: HistoryKind = async (context) => {
  const span = context.until.getTime() - context.from.getTime();
  const weights = disputeSketches.map((sketch) => [sketch, sketch.desk === 'community' ? 3 : 1] as const);
  const grading = new DemoRiskGrading(gradingSeed);
  for (let index = 0; index < demoCaseCount; index++) {
    // registrations spread evenly over the year, in the order they happened
    const registeredAt = context.from.getTime() + (span * (index + context.random.next())) / demoCaseCount;
    context.clock.set(new Date(Math.min(registeredAt, context.until.getTime() - 3_600_000)));
    moveOn(context, 0);
    await tellCase(context, context.random.weighted(weights), grading);
  }
};

/**
 * A case registered by another kind of history (an item found by screening, a group's cases)
 * taken on at the workstation: submitted, accepted, a mediator assigned, a session or two held.
 */
export async function startCase(
  context: HistoryContext,
  caseId: string,
  username: string,
): Promise<CaseStory> {
  const { row } = await context.services.cases.getVisible(actorOf(context, username), caseId);
  const story = new CaseStory(context, row);
  await story.send(username, context.random.int(1, 6), () => ({ type: 'SUBMIT' }));
  await story.send(username, context.random.int(20, 60), () => ({
    ...desks.community.accept,
    type: 'ACCEPT',
  }));
  await story.send(username, context.random.int(2, 30), () => ({
    type: 'ASSIGN',
    mediatorUsername: username,
  }));
  await sessions(story, context, username, context.random.int(1, 2));
  return story;
}

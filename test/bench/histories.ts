import { handOffRecordOf } from '../../src/cases/hand-off-record';
import { dueDateOf } from '../../src/deadlines/period';
import { addDays } from '../../src/deadlines/plain-date';
import { officialCalendar } from '../../src/deadlines/working-calendar';
import type { MediationLevel } from '../../src/units/unit.entity';
import {
  type CaseContext,
  type CaseEvent,
  caseMachine,
  caseRulesExcerpt,
  caseStatePath,
} from '../../src/workflows/case.machine';
import { applyEvent, type PersistedState, startMachine } from '../../src/workflows/machine-runner';
import { rulesFor } from '../../src/workflows/rules';
import type { DisputeType, Track } from '../../src/workflows/rules/dispute-rules.types';

/**
 * Template histories: each one a short story of a dispute (registered, accepted at some
 * level, escalated, settled or not …) run ONCE per dispute type through the real case
 * statechart (`startMachine` / `applyEvent`). Ids and dates in the run are sentinels; the
 * generator instantiates a template for each case by substituting the case's own units,
 * mediators and dates, so every snapshot and every column is what the workflow produced.
 */

/** The variables a template refers to: the case's units and the people acting on it. */
export const vars = ['C', 'S', 'D', 'DEPT', 'COURT', 'mC', 'mS', 'mD', 'mDEPT', 'mCOURT', 'SUP'] as const;
export type Var = (typeof vars)[number];
const varIndex = Object.fromEntries(vars.map((name, index) => [name, index])) as Record<Var, number>;

/** A uuid that stands for variable `name` in a template run. */
export function sentinel(name: Var): string {
  return `00000000-0000-4000-8000-0000000000${(0xa0 + varIndex[name]).toString(16)}`;
}
export const sentinelPattern = /00000000-0000-4000-8000-0000000000([a-f0-9]{2})/g;
export function varOfSentinel(id: string | null): Var | null {
  if (!id) return null;
  const match = /^00000000-0000-4000-8000-0000000000([a-f0-9]{2})$/.exec(id);
  return match ? vars[Number.parseInt(match[1], 16) - 0xa0] : null;
}

/** Template day `n` (2000-01-01 is day 0); the generator shifts these to the case's own dates. */
export const templateBase = '2000-01-01';
export const templateDatePattern = /2000-(\d\d)-(\d\d)/g;
const day = (n: number) => addDays(templateBase, n);
const at = (n: number) => `${day(n)}T10:00:00+08:00`;

const mediatorOf: Record<string, Var> = { C: 'mC', S: 'mS', D: 'mD', DEPT: 'mDEPT', COURT: 'mCOURT' };
const unitOfActor: Record<Var, Var> = {
  C: 'C',
  S: 'S',
  D: 'D',
  DEPT: 'DEPT',
  COURT: 'COURT',
  mC: 'C',
  mS: 'S',
  mD: 'D',
  mDEPT: 'DEPT',
  mCOURT: 'COURT',
  SUP: 'D',
};
const unitAtLevel: Record<MediationLevel, Var> = { community: 'C', street: 'S', district: 'D' };

interface Step {
  day: number;
  /** Who sends it; default: a mediator of the unit holding the case. */
  by?: Var;
  event: (context: CaseContext) => CaseEvent;
}

interface TemplateSpec {
  name: string;
  weight: number;
  registerAt: 'community' | 'street';
  /** Only for the four first-class types (they have a department of their own). */
  firstClassOnly?: boolean;
  onlyTypes?: DisputeType[];
  steps: Step[];
}

/** One operation on the stage clock, replayed with real dates by the generator. */
export type ClockOp = { op: 'start'; day: number; track: Track } | { op: 'pause' | 'resume'; day: number };

export interface TemplateEvent {
  day: number;
  type: string;
  payloadJson: string;
  from: string | null;
  to: string;
  actor: Var;
  unit: Var;
}

export interface TemplateRun {
  name: string;
  type: DisputeType;
  registerAt: 'community' | 'street';
  open: boolean;
  weight: number;
  span: number;
  events: TemplateEvent[];
  snapshotJson: string;
  state: string;
  outcome: string | null;
  track: Track | null;
  level: MediationLevel | null;
  holding: Var;
  mediator: Var | null;
  held: Var[];
  registeredLevel: MediationLevel;
  resolvedLevel: MediationLevel | null;
  /** The events (seq) that screened, accepted and closed the case. */
  screenedSeq: number | null;
  acceptedSeq: number | null;
  closedSeq: number | null;
  /** Clock of the current stage (open mediation) or of the stage the case closed in; null: none running. */
  clock: ClockOp[] | null;
  sessions: Array<{ seq: number; kind: string; day: number; minutes: string; place: string; by: Var }>;
  agreements: Array<{
    seq: number;
    form: string;
    terms: string;
    performByDay: number | null;
    reachedDay: number;
    windowEndsOn: string | null;
    status: string;
    confirmed: boolean;
    rulingNo: string | null;
  }>;
  escalations: Array<{
    seq: number;
    kind: string;
    from: Var;
    to: Var;
    fromLevel: string | null;
    toLevel: string | null;
    fromTrack: string | null;
    toTrack: string | null;
    reasonCode: string | null;
    reason: string;
    sessionsHeld: number;
    daysHeld: number;
    day: number;
    by: Var;
  }>;
}

// --- the steps ---------------------------------------------------------------------------

const submit = (d: number): Step => ({ day: d, event: () => ({ type: 'SUBMIT' }) });
const acceptPeople = (d: number, level: MediationLevel): Step => ({
  day: d,
  event: () => ({ type: 'ACCEPT', track: 'people', level, unitId: sentinel(unitAtLevel[level]) }),
});
const acceptAdministrative = (d: number): Step => ({
  day: d,
  event: () => ({ type: 'ACCEPT', track: 'administrative', unitId: sentinel('DEPT') }),
});
const assign = (d: number, mediator: Var): Step => ({
  day: d,
  by: mediator,
  event: () => ({ type: 'ASSIGN', mediatorId: sentinel(mediator) }),
});
const sessionMinutes = [
  '双方当事人到场，调解员听取各自陈述，核对证据材料，初步明确争议焦点。',
  '背靠背分别做工作，申请人同意在赔偿数额上作出让步，被申请人表示回去商量。',
  '组织现场查看，邀请社区法律顾问释法说理，双方情绪趋于平稳。',
  '电话回访双方，约定下周再次面对面协商具体付款方式。',
];
const logSession = (d: number, kind: 'session' | 'hearing' | 'visit' = 'session'): Step => ({
  day: d,
  event: () => ({
    type: 'LOG_SESSION',
    kind,
    heldAt: at(d),
    minutes: sessionMinutes[d % sessionMinutes.length],
    place: kind === 'visit' ? '当事人家中' : '人民调解室',
  }),
});
const agreementTerms = [
  '被申请人于约定日期前一次性支付赔偿款，申请人放弃其他请求。',
  '双方同意分三期履行，逾期未付的，申请人可就剩余款项申请强制执行。',
  '被申请人负责修复受损设施并承担相关费用，双方今后互谅互让、和睦相处。',
];
const reachAgreement = (d: number, form: 'written' | 'oral', performIn?: number): Step => ({
  day: d,
  event: (context) => {
    const rules = rulesFor(context.type);
    const window = rules.judicialConfirmation;
    const confirmable = form === 'written' && (context.track === 'people' || context.track === 'judicial');
    return {
      type: 'REACH_AGREEMENT',
      form,
      terms: agreementTerms[d % agreementTerms.length],
      performBy: performIn === undefined ? undefined : day(d + performIn),
      reachedOn: day(d),
      confirmationWindowEndsOn: confirmable
        ? dueDateOf(day(d), window.applicationWindow, officialCalendar)
        : null,
    };
  },
});
const escalate = (
  d: number,
  to: Var,
  reasonCode: 'beyond_authority' | 'multi_party' | 'high_risk',
): Step => ({
  day: d,
  event: () => ({
    type: 'ESCALATE',
    reasonCode,
    reason: '涉及人数较多、金额较大，本级调解难以化解，报请上级调解组织协调。',
    unitId: sentinel(to),
  }),
});
const returnDown = (d: number, to: Var): Step => ({
  day: d,
  event: () => ({
    type: 'RETURN_DOWN',
    instructions: '请属地工作站就近组织调解，及时反馈进展。',
    unitId: sentinel(to),
  }),
});
const transfer = (d: number, toTrack: 'administrative' | 'judicial'): Step => ({
  day: d,
  event: () => ({
    type: 'TRANSFER',
    toTrack,
    unitId: sentinel(toTrack === 'judicial' ? 'COURT' : 'DEPT'),
    reason: toTrack === 'judicial' ? '当事人已起诉，委派诉调对接中心调解。' : '需行政机关依职权处理。',
  }),
});
const fail = (d: number): Step => ({
  day: d,
  event: (context) => ({
    type: 'FAIL',
    reason: '双方分歧较大，经多次调解未能达成协议。',
    guidance: context.rules.failureGuidance[0],
  }),
});
const withdraw = (d: number): Step => ({
  day: d,
  event: () => ({ type: 'WITHDRAW', by: 'applicant', note: '申请人表示双方已自行和解。' }),
});
const suspend = (d: number, reason: 'appraisal' | 'other'): Step => ({
  day: d,
  event: () => ({
    type: 'SUSPEND',
    reason,
    note: reason === 'appraisal' ? '委托医疗损害鉴定' : '当事人住院',
  }),
});
const resume = (d: number): Step => ({ day: d, event: () => ({ type: 'RESUME' }) });
const requestConfirmation = (d: number): Step => ({
  day: d,
  event: () => ({
    type: 'REQUEST_JUDICIAL_CONFIRMATION',
    court: sentinel('COURT'),
    appliedOn: day(d),
    jointlyApplied: true,
  }),
});
const confirmed = (d: number): Step => ({
  day: d,
  event: () => ({ type: 'CONFIRMED', rulingNo: '（2000）沪0112民特号', ruledOn: day(d) }),
});
const followUp = (d: number, performed: 'full' | 'partial' | 'none'): Step => ({
  day: d,
  event: () => ({ type: 'RECORD_FOLLOW_UP', visitedAt: at(d), note: '电话回访履行情况。', performed }),
});
const fulfilled = (d: number): Step => ({ day: d, event: () => ({ type: 'FULFILLED', note: '已履行完毕' }) });
const breached = (d: number): Step => ({
  day: d,
  event: () => ({ type: 'BREACHED', note: '逾期未履行', guidance: [] }),
});
const resumeMediation = (d: number): Step => ({ day: d, event: () => ({ type: 'RESUME_MEDIATION' }) });
const decline = (d: number): Step => ({
  day: d,
  event: () => ({ type: 'DECLINE', reason: '不属于人民调解受理范围。' }),
});
const referOut = (d: number): Step => ({
  day: d,
  event: () => ({
    type: 'REFER_OUT',
    agency: 'arbitration',
    reason: '已申请劳动仲裁。',
    periodRunOut: false,
  }),
});
const reopen = (d: number): Step => ({
  day: d,
  by: 'SUP',
  event: () => ({ type: 'REOPEN', reason: '当事人提供新证据，重新审查。' }),
});

/** The stories, with how common each is among cases of its kind (closed or open). */
const specs: TemplateSpec[] = [
  // closed ----------------------------------------------------------------------------
  {
    name: 'resolved-community-oral',
    weight: 30,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(3),
      reachAgreement(3, 'oral'),
      fulfilled(10),
    ],
  },
  {
    name: 'resolved-community-written',
    weight: 14,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(2, 'mC'),
      logSession(4),
      logSession(9, 'visit'),
      reachAgreement(12, 'written', 30),
      followUp(30, 'partial'),
      fulfilled(41),
    ],
  },
  {
    name: 'resolved-judicially-confirmed',
    weight: 5,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(5),
      reachAgreement(8, 'written', 60),
      requestConfirmation(12),
      { ...confirmed(30), by: 'mC' },
      followUp(50, 'full'),
      fulfilled(66),
    ],
  },
  {
    name: 'escalated-to-street-resolved',
    weight: 8,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(4),
      escalate(9, 'S', 'multi_party'),
      assign(10, 'mS'),
      logSession(14, 'hearing'),
      reachAgreement(20, 'written', 20),
      fulfilled(38),
    ],
  },
  {
    name: 'escalated-twice-failed',
    weight: 3,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(2, 'mC'),
      logSession(5),
      escalate(12, 'S', 'beyond_authority'),
      assign(13, 'mS'),
      logSession(18),
      escalate(26, 'D', 'high_risk'),
      assign(27, 'mD'),
      logSession(33, 'hearing'),
      fail(45),
    ],
  },
  {
    name: 'failed-community',
    weight: 7,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(4),
      logSession(11),
      fail(20),
    ],
  },
  {
    name: 'withdrawn',
    weight: 5,
    registerAt: 'community',
    steps: [submit(0), acceptPeople(1, 'community'), assign(2, 'mC'), logSession(6), withdraw(9)],
  },
  { name: 'declined', weight: 5, registerAt: 'community', steps: [submit(0), decline(2)] },
  {
    name: 'referred-out',
    weight: 3,
    registerAt: 'community',
    onlyTypes: ['labour'],
    steps: [submit(0), referOut(1)],
  },
  {
    name: 'breached',
    weight: 3,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(3),
      reachAgreement(6, 'oral', 15),
      followUp(22, 'none'),
      breached(25),
    ],
  },
  {
    name: 'breached-resumed-resolved',
    weight: 2,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(3),
      reachAgreement(6, 'oral', 15),
      resumeMediation(24),
      logSession(27),
      reachAgreement(30, 'oral'),
      fulfilled(33),
    ],
  },
  {
    name: 'street-resolved',
    weight: 8,
    registerAt: 'street',
    steps: [
      submit(0),
      acceptPeople(1, 'street'),
      assign(2, 'mS'),
      logSession(6, 'hearing'),
      reachAgreement(13, 'written', 15),
      fulfilled(27),
    ],
  },
  {
    name: 'street-returned-down-resolved',
    weight: 2,
    registerAt: 'street',
    steps: [
      submit(0),
      acceptPeople(1, 'street'),
      assign(1, 'mS'),
      returnDown(3, 'C'),
      assign(4, 'mC'),
      logSession(7),
      reachAgreement(7, 'oral'),
      fulfilled(12),
    ],
  },
  {
    name: 'administrative-resolved',
    weight: 6,
    registerAt: 'community',
    firstClassOnly: true,
    steps: [
      submit(0),
      acceptAdministrative(2),
      assign(3, 'mDEPT'),
      logSession(8, 'hearing'),
      reachAgreement(14, 'written', 30),
      fulfilled(40),
    ],
  },
  {
    name: 'transferred-to-court-resolved',
    weight: 3,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(5),
      transfer(12, 'judicial'),
      assign(14, 'mCOURT'),
      logSession(20, 'hearing'),
      reachAgreement(26, 'written', 30),
      fulfilled(50),
    ],
  },
  {
    name: 'appraisal-suspended-resolved',
    weight: 25,
    registerAt: 'community',
    onlyTypes: ['medical'],
    steps: [
      submit(0),
      acceptPeople(1, 'street'),
      assign(2, 'mS'),
      logSession(5),
      suspend(8, 'appraisal'),
      resume(40),
      logSession(45, 'hearing'),
      reachAgreement(50, 'written', 30),
      fulfilled(70),
    ],
  },
  {
    name: 'declined-reopened-resolved',
    weight: 1,
    registerAt: 'community',
    steps: [
      submit(0),
      decline(2),
      reopen(15),
      acceptPeople(16, 'community'),
      assign(16, 'mC'),
      logSession(20),
      reachAgreement(22, 'oral'),
      fulfilled(25),
    ],
  },
];

/** Open cases: where things stand for the cases still running. */
const openSpecs: TemplateSpec[] = [
  { name: 'open-registered', weight: 2, registerAt: 'community', steps: [] },
  { name: 'open-screening', weight: 8, registerAt: 'community', steps: [submit(0)] },
  {
    name: 'open-awaiting-mediator',
    weight: 10,
    registerAt: 'community',
    steps: [submit(0), acceptPeople(1, 'community')],
  },
  {
    name: 'open-in-progress',
    weight: 35,
    registerAt: 'community',
    steps: [submit(0), acceptPeople(1, 'community'), assign(1, 'mC'), logSession(4)],
  },
  {
    name: 'open-in-progress-street',
    weight: 10,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(3),
      escalate(6, 'S', 'multi_party'),
      assign(7, 'mS'),
      logSession(10, 'hearing'),
    ],
  },
  {
    name: 'open-escalated-awaiting',
    weight: 5,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(3),
      escalate(8, 'S', 'beyond_authority'),
    ],
  },
  {
    name: 'open-suspended',
    weight: 4,
    registerAt: 'community',
    steps: [submit(0), acceptPeople(1, 'community'), assign(2, 'mC'), logSession(4), suspend(6, 'other')],
  },
  {
    name: 'open-awaiting-fulfilment',
    weight: 20,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(3),
      reachAgreement(5, 'written', 30),
    ],
  },
  {
    name: 'open-judicial-confirmation',
    weight: 3,
    registerAt: 'community',
    steps: [
      submit(0),
      acceptPeople(1, 'community'),
      assign(1, 'mC'),
      logSession(3),
      reachAgreement(5, 'written', 45),
      requestConfirmation(7),
    ],
  },
  {
    name: 'open-administrative',
    weight: 6,
    registerAt: 'community',
    firstClassOnly: true,
    steps: [submit(0), acceptAdministrative(1), assign(2, 'mDEPT'), logSession(6, 'hearing')],
  },
];

/** The benchmark's own working set: a case in mediation.inProgress, ready for LOG_SESSION. */
export const inProgressTemplateName = 'open-in-progress';

const firstClass: DisputeType[] = ['land_requisition', 'demolition_relocation', 'labour', 'medical'];

function levelOfUnit(unit: Var): MediationLevel | null {
  return unit === 'C' ? 'community' : unit === 'S' ? 'street' : unit === 'D' ? 'district' : null;
}

/** Runs one template for one dispute type through the statechart; null when the story does not fit the type. */
function runTemplate(spec: TemplateSpec, type: DisputeType, open: boolean): TemplateRun | null {
  if (spec.firstClassOnly && !firstClass.includes(type)) return null;
  if (spec.onlyTypes && !spec.onlyTypes.includes(type)) return null;
  const rules = rulesFor(type);
  const registeredUnit: Var = spec.registerAt === 'street' ? 'S' : 'C';
  let state: PersistedState<CaseContext> = startMachine(caseMachine, {
    type,
    rules: caseRulesExcerpt(rules),
    holdingUnitId: sentinel(registeredUnit),
  });
  const registration: TemplateEvent = {
    day: 0,
    type: 'REGISTERED',
    payloadJson: '',
    from: null,
    to: 'registered',
    actor: mediatorOf[registeredUnit],
    unit: registeredUnit,
  };
  const run: TemplateRun = {
    name: spec.name,
    type,
    registerAt: spec.registerAt,
    open,
    weight: spec.weight,
    span: 0,
    events: [registration],
    snapshotJson: '',
    state: 'registered',
    outcome: null,
    track: null,
    level: null,
    holding: registeredUnit,
    mediator: null,
    held: [registeredUnit],
    registeredLevel: levelOfUnit(registeredUnit) as MediationLevel,
    resolvedLevel: null,
    screenedSeq: null,
    acceptedSeq: null,
    closedSeq: null,
    clock: null,
    sessions: [],
    agreements: [],
    escalations: [],
  };
  let clock: ClockOp[] | null = null;
  let holdSince = 0;
  const startsStage = [
    'ACCEPT',
    'ESCALATE',
    'RETURN_DOWN',
    'TRANSFER',
    'CONFIRMATION_REJECTED',
    'RESUME_MEDIATION',
  ];
  for (const step of spec.steps) {
    const before = state.context;
    const holding = varOfSentinel(before.holdingUnitId) as Var;
    const event = step.event(before);
    let stepped: ReturnType<typeof applyEvent<typeof caseMachine>>;
    try {
      stepped = applyEvent(caseMachine, state, event);
    } catch {
      return null; // e.g. FAIL guidance or judicial confirmation the type does not offer
    }
    const after = stepped.next.context as CaseContext;
    const actor = step.by ?? mediatorOf[holding];
    const toState = caseStatePath(stepped.next.value);
    const seq = run.events.length + 1;
    run.events.push({
      day: step.day,
      type: event.type,
      payloadJson: JSON.stringify(event),
      from: stepped.from,
      to: toState,
      actor,
      unit: unitOfActor[actor],
    });
    // the stage clock, as CaseWorkflowService.columnsAfter keeps it
    const closing = toState === 'closed' && run.state !== 'closed';
    if (closing) run.clock = clock;
    if (!toState.startsWith('mediation.')) clock = null;
    else if (startsStage.includes(event.type) && after.track)
      clock = [{ op: 'start', day: step.day, track: after.track }];
    else if (clock && event.type === 'SUSPEND' && after.track && after.suspendedReason) {
      if (rules.deadlines[after.track].pausedBy.includes(after.suspendedReason))
        clock = [...clock, { op: 'pause', day: step.day }];
    } else if (clock && event.type === 'RESUME' && clock.some((op) => op.op === 'pause'))
      clock = [...clock, { op: 'resume', day: step.day }];

    if (run.screenedSeq === null && ['ACCEPT', 'DECLINE', 'REFER_OUT'].includes(event.type))
      run.screenedSeq = seq;
    if (event.type === 'ACCEPT' && run.acceptedSeq === null) run.acceptedSeq = seq;
    run.closedSeq = toState === 'closed' ? (closing ? seq : run.closedSeq) : null;

    // the side records, as CaseWorkflowService.writeSideRecords writes them
    switch (event.type) {
      case 'LOG_SESSION':
        run.sessions.push({
          seq,
          kind: event.kind,
          day: step.day,
          minutes: event.minutes,
          place: event.place ?? '',
          by: actor,
        });
        break;
      case 'REACH_AGREEMENT':
        for (const agreement of run.agreements)
          if (agreement.status === 'active') agreement.status = 'superseded';
        run.agreements.push({
          seq,
          form: event.form,
          terms: event.terms,
          performByDay: event.performBy
            ? Math.round((Date.parse(event.performBy) - Date.parse(templateBase)) / 864e5)
            : null,
          reachedDay: step.day,
          windowEndsOn: event.confirmationWindowEndsOn,
          status: 'active',
          confirmed: false,
          rulingNo: null,
        });
        break;
      case 'CONFIRMED':
        for (const agreement of run.agreements)
          if (agreement.status === 'active') {
            agreement.confirmed = true;
            agreement.rulingNo = event.rulingNo ?? null;
          }
        break;
      case 'FULFILLED':
      case 'BREACHED':
        for (const agreement of run.agreements)
          if (agreement.status === 'active')
            agreement.status = event.type === 'FULFILLED' ? 'fulfilled' : 'breached';
        break;
      case 'RESUME_MEDIATION':
      case 'CONFIRMATION_REJECTED':
        for (const agreement of run.agreements)
          if (agreement.status === 'active') agreement.status = 'superseded';
        break;
      case 'ESCALATE':
      case 'RETURN_DOWN':
      case 'TRANSFER':
        run.escalations.push({
          seq,
          from: holding,
          to: varOfSentinel(after.holdingUnitId) as Var,
          ...handOffRecordOf(event, before, after),
          sessionsHeld: run.sessions.length,
          daysHeld: step.day - holdSince,
          day: step.day,
          by: actor,
        });
        holdSince = step.day;
        break;
    }

    state = stepped.next as PersistedState<CaseContext>;
    run.state = toState;
    const holdingNow = varOfSentinel(after.holdingUnitId) as Var;
    if (!run.held.includes(holdingNow)) run.held.push(holdingNow);
    run.span = step.day;
  }
  const context = state.context;
  run.snapshotJson = JSON.stringify(state);
  run.outcome = context.outcome;
  run.track = context.track;
  run.level = context.level;
  run.holding = varOfSentinel(context.holdingUnitId) as Var;
  run.mediator = varOfSentinel(context.mediatorId);
  run.resolvedLevel = run.state === 'closed' && context.outcome === 'resolved' ? context.level : null;
  if (run.state.startsWith('mediation.')) run.clock = clock;
  else if (run.state !== 'closed') run.clock = null;
  if (open === (run.state === 'closed')) throw new Error(`template ${spec.name} ends in ${run.state}`);
  return run;
}

export interface TemplateSet {
  closed: Map<DisputeType, TemplateRun[]>;
  open: Map<DisputeType, TemplateRun[]>;
}

/** Every template that fits each type, run through the statechart. */
export function buildTemplates(types: readonly DisputeType[]): TemplateSet {
  const closed = new Map<DisputeType, TemplateRun[]>();
  const open = new Map<DisputeType, TemplateRun[]>();
  for (const type of types) {
    closed.set(
      type,
      specs.flatMap((spec) => runTemplate(spec, type, false) ?? []),
    );
    open.set(
      type,
      openSpecs.flatMap((spec) => runTemplate(spec, type, true) ?? []),
    );
  }
  return { closed, open };
}

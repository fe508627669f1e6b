import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type {
  EscalationRepository,
  HandOffIn,
  QuestionedHandOff,
} from '../escalations/escalation.repository';
import type { Clock } from '../shared/clock';
import type { Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import type { User } from '../users/user.entity';
import type { UserRepository } from '../users/user.repository';
import type { CaseEventRecord } from '../workflows/workflow-event.entity';
import type { Case } from './case.entity';
import type { CaseDashboardQueries } from './case-dashboard.queries';

/**
 * The states in which a case waits for its unit: to be submitted, screened, or given a
 * mediator — and, at a court, an agreement waiting for its ruling on confirmation (民事诉讼法 §206).
 */
export const waitingStates = [
  'registered',
  'screening',
  'mediation.awaitingMediator',
  'agreement.judicialConfirmation',
] as const;

export interface Dashboard {
  today: string;
  /** What the policy lets this actor do from here. */
  may: { register: boolean; list: boolean; act: boolean };
  waiting: { items: Case[]; counts: Record<string, number> } | null;
  mine: { items: Case[]; overdue: number; dueSoon: number; open: number } | null;
  pressing: { items: Case[]; overdue: number; dueSoon: number; open: number } | null;
  handOffs: HandOffIn[];
  /** Hand-offs from the actor's place that a supervisor questioned (issue 21). */
  questioned: QuestionedHandOff[];
  recent: Array<{ row: Case; event: CaseEventRecord }>;
  units: Map<string, Unit>;
  users: Map<string, User>;
  calendar: WorkingCalendar;
  now: Date;
}

/**
 * 我的工作台: what needs the actor now. Cases waiting for their unit, their own
 * cases by deadline, cases near or past their deadline, hand-offs into their unit,
 * and the latest activity on what they may see. Which parts apply follows from
 * the policy (who may list, act, register), never from the role's name.
 */
export class CaseDashboardService {
  private readonly cases: CaseDashboardQueries;
  private readonly handOffs: Pick<EscalationRepository, 'handOffsInto' | 'questionedFrom'>;
  private readonly units: UnitRepository;
  private readonly users: UserRepository;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;

  constructor(deps: {
    cases: CaseDashboardQueries;
    /** Where the hand-offs into the actor's place are read. */
    handOffs: Pick<EscalationRepository, 'handOffsInto' | 'questionedFrom'>;
    units: UnitRepository;
    users: UserRepository;
    clock: Clock;
    calendar: () => WorkingCalendar;
  }) {
    this.cases = deps.cases;
    this.handOffs = deps.handOffs;
    this.units = deps.units;
    this.users = deps.users;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
  }

  async forActor(actor: Actor): Promise<Dashboard> {
    const now = this.clock.now();
    const today = todayInShanghai(now);
    const may = {
      register: policy.can(actor, 'case.register'),
      list: policy.can(actor, 'case.list'),
      act: policy.can(actor, 'case.act'),
    };
    const visibility = policy.caseVisibility(actor);
    const [waiting, mine, pressing, handOffs, recent, questioned] = may.list
      ? await Promise.all([
          may.act ? this.cases.waitingIn(visibility, waitingStates, 10) : null,
          may.act
            ? this.cases.byDeadline(visibility, {
                mediatorId: actor.id,
                today,
                limit: 20,
                onlyPressing: false,
              })
            : null,
          may.act ? this.cases.byDeadline(visibility, { today, limit: 10, onlyPressing: true }) : null,
          may.act ? this.handOffs.handOffsInto(visibility, 10) : [],
          this.cases.recentActivity(visibility, 10),
          may.act ? this.handOffs.questionedFrom(visibility, 10) : [],
        ])
      : [null, null, null, [], [], []];

    const rows = [
      ...(waiting?.items ?? []),
      ...(mine?.items ?? []),
      ...(pressing?.items ?? []),
      ...recent.map((entry) => entry.row),
    ];
    const unitIds = [
      ...rows.map((row) => row.holdingUnitId),
      ...[...handOffs, ...questioned].flatMap((handOff) => [handOff.fromUnitId, handOff.toUnitId]),
    ];
    const [units, users] = await Promise.all([
      this.units.findByIds([...new Set(unitIds)]),
      this.users.findByIds([...new Set(rows.flatMap((row) => (row.mediatorId ? [row.mediatorId] : [])))]),
    ]);
    return {
      today,
      may,
      waiting,
      mine: mine && mine.open > 0 ? mine : null,
      pressing,
      handOffs,
      questioned,
      recent,
      units: new Map(units.map((unit) => [unit.id, unit])),
      users: new Map(users.map((user) => [user.id, user])),
      calendar: this.calendar(),
      now,
    };
  }
}

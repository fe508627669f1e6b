import { readLimitation } from '../cases/arbitration-limitation';
import type { CaseDeadline } from '../cases/case.entity';
import { type ClockReading, type DeadlineClock, readClock } from '../deadlines/clock';
import { addDays } from '../deadlines/plain-date';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import type { NotificationKind } from '../notifications/notification-kinds';
import type { PetitionDueDates } from '../petitions/petition.entity';
import { currentPetitionClock } from '../petitions/petition-clocks';
import type { Tx } from '../shared/db/transactions';
import { petitionRulesFor, rulesFor } from '../workflows/rules';
import type { DayBasis } from '../workflows/rules/dispute-rules.types';
import type { PetitionRules } from '../workflows/rules/petition-rules.types';
import type {
  CaseClockRow,
  DeadlineTimerRepository,
  PetitionClockRow,
  TimedSubjectType,
} from './deadline-timer.repository';

/**
 * Which clocks a locked case or petition runs now, as its timers need them: a case's
 * stage period (mediation, or a department's acceptance decision) and a labour
 * dispute's arbitration limitation; a petition's binding clock.
 */

/** What reading a subject's clocks needs: today, the calendar, and where a moved date is stored. */
export interface SubjectDeps {
  timers: Pick<DeadlineTimerRepository, 'setCaseDeadline' | 'setPetitionDue'>;
  today: string;
  calendar: WorkingCalendar;
}

/** A clock a subject runs now, as a timer needs it. */
export interface OpenClock {
  clock: string;
  deadline: DeadlineClock;
  /** The dates stored with the subject, to move when the calendar moved them (nothing stored: none). */
  stored: { due: string; warningOn?: string; paused?: boolean } | null;
  source: { zh: string; en: string };
  /** Its reading today; a clock that warns otherwise than at 80 % (a limitation) says so here. */
  read(today: string, calendar: WorkingCalendar): ClockReading;
  /** A stage's period flags the subject overdue once it runs out; a limitation only tells. */
  flagsOverdue: boolean;
  /** The kind of notice for each moment (null: nothing to say then). */
  notices: { warning: NotificationKind; overdue: NotificationKind | null };
  /** Said in the notice besides the dates (what expiry means under the rule). */
  payload: Record<string, unknown>;
  /** Moves the stored dates to the reading (a holiday-table change). */
  store(tx: Tx, reading: ClockReading): Promise<void>;
}

/** A case or a petition, locked, with its running clocks and who hears about them. */
export interface LockedSubject {
  type: TimedSubjectType;
  id: string;
  number: string;
  title: string;
  /** A case: its stage's period (mediation, or a department's acceptance) and a labour limitation; a petition: one clock. */
  open: OpenClock[];
  /** The holder (assigned mediator, petition agent), if any. */
  holderId: string | null;
  holdingUnitId: string;
  /** The subject's overdue flag as stored. */
  overdue: boolean;
}

/** Which rule each petition clock comes from (信访工作条例), for its day basis. */
const petitionRuleOf: Record<string, keyof PetitionRules> = {
  decision: 'decideAndNotify',
  conclusion: 'conclude',
  reviewRequest: 'reviewRequestWindow',
  reviewDecision: 'reviewDecision',
  recheckRequest: 'recheckRequestWindow',
  recheckDecision: 'recheckDecision',
};

export function caseSubjectOf(row: CaseClockRow | null, deps: SubjectDeps): LockedSubject | null {
  if (!row) return null;
  const open: OpenClock[] = [];
  const rules = rulesFor(row.type, row.rulesVersion);
  const deadline = row.deadline;
  // a stage's period runs while the case is open: mediation, or a department's decision in screening
  if (deadline !== null && row.state !== 'closed') {
    const clock = deadline.clock ?? 'mediation';
    const stage = row.track ? rules.deadlines[row.track] : null;
    const counted: DeadlineClock = {
      startedOn: deadline.startedOn,
      days: deadline.days,
      basis: deadline.basis,
      pauses: deadline.pauses,
    };
    open.push({
      clock,
      deadline: counted,
      stored: { due: deadline.due, warningOn: deadline.warningOn, paused: deadline.paused },
      source: deadline.source,
      read: (today, calendar) => readClock(counted, today, calendar),
      flagsOverdue: true,
      notices: { warning: 'deadline.warning', overdue: 'deadline.overdue' },
      // what running out means under the rule (医疗 §38/§40: failed; 劳动 §14: arbitration open)
      payload:
        clock === 'mediation' && stage
          ? {
              countsAsFailure: stage.expiryCountsAsFailure,
              extendable: stage.extensionByAgreement !== undefined,
              opensArbitration: stage.expiryOpensArbitration === true,
            }
          : {},
      store: async (tx, reading) => {
        const moved: CaseDeadline = {
          ...deadline,
          due: reading.due,
          warningOn: reading.warningOn,
          paused: reading.paused,
        };
        await deps.timers.setCaseDeadline(tx, row.id, moved);
      },
    });
  }
  // a labour dispute's arbitration limitation runs anew once mediation ended without settling it (§27)
  const limitation = rules.arbitrationLimitation;
  const today = deps.today;
  const running = limitation ? readLimitation(row, limitation, today, deps.calendar) : null;
  if (limitation && running?.clock) {
    const counted = running.clock;
    open.push({
      clock: 'arbitrationLimitation',
      deadline: counted,
      stored: null,
      source: limitation.source,
      read: (on, calendar) => {
        const reading = readClock(counted, on, calendar);
        return { ...reading, warningOn: addDays(reading.due, -limitation.warnDaysBefore) };
      },
      flagsOverdue: false,
      notices: { warning: 'limitation.warning', overdue: null },
      payload: { knewOn: row.knewOn, runsFrom: running.runsFrom },
      store: async () => {},
    });
  }
  return {
    type: 'case',
    id: row.id,
    number: row.number,
    title: row.title,
    holderId: row.mediatorId,
    holdingUnitId: row.holdingUnitId,
    overdue: row.overdue,
    open,
  };
}

export function petitionSubjectOf(row: PetitionClockRow | null, deps: SubjectDeps): LockedSubject | null {
  if (!row) return null;
  const dueDates: PetitionDueDates = row.dueDates ?? {};
  const current = currentPetitionClock(row.state, dueDates);
  const clock = current
    ? (Object.entries(dueDates).find(([, value]) => value === current)?.[0] ?? null)
    : null;
  const rule = clock ? petitionRulesFor(row.rulesVersion)[petitionRuleOf[clock]] : undefined;
  const basis: DayBasis = (rule as { basis?: DayBasis } | undefined)?.basis ?? 'calendar';
  const open: OpenClock[] = [];
  if (current && clock) {
    // the recheck's hearing days (信访工作条例 §36) stay uncounted when the timers read the clock again
    const counted: DeadlineClock = {
      startedOn: current.startedOn,
      days: current.days,
      basis,
      pauses: current.pauses ?? [],
    };
    open.push({
      clock,
      deadline: counted,
      stored: { due: current.due },
      source: current.source,
      read: (today, calendar) => readClock(counted, today, calendar),
      flagsOverdue: true,
      notices: { warning: 'deadline.warning', overdue: 'deadline.overdue' },
      payload: {},
      store: async (tx, reading) => {
        await deps.timers.setPetitionDue(tx, row.id, clock, reading.due);
      },
    });
  }
  return {
    type: 'petition',
    id: row.id,
    number: row.number,
    title: row.subject,
    holderId: row.agentId,
    holdingUnitId: row.holdingUnitId,
    overdue: row.overdue,
    open,
  };
}

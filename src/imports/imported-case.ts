import type { CaseDeadline } from '../cases/case.entity';
import { clockColumns, resolvedLevelOf } from '../cases/case-columns';
import {
  acceptancePeriodAt,
  startAcceptanceClock,
  startMediationClock,
  withReading,
} from '../cases/case-deadline';
import { countedDaysOf, dueDate } from '../deadlines/period';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import { mediationLevelOf, type Unit } from '../units/unit.entity';
import {
  type CaseContext,
  type CaseOutcome,
  caseMachine,
  caseMachineVersion,
  caseRulesExcerpt,
} from '../workflows/case.machine';
import { startMachine } from '../workflows/machine-runner';
import { rulesFor } from '../workflows/rules';
import type { DayBasis, DisputeRules } from '../workflows/rules/dispute-rules.types';
import type { ImportedCase } from './case-import.repository';
import type { ImportRow } from './case-import.rows';

/** What one import computes once and reuses across its rows. */
export interface RowMemo {
  initialContext: Map<string, CaseContext>;
  dueDates: Map<string, string>;
  /** The clocks of open rows, by type, track (or acceptance) and start day. */
  clocks: Map<string, CaseDeadline | null>;
}

/** What every row of one import shares: who imports, when, by which calendar, and the memo. */
export interface ImportRun {
  registeredBy: string;
  calendar: WorkingCalendar;
  now: Date;
  today: string;
  memo: RowMemo;
}

/** Where a row goes: its unit, that unit's district, its number. */
export interface RowPlace {
  unit: Unit;
  district: Unit;
  number: string;
}

export function newRowMemo(): RowMemo {
  return { initialContext: new Map(), dueDates: new Map(), clocks: new Map() };
}

const atShanghaiMidnight = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** Where the row's screening and closing left the case. */
export interface RowOutcome {
  accepted: boolean;
  closedOn: string | undefined;
  outcome: CaseOutcome | null;
  state: 'closed' | 'mediation.awaitingMediator' | 'screening';
  track: ImportedCase['track'];
  level: ImportedCase['level'];
}

/**
 * Where the row's screening and closing left the case: a row declined or referred out at
 * screening is closed on that day even without a `closedOn`.
 */
export function outcomeOf(data: ImportRow): RowOutcome {
  const accepted = data.screening === 'accepted';
  const closedOn =
    data.closedOn ?? (data.screening && !accepted ? (data.screenedOn ?? data.registeredOn) : undefined);
  const outcome: CaseOutcome | null =
    (data.outcome as CaseOutcome | undefined) ??
    (data.screening === 'declined'
      ? 'not_accepted'
      : data.screening === 'referred_out'
        ? 'referred_out'
        : null);
  const state = closedOn ? 'closed' : accepted ? 'mediation.awaitingMediator' : 'screening';
  const track = accepted ? (data.track ?? null) : null;
  const level = track === 'people' ? (data.level ?? null) : null;
  return { accepted, closedOn, outcome, state, track, level };
}

/** The statechart's initial context differs per type only (and the unit, set here): started once per type. */
function initialContextOf(data: ImportRow, rules: DisputeRules, unit: Unit, memo: RowMemo): CaseContext {
  let initialContext = memo.initialContext.get(data.type);
  if (!initialContext) {
    initialContext = startMachine(caseMachine, {
      type: data.type,
      rules: caseRulesExcerpt(rules),
      holdingUnitId: unit.id,
    }).context;
    memo.initialContext.set(data.type, initialContext);
  }
  return { ...initialContext, holdingUnitId: unit.id };
}

/** Whether a closed row closed within its stage's period (no stage: on time); an open one: null. */
function closedOnTimeOf(
  data: ImportRow,
  rules: DisputeRules,
  facts: RowOutcome,
  run: ImportRun,
): boolean | null {
  if (facts.state !== 'closed') return null;
  const stage = facts.track ? rules.deadlines[facts.track] : null;
  if (!stage || !facts.closedOn) return true;
  // the stage began on acceptance — or, for a period counted from the application (劳动 §14), on receipt
  const from =
    stage.countsFrom === 'application_received' ? data.registeredOn : (data.screenedOn ?? data.registeredOn);
  const days = countedDaysOf(stage, from);
  const basis: DayBasis = stage.basis;
  const key = `${from}|${days}|${basis}`;
  let due = run.memo.dueDates.get(key);
  if (due === undefined) {
    due = dueDate(from, days, basis, run.calendar);
    run.memo.dueDates.set(key, due);
  }
  return facts.closedOn <= due;
}

/**
 * An open case gets the clock the workflow would have started, read today: the sweep then
 * gives it a timer, warns and flags it overdue like any other (a historic case often is).
 */
function clockOf(
  data: ImportRow,
  rules: DisputeRules,
  unit: Unit,
  facts: RowOutcome,
  run: ImportRun,
): CaseDeadline | null {
  const { state, track } = facts;
  const clockKey = `${data.type}|${state}|${track}|${unit.departmentKey}|${data.registeredOn}|${data.screenedOn}`;
  if (run.memo.clocks.has(clockKey)) return run.memo.clocks.get(clockKey) ?? null;
  const acceptance = acceptancePeriodAt(rules, unit);
  let deadline =
    state === 'mediation.awaitingMediator' && track
      ? startMediationClock(
          rules,
          track,
          { today: data.screenedOn ?? data.registeredOn, receivedOn: data.registeredOn, current: null },
          run.calendar,
        )
      : state === 'screening' && acceptance
        ? startAcceptanceClock(acceptance, data.registeredOn, data.registeredOn, run.calendar)
        : null;
  if (deadline) deadline = withReading(deadline, run.today, run.calendar);
  run.memo.clocks.set(clockKey, deadline);
  return deadline;
}

/** The stored case: snapshot and columns as the workflow would have left them. */
export function importedCase(data: ImportRow, place: RowPlace, run: ImportRun): ImportedCase {
  const { unit, district, number } = place;
  const rules = rulesFor(data.type);
  const facts = outcomeOf(data);
  const { accepted, closedOn, state, track, level } = facts;
  const outcome = state === 'closed' ? facts.outcome : null;
  const screenedOn = data.screenedOn ?? data.registeredOn;
  return {
    id: crypto.randomUUID(),
    number,
    districtId: district.id,
    type: data.type,
    title: data.title,
    description: data.title,
    source: data.source,
    registeredUnitId: unit.id,
    registeredBy: run.registeredBy,
    holdingUnitId: unit.id,
    heldUnitIds: [unit.id],
    state,
    outcome,
    track,
    level,
    registeredLevel: mediationLevelOf(unit.kind),
    resolvedLevel: resolvedLevelOf(state, outcome, level),
    rulesVersion: rules.version,
    machineVersion: caseMachineVersion,
    snapshot: {
      value: state === 'mediation.awaitingMediator' ? { mediation: 'awaitingMediator' } : state,
      context: { ...initialContextOf(data, rules, unit, run.memo), track, level, outcome },
    },
    version: 0,
    imported: true,
    screenedAt: data.screening ? atShanghaiMidnight(screenedOn) : null,
    acceptedAt: accepted ? atShanghaiMidnight(screenedOn) : null,
    closedAt: closedOn ? atShanghaiMidnight(closedOn) : null,
    closedOnTime: closedOnTimeOf(data, rules, facts, run),
    createdAt: atShanghaiMidnight(data.registeredOn),
    updatedAt: run.now,
    // the older system registered an application the day it came in
    receivedOn: data.registeredOn,
    ...clockColumns(clockOf(data, rules, unit, facts, run), run.today),
  };
}

import { type AdjacencyValue, getAdjacencyMap, getStateNodes } from '@xstate/graph';
import { type SnapshotFrom, transition } from 'xstate';
import { dueDateOf } from '../../src/deadlines/period';
import { addDays, type PlainDate } from '../../src/deadlines/plain-date';
import { officialCalendar } from '../../src/deadlines/working-calendar';
import type { MediationLevel } from '../../src/units/unit.entity';
import {
  type CaseContext,
  type CaseEvent,
  type CaseMachineInput,
  caseEventProbes,
  caseMachine,
  caseRulesExcerpt,
  caseStatePath,
} from '../../src/workflows/case.machine';
import { rulesFor } from '../../src/workflows/rules';
import type { DisputeType } from '../../src/workflows/rules/dispute-rules.types';

/**
 * The case statechart as a test model (model-based testing with @xstate/graph): the
 * machine itself, explored over a small symbolic organisation, with sample events
 * built from `caseEventProbes(today)` the way the API resolves them (target units,
 * mediators, the judicial-confirmation window). Paths through it are then replayed
 * against the real API (case-model-replay.ts).
 */

/**
 * The organisation the model moves cases in, by name: one line of the three-level
 * network, plus two departments and a court under the district. `department` is the type's
 * competent body (its rules' `administrativeBody.departmentKey`), `otherDepartment` another
 * body: a first-class type's case never goes there (the replay sends it there first and
 * expects the refusal), a generic type's case is transferred there (any department will do).
 * The replay maps each name to a real unit (test/cases/case-api.ts `createCaseTeam`).
 */
export const modelUnits = [
  'community',
  'street',
  'district',
  'department',
  'otherDepartment',
  'court',
] as const;
export type ModelUnit = (typeof modelUnits)[number];

export const modelParents: Record<ModelUnit, ModelUnit | null> = {
  community: 'street',
  street: 'district',
  district: null,
  department: 'district',
  otherDepartment: 'district',
  court: 'district',
};
const lineChild: Partial<Record<ModelUnit, ModelUnit>> = { street: 'community', district: 'street' };
const levels: readonly MediationLevel[] = ['community', 'street', 'district'];

/** The mediator of each unit, in the model; the test maps it to a real account. */
export const modelMediatorOf = (unit: ModelUnit) => `mediator@${unit}`;

export type CaseSnapshot = SnapshotFrom<typeof caseMachine>;

/** The case is registered at the community workstation. */
export function modelInput(type: DisputeType): CaseMachineInput {
  const rules = rulesFor(type);
  return {
    type,
    rules: caseRulesExcerpt(rules),
    holdingUnitId: 'community',
  };
}

/**
 * The people's-mediation level the holding unit accepts at: its own only; a department or a
 * court has none (it accepts on its own track and hands the case on by TRANSFER).
 */
function acceptableLevels(holding: ModelUnit): MediationLevel[] {
  return (levels as readonly string[]).includes(holding) ? [holding as MediationLevel] : [];
}

/**
 * The department the model sends a case to on the administrative track: the competent body
 * where the type's rules name one; for a generic type, the other department on TRANSFER (any
 * department will do, so the model shows one that is not the first).
 */
export function administrativeTarget(type: DisputeType, event: 'ACCEPT' | 'TRANSFER'): ModelUnit {
  return rulesFor(type).administrativeBody || event === 'ACCEPT' ? 'department' : 'otherDepartment';
}

/**
 * The events a user could send in this state, as the service would hand them to the
 * machine: one per probe, with the probe's placeholders replaced by what the API
 * resolves in this state, and a second form of agreement (oral) besides the probe's.
 * Time does not pass in the model: no period ever runs out (`periodRunOut` is false), so
 * what only a run-out period allows (labour's referral to arbitration from mediation)
 * is specified by the deadline specs instead (test/cases/law-clocks.test.ts).
 */
export function modelEvents(type: DisputeType, today: PlainDate) {
  const rules = rulesFor(type);
  const windowEndsOn = dueDateOf(today, rules.judicialConfirmation.applicationWindow, officialCalendar);
  return (snapshot: CaseSnapshot): CaseEvent[] => {
    const context = snapshot.context;
    const holding = context.holdingUnitId as ModelUnit;
    const resolved = caseEventProbes(today).flatMap((probe): CaseEvent[] => {
      switch (probe.type) {
        case 'ACCEPT':
          if (probe.track === 'people') {
            return acceptableLevels(holding).map((level) => ({
              type: 'ACCEPT',
              track: 'people',
              level,
              unitId: level,
            }));
          }
          return [
            {
              ...probe,
              unitId: probe.track === 'administrative' ? administrativeTarget(type, 'ACCEPT') : 'court',
            },
          ];
        case 'ASSIGN':
          return [{ type: 'ASSIGN', mediatorId: modelMediatorOf(holding) }];
        case 'LOG_SESSION':
          return [{ ...probe, heldAt: `${today}T09:30:00+08:00`, minutes: '双方到场陈述，分歧在赔偿数额。' }];
        case 'SCHEDULE_SESSION':
          // a session to come: a week ahead of the model's day (the API refuses one in the past)
          return [
            { type: 'SCHEDULE_SESSION', at: `${addDays(today, 7)}T09:30:00+08:00`, place: '社区调解室' },
          ];
        case 'CANCEL_SESSION':
          // the replay names the case's planned session (the schedule keeps it: test/schedule)
          return [{ type: 'CANCEL_SESSION', appointmentId: 'planned-session', reason: '当事人另约时间。' }];
        case 'SUSPEND':
          return [{ type: 'SUSPEND', reason: 'appraisal', note: '等待鉴定意见。' }];
        case 'REACH_AGREEMENT':
          return (['written', 'oral'] as const).map((form) => ({
            type: 'REACH_AGREEMENT',
            form,
            terms: `${form === 'written' ? '书面' : '口头'}协议：被申请人分两期支付。`,
            performBy: addDays(today, 60),
            // whether the court can confirm it is said on the agreement (民诉法解释 §355); the model's can be
            confirmationWindowEndsOn:
              form === 'written' && (context.track === 'people' || context.track === 'judicial')
                ? windowEndsOn
                : null,
            reachedOn: today,
          }));
        case 'ESCALATE': {
          const parent = modelParents[holding];
          return parent && context.track === 'people'
            ? [{ type: 'ESCALATE', reasonCode: 'beyond_authority', reason: '超出本级职权。', unitId: parent }]
            : [];
        }
        case 'RETURN_DOWN': {
          const child = lineChild[holding];
          return child ? [{ type: 'RETURN_DOWN', instructions: '请就地化解。', unitId: child }] : [];
        }
        case 'TRANSFER':
          return [
            probe.toTrack === 'people'
              ? {
                  type: 'TRANSFER',
                  toTrack: 'people',
                  level: 'street',
                  unitId: 'street',
                  reason: '委派调解。',
                }
              : {
                  type: 'TRANSFER',
                  toTrack: probe.toTrack,
                  unitId:
                    probe.toTrack === 'administrative' ? administrativeTarget(type, 'TRANSFER') : 'court',
                  reason: '需职能部门处理。',
                },
          ];
        case 'REQUEST_JUDICIAL_CONFIRMATION':
          return [{ ...probe, court: 'court' }];
        case 'BREACHED':
          return [{ type: 'BREACHED', note: '逾期未付。', guidance: [] }];
        case 'RECORD_FOLLOW_UP':
          return [
            {
              ...probe,
              visitedAt: `${today}T15:00:00+08:00`,
              note: '回访：已付第一期。',
              performed: 'partial',
            },
          ];
        case 'CONFIRMED':
          return [{ type: 'CONFIRMED', rulingNo: '(2026)沪0112民特1号', ruledOn: today }];
        case 'EXTEND_PERIOD':
          return [{ type: 'EXTEND_PERIOD', days: 5, reason: '双方同意因补充材料延长调解期限。' }];
        default:
          return [probe];
      }
    });
    return resolved.filter((event) => snapshot.can(event));
  };
}

/**
 * What of a snapshot the model tells apart: the state and everything the API shows or a
 * guard reads — not the session and follow-up counters, which only count.
 */
export function modelStateKey(snapshot: CaseSnapshot): string {
  const c: CaseContext = snapshot.context;
  return JSON.stringify([
    caseStatePath(snapshot.value),
    c.track,
    c.level,
    c.holdingUnitId,
    c.mediatorId,
    c.outcome,
    c.agreementForm,
    c.judiciallyConfirmed,
    c.confirmationWindowEndsOn !== null,
    c.suspendedReason,
    // CANCEL_SESSION's guard (hasSessionToCome) reads whether a session is to come
    Boolean(c.nextSession),
  ]);
}

/** A state path, with the outcome for `closed`: `closed(resolved)`. */
export function stateLabel(snapshot: CaseSnapshot): string {
  const path = caseStatePath(snapshot.value);
  return path === 'closed' ? `closed(${snapshot.context.outcome})` : path;
}

/** What a guard or the API tells apart in an event: the track and level accepted or transferred to, the levels moved between, the failure guidance, the agreement's form. */
function eventDetail(before: CaseSnapshot, event: CaseEvent, after: CaseSnapshot): string | null {
  switch (event.type) {
    case 'ACCEPT':
      return event.track === 'people' ? `people@${event.level}` : event.track;
    case 'TRANSFER':
      return `${before.context.track}→${event.toTrack}`;
    case 'ESCALATE':
    case 'RETURN_DOWN':
      return `${before.context.level}→${after.context.level}`;
    case 'FAIL':
      return event.guidance;
    case 'REACH_AGREEMENT':
      return event.form;
    default:
      return null;
  }
}

/** One transition as the coverage counts it: source state, event, target state (with the outcome). */
export function transitionLabel(before: CaseSnapshot, event: CaseEvent, after: CaseSnapshot): string {
  return `${stateLabel(before)} —${event.type}→ ${stateLabel(after)}`;
}

/** One form of an event the coverage counts, wherever it is sent: `FAIL[payment_order]`, `TRANSFER[judicial→people]`. */
export function variantLabel(before: CaseSnapshot, event: CaseEvent, after: CaseSnapshot): string | null {
  const detail = eventDetail(before, event, after);
  return detail === null ? null : `${event.type}[${detail}]`;
}

/** A step as failure messages name it: `mediation.inProgress —FAIL[litigation]→ closed(unresolved)`. */
export function stepLabel(before: CaseSnapshot, event: CaseEvent, after: CaseSnapshot): string {
  const detail = eventDetail(before, event, after);
  return `${stateLabel(before)} —${event.type}${detail === null ? '' : `[${detail}]`}→ ${stateLabel(after)}`;
}

/** Which transition definition of the machine an event takes, from which leaf state: `inProgress · case.mediation.inProgress:ESCALATE#0`. */
export function definitionsTaken(snapshot: CaseSnapshot, event: CaseEvent): string[] {
  return caseMachine
    .getTransitionData(snapshot, event)
    .map(
      (taken) =>
        `${caseStatePath(snapshot.value)} · ${taken.source.id}:${taken.eventType}#${taken.source.transitions.get(taken.eventType)?.indexOf(taken) ?? -1}`,
    );
}

/**
 * Every transition definition of the machine, from every leaf state it can fire in: a
 * leaf's own, then its ancestors' for events the leaf does not handle itself.
 */
export function allDefinitions(): string[] {
  const definitions: string[] = [];
  const leaves = getStateNodes(caseMachine.root).filter((node) => node.type === 'atomic');
  for (const leaf of leaves) {
    const leafPath = leaf.path.join('.');
    const handled = new Set<string>();
    for (let node: typeof leaf | undefined = leaf; node; node = node.parent) {
      for (const [eventType, candidates] of node.transitions) {
        if (handled.has(eventType)) continue;
        candidates.forEach((_, index) => {
          definitions.push(`${leafPath} · ${node?.id}:${eventType}#${index}`);
        });
      }
      for (const eventType of node.transitions.keys()) handled.add(eventType);
    }
  }
  return definitions.sort();
}

export interface ModelStep {
  event: CaseEvent;
  /** The machine's snapshot after the event: what the API must show. */
  after: CaseSnapshot;
}

export interface ModelPath {
  steps: ModelStep[];
}

/** A state of the model and the transitions out of it, as @xstate/graph's adjacency map lists them. */
export interface ModelVertex {
  state: CaseSnapshot;
  edges: Array<{ event: CaseEvent; next: CaseSnapshot; nextKey: string }>;
}

export interface CaseModel {
  type: DisputeType;
  /** By `modelStateKey`. */
  graph: Map<string, ModelVertex>;
  /** Every state (with outcome) reachable for this type. */
  reachableStates: Set<string>;
  /** Every transition label reachable for this type. */
  reachableTransitions: Set<string>;
  /** Every event variant reachable for this type. */
  reachableVariants: Set<string>;
  /** Every machine transition definition (from each leaf) reachable for this type. */
  reachableDefinitions: Set<string>;
  initial: CaseSnapshot;
  today: PlainDate;
}

/** The reachable part of the machine for one dispute type, explored with @xstate/graph. */
export function buildCaseModel(type: DisputeType, today: PlainDate): CaseModel {
  const events = modelEvents(type, today);
  const adjacency = getAdjacencyMap(caseMachine, {
    input: modelInput(type),
    events,
    serializeState: (snapshot) => modelStateKey(snapshot as CaseSnapshot),
  });
  const vertices = Object.values(adjacency) as Array<AdjacencyValue<CaseSnapshot, CaseEvent>>;
  const graph = new Map<string, ModelVertex>();
  const reachableStates = new Set<string>();
  const reachableTransitions = new Set<string>();
  const reachableVariants = new Set<string>();
  const reachableDefinitions = new Set<string>();
  for (const { state, transitions } of vertices) {
    const edges = (Object.values(transitions) as Array<{ event: CaseEvent; state: CaseSnapshot }>).map(
      ({ event, state: next }) => ({
        event,
        next,
        nextKey: modelStateKey(next),
      }),
    );
    graph.set(modelStateKey(state), { state, edges });
    reachableStates.add(stateLabel(state));
    for (const { event, next } of edges) {
      reachableTransitions.add(transitionLabel(state, event, next));
      const variant = variantLabel(state, event, next);
      if (variant) reachableVariants.add(variant);
      for (const definition of definitionsTaken(state, event)) reachableDefinitions.add(definition);
    }
  }
  const initial = vertices[0].state; // the traversal starts from registration
  return {
    type,
    graph,
    reachableStates,
    reachableTransitions,
    reachableVariants,
    reachableDefinitions,
    initial,
    today,
  };
}

/** What an edge of the model covers: its transition, its event variant and the definitions it takes. */
function coverageOf(state: CaseSnapshot, event: CaseEvent, next: CaseSnapshot): string[] {
  const variant = variantLabel(state, event, next);
  return [
    transitionLabel(state, event, next),
    ...(variant ? [variant] : []),
    ...definitionsTaken(state, event),
  ];
}

/**
 * Paths that together take every reachable transition (hence reach every reachable
 * state), send every reachable form of an event, and fire every reachable transition
 * definition of the machine from every leaf state it can fire in. Greedy: from where the current path stands, walk the shortest way (breadth
 * first over the model's adjacency map) to the nearest transition not yet taken, and
 * take it; closed cases are reopened to go round again. A path ends once it is
 * `maxSteps` long, and the next one starts from a newly registered case.
 */
export function coveringPaths(model: CaseModel, maxSteps = 40): ModelPath[] {
  const { graph } = model;
  const toCover = new Set([
    ...model.reachableTransitions,
    ...model.reachableVariants,
    ...model.reachableDefinitions,
  ]);
  const paths: ModelPath[] = [];
  let current: ModelPath = { steps: [] };
  let at = modelStateKey(model.initial);

  while (toCover.size > 0) {
    const route = shortestRouteToUncovered(graph, at, toCover);
    if (!route) throw new Error(`cannot reach what is left to cover: ${[...toCover].join('; ')}`);
    if (current.steps.length > 0 && current.steps.length + route.length > maxSteps) {
      paths.push(current);
      current = { steps: [] };
      at = modelStateKey(model.initial);
      continue;
    }
    for (const [from, edgeIndex] of route) {
      const { state } = graph.get(from) as ModelVertex;
      const { event, next, nextKey } = (graph.get(from) as ModelVertex).edges[edgeIndex];
      for (const key of coverageOf(state, event, next)) toCover.delete(key);
      current.steps.push({ event, after: next });
      at = nextKey;
    }
  }
  if (current.steps.length > 0) paths.push(current);
  return paths;
}

/** Breadth first from `start`: the route (vertex key, edge index) to the nearest edge still to cover. */
function shortestRouteToUncovered(
  graph: Map<string, ModelVertex>,
  start: string,
  toCover: Set<string>,
): Array<[string, number]> | null {
  const cameFrom = new Map<string, [string, number] | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const from = queue.shift() as string;
    const { state, edges } = graph.get(from) as ModelVertex;
    const uncovered = edges.findIndex(({ event, next }) =>
      coverageOf(state, event, next).some((key) => toCover.has(key)),
    );
    if (uncovered >= 0) {
      const route: Array<[string, number]> = [[from, uncovered]];
      for (let step = cameFrom.get(from); step; step = cameFrom.get(step[0])) route.unshift(step);
      return route;
    }
    edges.forEach(({ nextKey }, index) => {
      if (!cameFrom.has(nextKey)) {
        cameFrom.set(nextKey, [from, index]);
        queue.push(nextKey);
      }
    });
  }
  return null;
}

/** Replays a path's events through the machine from registration: the snapshots the API must match. */
export function replayInMachine(model: CaseModel, path: ModelPath): CaseSnapshot[] {
  const snapshots: CaseSnapshot[] = [];
  let snapshot = model.initial;
  for (const { event } of path.steps) {
    [snapshot] = transition(caseMachine, snapshot, event);
    snapshots.push(snapshot);
  }
  return snapshots;
}

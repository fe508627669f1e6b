import {
  type AnyActorScope,
  type AnyStateMachine,
  type ContextFrom,
  createEmptyActor,
  type EventFromLogic,
  type InputFrom,
  initialTransition,
  type StateValue,
} from 'xstate';
import { RuleViolationError } from '../shared/errors';

/**
 * Pure helpers the workflow service drives the statecharts with. No actor lives
 * between requests: a case's or a petition's state is `{value, context}` in a
 * jsonb column, rebuilt with `machine.resolveState()` for every event and
 * stepped with XState's pure `transition()` (STACK.md, "XState v5 on a server").
 */

/** What is stored for a workflow: the state value and the (JSON-only) context. */
export interface PersistedState<TContext> {
  value: StateValue;
  context: TContext;
}

export type PersistedStateOf<TMachine extends AnyStateMachine> = PersistedState<ContextFrom<TMachine>>;
export type EventOf<TMachine extends AnyStateMachine> = EventFromLogic<TMachine>;
export type EventTypeOf<TMachine extends AnyStateMachine> = EventOf<TMachine>['type'];

export interface AppliedEvent<TMachine extends AnyStateMachine> {
  /** The state value or the context differs from before (LOG_SESSION changes a counter: true). */
  changed: boolean;
  next: PersistedStateOf<TMachine>;
  /** Dotted state paths before and after, e.g. `mediation.inProgress`. */
  from: string;
  to: string;
}

/**
 * 422: the workflow does not accept this event in the current state (or a guard
 * refused its payload). `allowed` lists the event types that would be accepted
 * now, when the caller passed candidate events to compute it from.
 */
export class EventNotAllowed extends RuleViolationError {
  constructor(
    readonly eventType: string,
    readonly state: string,
    readonly allowed: readonly string[],
  ) {
    super('event_not_allowed', undefined, { event: eventType, state, allowed: [...allowed] });
  }
}

/**
 * Flattens a state value to a dotted path for a queryable column:
 * `'screening'` → `screening`, `{ mediation: 'inProgress' }` → `mediation.inProgress`.
 * Our machines have no parallel states, so each level has exactly one active child.
 */
export function statePathOf(value: StateValue): string {
  if (typeof value === 'string') return value;
  const entries = Object.entries(value);
  if (entries.length !== 1) {
    throw new Error(
      `Cannot flatten a state value with ${entries.length} active children: parallel states are not used`,
    );
  }
  const [[parent, child]] = entries;
  return child === undefined ? parent : `${parent}.${statePathOf(child)}`;
}

/**
 * XState's snapshot types are conditional on the machine type, which TypeScript
 * cannot resolve inside a generic function; the public signatures stay precise.
 */
function asAnyMachine(machine: AnyStateMachine): AnyStateMachine {
  return machine;
}

/**
 * The actor scope a step runs in: inert, made once for the process. XState's own pure
 * `transition()` builds a throwaway actor for every call — and that actor computes the
 * machine's initial state, whose context function fails for want of input — which was
 * ≈ 4 % of the app's CPU per event (issue 22's profile). Our machines' actions are
 * `assign`s only (STYLE.md habit 5: no spawned children, no delayed or sent events), so
 * a step needs no actor of its own: only somewhere to hand the actions it selects, which
 * we drop, as `transition()` does (it returns them, and the runner never ran them).
 */
const inertSelf = createEmptyActor();
const inertScope = {
  self: inertSelf,
  system: inertSelf.system,
  id: '',
  sessionId: '',
  defer: () => {},
  logger: () => {},
  emit: () => {},
  stopChild: () => {},
  actionExecutor: () => {},
} as unknown as AnyActorScope;

/** The initial state of a new case or petition, ready to persist. */
export function startMachine<TMachine extends AnyStateMachine>(
  machine: TMachine,
  input: InputFrom<TMachine>,
): PersistedStateOf<TMachine> {
  const [snapshot] = initialTransition(asAnyMachine(machine), input);
  return { value: snapshot.value, context: snapshot.context };
}

/**
 * Applies one (already validated) event to a persisted state. Throws
 * `EventNotAllowed` when the machine would not take any transition for it, so a
 * rejected event is never confused with an accepted one that stays in place
 * (LOG_SESSION, RECORD_FOLLOW_UP, LINK_CASE …).
 *
 * `candidates` (e.g. `caseEventProbes(today)`) only serve to fill the error's
 * `allowed` list: pass a function, and they are built only when an event is refused.
 */
export function applyEvent<TMachine extends AnyStateMachine>(
  machine: TMachine,
  persisted: PersistedStateOf<TMachine>,
  event: EventOf<TMachine>,
  options: { candidates?: readonly EventOf<TMachine>[] | (() => readonly EventOf<TMachine>[]) } = {},
): AppliedEvent<TMachine> {
  const snapshot = machine.resolveState(persisted);
  const from = statePathOf(snapshot.value);
  if (!snapshot.can(event)) {
    const candidates = typeof options.candidates === 'function' ? options.candidates() : options.candidates;
    const allowed = candidates ? allowedEvents(machine, persisted, candidates) : [];
    throw new EventNotAllowed(event.type, from, allowed);
  }
  const nextSnapshot = asAnyMachine(machine).transition(snapshot, event, inertScope);
  const next: PersistedStateOf<TMachine> = { value: nextSnapshot.value, context: nextSnapshot.context };
  const to = statePathOf(next.value);
  const changed = from !== to || JSON.stringify(persisted.context) !== JSON.stringify(next.context);
  return { changed, next, from, to };
}

/**
 * The event types the machine would accept now.
 *
 * Some guards read the payload (a transfer's `toTrack`, a failure's `guidance`,
 * the date a confirmation was applied for), so asking with `{type}` alone would
 * be wrong. Instead the caller passes candidate events: at least one per event
 * type, plus one per value of every payload field a guard reads (each machine
 * exports such a list: `caseEventProbes(today)`, `petitionEventProbes(today)`).
 * An event type is allowed when SOME candidate of that type is accepted by
 * `snapshot.can()`, i.e. it selects a transition with a target or an action —
 * which is why every stay-in-place transition in our machines assigns context.
 * The result keeps the order of first appearance in `candidates`.
 */
export function allowedEvents<TMachine extends AnyStateMachine>(
  machine: TMachine,
  persisted: PersistedStateOf<TMachine>,
  candidates: readonly EventOf<TMachine>[],
): EventTypeOf<TMachine>[] {
  const snapshot = machine.resolveState(persisted);
  const taken = typesTakenIn(machine, snapshot);
  const allowed: EventTypeOf<TMachine>[] = [];
  for (const candidate of candidates) {
    if (allowed.includes(candidate.type) || (taken && !taken.has(candidate.type))) continue;
    if (snapshot.can(candidate)) allowed.push(candidate.type);
  }
  return allowed;
}

/** Per machine and state path: the event types some transition of the active states names (null: a wildcard). */
const typesByState = new WeakMap<AnyStateMachine, Map<string, ReadonlySet<string> | null>>();

/**
 * The event types the active states have a transition for, so that `allowedEvents` asks the
 * guards (`snapshot.can`) only about those: every case answer lists the allowed events, and
 * asking each of the ≈ 40 probes was ≈ 1.5 % of the app's CPU under the event load (issue 22).
 * The same for every snapshot in one state, so kept per state path.
 */
function typesTakenIn(
  machine: AnyStateMachine,
  snapshot: { value: StateValue; _nodes: ReadonlyArray<{ ownEvents: string[] }> },
): ReadonlySet<string> | null {
  let known = typesByState.get(machine);
  if (!known) {
    known = new Map();
    typesByState.set(machine, known);
  }
  const path = statePathOf(snapshot.value);
  if (known.has(path)) return known.get(path) ?? null;
  const types = new Set<string>();
  for (const node of snapshot._nodes) for (const type of node.ownEvents) types.add(type);
  const taken = [...types].some((type) => type.includes('*')) ? null : types;
  known.set(path, taken);
  return taken;
}

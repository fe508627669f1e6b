import type { Actor } from '../access/actor';
import type { Services } from '../composition-root';
import type { SeedingClock } from './demo-clock';
import type { DemoRandom } from './demo-random';

/**
 * What every kind of demo history is made with: the services built on the seeding clock (the real
 * write path), the demo accounts, the demo units, the year the history spans, and a tally.
 */
export interface HistoryContext {
  services: Services;
  clock: SeedingClock;
  random: DemoRandom;
  /** The demo accounts, by username. */
  actors: ReadonlyMap<string, Actor>;
  /** The demo units' ids, by code (`MH-XZ-XS`). */
  unitIds: ReadonlyMap<string, string>;
  /** The grid blocks of each community, by the community's code. */
  gridIds: ReadonlyMap<string, readonly string[]>;
  /** The open escalation (hand-off awaiting review) of a case, if any. */
  pendingEscalationOf(caseId: string): Promise<string | null>;
  /** The history starts here and never reaches past `until` (the real now). */
  from: Date;
  until: Date;
  /** What was made, and what the write path refused (counted by kind of step). */
  tally: Record<string, number>;
}

/** One kind of history (cases, petitions …): each adds its records through the services. */
export type HistoryKind = (context: HistoryContext) => Promise<void>;

export function count(context: HistoryContext, what: string): void {
  context.tally[what] = (context.tally[what] ?? 0) + 1;
}

export function actorOf(context: HistoryContext, username: string): Actor {
  const actor = context.actors.get(username);
  if (!actor) throw new Error(`demo history: no demo account ${username}`);
  return actor;
}

export function unitIdOf(context: HistoryContext, code: string): string {
  const id = context.unitIds.get(code);
  if (!id) throw new Error(`demo history: no demo unit ${code}`);
  return id;
}

/**
 * Moves the clock on by `hours` (during office hours, as a workstation records things) and
 * answers whether that moment is still in the past: a story stops where the year ends.
 */
export function moveOn(context: HistoryContext, hours: number): boolean {
  const at = context.clock.advanceHours(hours);
  const shanghaiHour = (at.getUTCHours() + 8) % 24;
  if (shanghaiHour < 9) context.clock.advanceHours(9 - shanghaiHour);
  else if (shanghaiHour >= 18) context.clock.advanceHours(24 - shanghaiHour + 9);
  return context.clock.now().getTime() < context.until.getTime();
}

/**
 * A story told step by step (a case's, a petition's): each step moves the clock on and is taken
 * through the services. A step that would fall after today, or that the write path refuses (counted
 * as `refused:…`), ends the story there: the record stays where it got to, as open ones do.
 */
export class Story {
  private open = true;
  constructor(protected readonly context: HistoryContext) {}

  /** `label` names the step in the tally (a function when the step's kind is known only once taken). */
  protected async step<T>(
    label: string | (() => string),
    hours: number,
    run: () => Promise<T>,
  ): Promise<T | null> {
    const name = () => (typeof label === 'string' ? label : label());
    if (!this.open) return null;
    if (!moveOn(this.context, hours)) {
      this.open = false;
      return null;
    }
    try {
      const result = await run();
      count(this.context, name());
      return result;
    } catch (error) {
      count(this.context, `refused:${name()}:${(error as { code?: string }).code ?? 'error'}`);
      this.open = false;
      return null;
    }
  }
}

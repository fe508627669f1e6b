import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import { addDays, type PlainDate, weekdayOf } from '../deadlines/plain-date';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import type { Locale } from '../shared/i18n/i18n';
import type { PetitionPresenter, PetitionSummary } from './petition.presenter';
import type { PetitionService } from './petition.service';

/** How many of their open petitions the agent's home reads (an agent carries far fewer). */
const openPetitionsRead = 200;

/** This week, Monday to Sunday (Asia/Shanghai), as plain dates. */
export function weekOf(today: PlainDate): { from: PlainDate; to: PlainDate } {
  const sinceMonday = (weekdayOf(today) + 6) % 7;
  const from = addDays(today, -sinceMonday);
  return { from, to: addDays(from, 6) };
}

export interface AgentHome {
  today: PlainDate;
  week: { from: PlainDate; to: PlainDate };
  /** The agent's open petitions, overdue first, then by the current clock's last day; those with no clock last. */
  petitions: PetitionSummary[];
  /** Open petitions whose next visit (`nextVisitOn`) falls in this week, earliest first. */
  visitsDue: PetitionSummary[];
}

/**
 * The petition agent's home page on a phone (信访代理员): their open petitions with their clocks
 * and the visits due this week. The planned-visit schedule (issue 21, G3) may later feed the
 * visits; for now the next visit the agent wrote with the last one (`nextVisitOn`) is the plan.
 */
export class AgentHomeService {
  constructor(
    private readonly deps: {
      petitions: Pick<PetitionService, 'list'>;
      presenter: Pick<PetitionPresenter, 'summaries'>;
      clock: Clock;
    },
  ) {}

  /** The agent's home, or null for anyone who does not log visits (they get the dashboard). */
  async forActor(actor: Actor, locale: Locale): Promise<AgentHome | null> {
    if (!policy.can(actor, 'petition.visit')) return null;
    const today = todayInShanghai(this.deps.clock.now());
    const week = weekOf(today);
    // the open ones read as such: an agent's many closed petitions cannot push an open one out
    const { items } = await this.deps.petitions.list(actor, {
      page: 1,
      pageSize: openPetitionsRead,
      open: true,
    });
    const open = await this.deps.presenter.summaries(items, locale);
    const petitions = [...open].sort(byClock);
    const visitsDue = open
      .filter((row) => row.nextVisitOn !== null && row.nextVisitOn >= week.from && row.nextVisitOn <= week.to)
      .sort((a, b) => (a.nextVisitOn ?? '').localeCompare(b.nextVisitOn ?? ''));
    return { today, week, petitions, visitsDue };
  }
}

/** Overdue first, then the nearest last day (YYYY-MM-DD compares as text), then no clock. */
function byClock(a: PetitionSummary, b: PetitionSummary): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  const dueA = a.currentDue?.due;
  const dueB = b.currentDue?.due;
  if (dueA && dueB) return dueA.localeCompare(dueB);
  return dueA ? -1 : dueB ? 1 : 0;
}

/** The composition root's one line: the agent's home, over the petitions' service and presenter. */
export function buildAgentHome(
  built: { petitions: PetitionService; petitionPresenter: PetitionPresenter },
  clock: Clock,
) {
  return {
    agentHome: new AgentHomeService({
      petitions: built.petitions,
      presenter: built.petitionPresenter,
      clock,
    }),
  };
}

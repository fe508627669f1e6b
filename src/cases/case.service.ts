import type { Actor } from '../access/actor';
import { type CaseResource, policy } from '../access/policy';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { NotFoundError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import { caseEventProbes, caseMachine } from '../workflows/case.machine';
import { allowedEvents } from '../workflows/machine-runner';
import { rulesFor } from '../workflows/rules';
import type { Case } from './case.entity';
import type { CaseRepository, CaseView, CaseWithAccess } from './case.repository';
import type { CaseListQuery } from './case.schemas';
import type { CaseListQueries } from './case-list.queries';
import { isAdmittedAsPeriodStands, stagePeriodToday } from './case-period';

/** A case the actor may see, with the access data that decided it. */
export type VisibleCase = CaseWithAccess;

/** A visible case with what its body shows (units, mediator, masked parties). */
export type VisibleCaseView = VisibleCase & { view: CaseView };

/**
 * Reading disputes as the actor may see them: lists, one case, its timeline, its chain,
 * and the events the actor may send now. Registration is CaseRegistrationService's,
 * changes after it go through CaseWorkflowService; presenting is CasePresenter's.
 */
export class CaseService {
  private readonly transactions: Transactions;
  private readonly cases: CaseRepository;
  private readonly lists: CaseListQueries;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;

  constructor(deps: {
    transactions: Transactions;
    cases: CaseRepository;
    lists: CaseListQueries;
    clock: Clock;
    calendar: () => WorkingCalendar;
  }) {
    this.transactions = deps.transactions;
    this.cases = deps.cases;
    this.lists = deps.lists;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
  }

  /** A case the actor may see with what its body shows, or 404: `GET /api/v1/cases/:id` in one query. */
  getVisibleForView(actor: Actor, id: string): Promise<VisibleCaseView> {
    return this.visibleOr404(actor, id, () => this.cases.findForView(id));
  }

  /**
   * The events this actor may send to this case now: the statechart's and the policy's
   * answer together, as the period stands today (run out and counted as failed: only FAIL
   * and an agreed extension; run out and opening arbitration: REFER_OUT too).
   */
  allowedEvents(actor: Actor, row: Case, resource: CaseResource): string[] {
    const today = todayInShanghai(this.clock.now());
    const period = stagePeriodToday(row, rulesFor(row.type, row.rulesVersion), today, this.calendar());
    return allowedEvents(
      caseMachine,
      row.snapshot,
      caseEventProbes(today, { periodRunOut: period.runOut }),
    ).filter(
      (type) => isAdmittedAsPeriodStands(type, period) && policy.canSendCaseEvent(actor, type, resource),
    );
  }

  /** A case the actor may see, or 404 — never revealing that it exists. */
  getVisible(actor: Actor, id: string, tx?: Tx): Promise<VisibleCase> {
    return this.visibleOr404(actor, id, () => this.cases.findWithAccess(id, tx));
  }

  private async visibleOr404<T extends VisibleCase>(
    actor: Actor,
    id: string,
    read: () => Promise<T | null>,
  ): Promise<T> {
    if (!isUuid(id)) throw new NotFoundError();
    const found = await read();
    if (!found || !policy.canSee(actor, found.resource)) throw new NotFoundError();
    return found;
  }

  /** The list as the actor may see it; `lists`: the queries to read it with (an export's, on the standby). */
  list(actor: Actor, query: CaseListQuery, lists: CaseListQueries = this.lists) {
    return lists.list(policy.caseVisibility(actor), query, todayInShanghai(this.clock.now()));
  }

  partiesOf(caseId: string) {
    return this.cases.partiesOf(caseId);
  }

  async timeline(actor: Actor, id: string) {
    await this.getVisible(actor, id);
    return this.cases.eventsOf(id);
  }

  /**
   * The case's chain, checked also against the case's own count of its events (one
   * per version, plus registration) so that a cut-off tail shows; the row and the
   * events are read in one snapshot, so an event appended meanwhile is not a break.
   */
  verify(actor: Actor, id: string) {
    return this.transactions.run('REPEATABLE READ', async (tx) => {
      const { row } = await this.getVisible(actor, id, tx);
      return this.cases.verifyChainOf(tx, id, row.version + 1);
    });
  }
}

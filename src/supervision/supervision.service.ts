import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService } from '../audit/audit.service';
import { yearsWithoutNotice } from '../deadlines/clock';
import { daysBetween } from '../deadlines/plain-date';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { ChainAuditService } from '../integrity/chain-audit.service';
import type { Clock } from '../shared/clock';
import { ForbiddenError } from '../shared/errors';
import type { SupervisionRepository } from './supervision.repository';

/** A supervisor's tools over their subtree: the overdue list and the audit-chain check. */
export class SupervisionService {
  private readonly supervision: SupervisionRepository;
  private readonly chainAudit: ChainAuditService;
  private readonly audit: AuditService;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;

  constructor(deps: {
    supervision: SupervisionRepository;
    chainAudit: ChainAuditService;
    audit: AuditService;
    clock: Clock;
    calendar: () => WorkingCalendar;
  }) {
    this.supervision = deps.supervision;
    this.chainAudit = deps.chainAudit;
    this.audit = deps.audit;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
  }

  async overdue(actor: Actor) {
    if (!policy.can(actor, 'supervision.view')) throw new ForbiddenError();
    const today = todayInShanghai(this.clock.now());
    const rows = await this.supervision.overdueWithin(actor.unitPath);
    const calendar = this.calendar();
    return rows.map((row) => ({
      ...row,
      daysLate: daysBetween(row.deadline_due, today),
      yearsWithoutNotice: yearsWithoutNotice(
        calendar,
        row.deadline_started_on ?? row.deadline_due,
        row.deadline_due,
      ),
    }));
  }

  /**
   * Verifies, with the chain key, every case and petition chain held (now or before) in
   * the subtree and the records mirrored from their events; the check itself is audited.
   */
  async verifySubtree(actor: Actor, ip: string | null) {
    if (!policy.can(actor, 'supervision.view')) throw new ForbiddenError();
    const { checked, findings } = await this.chainAudit.audit({ scopePath: actor.unitPath });
    await this.audit.record(
      { actor: { id: actor.id, username: actor.username }, ip },
      {
        action: 'chains.verified',
        details: { checked: checked.case + checked.petition, broken: findings.map((row) => row.number) },
      },
    );
    return {
      checked: checked.case + checked.petition,
      broken: findings.map((finding) => ({
        id: finding.id,
        number: finding.number,
        href: `/${finding.kind === 'case' ? 'cases' : 'petitions'}/${finding.id}`,
        firstBrokenSeq: finding.chain?.firstBrokenSeq,
        mismatches: finding.mismatches,
      })),
    };
  }

  /**
   * The same check for one case, from its page: its chain with the key and the records
   * mirrored from its events; audited like the whole check. The route has already read
   * the case as one the supervisor may see.
   */
  async verifyCase(actor: Actor, row: { id: string; number: string; version: number }, ip: string | null) {
    if (!policy.can(actor, 'supervision.view')) throw new ForbiddenError();
    const { findings } = await this.chainAudit.audit({ number: row.number });
    const finding = findings.find((one) => one.id === row.id);
    await this.audit.record(
      { actor: { id: actor.id, username: actor.username }, ip },
      {
        action: 'chains.verified',
        details: { case: row.number, checked: 1, broken: finding ? [row.number] : [] },
      },
    );
    return {
      valid: finding === undefined,
      /** The events the case's row counts, every one of which was checked. */
      events: row.version + 1,
      firstBrokenSeq: finding?.chain?.firstBrokenSeq,
      mismatches: finding?.mismatches ?? [],
    };
  }
}

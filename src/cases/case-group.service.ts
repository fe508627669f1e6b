import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { Tx } from '../shared/db/transactions';
import { RuleViolationError } from '../shared/errors';
import type { Case } from './case.entity';
import type { CaseRepository } from './case.repository';
import type { CaseService } from './case.service';
import type { CaseGroupRepository, GroupMemberRow, LinkedPetitionRow } from './case-group.repository';
import type { CaseWorkflowService } from './case-workflow.service';
import { forumParams, type OneForum } from './one-forum';

/** Which end of the link the number typed names: this case's master, or a member to link to this case. */
export type GroupLinkInput = { masterNumber?: string; memberNumber?: string };

/** A group as its cases' pages and the API show it to one user. */
export interface CaseGroup {
  /** This case's place in its group. */
  role: 'master' | 'member' | 'none';
  master: { id: string; number: string; title: string } | null;
  /** The cases the user may see (the master first); the others are only counted. */
  cases: Array<GroupMemberRow & { master: boolean }>;
  hiddenCases: number;
  totals: {
    cases: number;
    people: number;
    /** Cases per state group (registered, screening, mediation, agreement, closed). */
    states: Record<string, number>;
    agreementsReached: number;
    agreementsFulfilled: number;
  };
}

const stateGroups = ['registered', 'screening', 'mediation', 'agreement', 'closed'] as const;

/** A refusal of the link, naming the field the number was typed in (422). */
function refuse(field: string, message: string, params?: Record<string, unknown>): never {
  throw new RuleViolationError('validation_failed', [{ field, message, ...(params ? { params } : {}) }]);
}

/**
 * Group disputes (群体性纠纷, issue 21): individual cases linked to a master case (主案) by its
 * number, or a master gathering cases by theirs. Linking and unlinking are recorded on the
 * member's chain (`GROUP_LINKED`, `GROUP_UNLINKED`) by whoever may act on the member, who must
 * also see the master; the group is one matter (same type), one level deep, and a member
 * whose dispute another forum already holds is not gathered into it (一案一处, `OneForum`).
 */
export class CaseGroupService {
  constructor(
    private readonly deps: {
      groups: CaseGroupRepository;
      cases: Pick<CaseService, 'getVisible'>;
      caseRepository: Pick<CaseRepository, 'findWithAccess' | 'partiesOf'>;
      workflow: Pick<CaseWorkflowService, 'recordAction'>;
      oneForum: Pick<OneForum, 'occupants'>;
    },
  ) {}

  /** Links `caseId` to the master named, or the member named to `caseId` as its master. */
  async link(actor: Actor, caseId: string, input: GroupLinkInput): Promise<CaseGroup> {
    const here = await this.deps.cases.getVisible(actor, caseId);
    const field = input.masterNumber !== undefined ? 'masterNumber' : 'memberNumber';
    const number = (input.masterNumber ?? input.memberNumber ?? '').trim();
    const other = await this.visibleByNumber(actor, number);
    if (!other) refuse(field, 'groups.errors.notFound', { number });
    const [member, master] = field === 'masterNumber' ? [here.row, other] : [other, here.row];
    await this.deps.workflow.recordAction(
      actor,
      member.id,
      { type: 'GROUP_LINKED', payload: { masterCaseId: master.id, masterNumber: master.number } },
      (tx) => this.checkAndLink(actor, { memberId: member.id, master, field }, tx),
    );
    return this.groupOf(actor, caseId);
  }

  /** Takes `caseId` out of its group (recorded on its chain). */
  async unlink(actor: Actor, caseId: string): Promise<CaseGroup> {
    const { row } = await this.deps.cases.getVisible(actor, caseId);
    if (!row.masterCaseId) refuse('masterNumber', 'groups.errors.notInGroup');
    const master = await this.deps.caseRepository.findWithAccess(row.masterCaseId);
    await this.deps.workflow.recordAction(
      actor,
      row.id,
      {
        type: 'GROUP_UNLINKED',
        payload: { masterCaseId: row.masterCaseId, masterNumber: master?.row.number ?? '' },
      },
      async (tx) => {
        const locked = await this.deps.caseRepository.findWithAccess(row.id, tx);
        if (locked?.row.masterCaseId !== row.masterCaseId) refuse('masterNumber', 'groups.errors.notInGroup');
        await this.deps.groups.setMaster(row.id, null, tx);
      },
    );
    return this.groupOf(actor, caseId);
  }

  /** What the case's group panel and page show: the group, the petitions it came from, whether the user may link. */
  async pageOf(actor: Actor, caseId: string) {
    const { row, resource } = await this.deps.cases.getVisible(actor, caseId);
    const [group, petitions] = await Promise.all([
      this.groupOfRow(actor, row),
      this.petitionsOf(actor, row.id),
    ]);
    return { row, group, petitions, mayLink: policy.can(actor, 'case.act', resource) };
  }

  /** The group the case belongs to or leads, as this user may see it. */
  async groupOf(actor: Actor, caseId: string): Promise<CaseGroup> {
    const { row } = await this.deps.cases.getVisible(actor, caseId);
    return this.groupOfRow(actor, row);
  }

  async groupOfRow(actor: Actor, row: Case): Promise<CaseGroup> {
    const masterId = row.masterCaseId ?? ((await this.deps.groups.memberCount(row.id)) > 0 ? row.id : null);
    if (!masterId) return { role: 'none', master: null, cases: [], hiddenCases: 0, totals: totalsOf([]) };
    const rows = await this.deps.groups.groupRows(masterId);
    const visible = await Promise.all(rows.map((member) => this.mayShow(actor, member.id, row.id)));
    const shown = rows.filter((_, index) => visible[index]);
    const master = shown.find((member) => member.id === masterId);
    return {
      role: masterId === row.id ? 'master' : 'member',
      master: master ? { id: master.id, number: master.number, title: master.title } : null,
      cases: shown.map((member) => ({ ...member, master: member.id === masterId })),
      hiddenCases: rows.length - shown.length,
      totals: totalsOf(rows),
    };
  }

  /** The petitions the case came from (诉访分离), each with whether this user may open it. */
  async petitionsOf(actor: Actor, caseId: string): Promise<Array<LinkedPetitionRow & { visible: boolean }>> {
    const rows = await this.deps.groups.petitionsLinkedTo(caseId);
    return rows.map((petition) => ({
      ...petition,
      visible: policy.canSee(actor, {
        kind: 'petition',
        holdingUnitId: petition.holdingUnitId,
        holdingUnitPath: '',
        heldUnitPaths: petition.heldUnitPaths,
        agentId: petition.agentId,
        registeredBy: petition.registeredBy,
        reviewedUnitId: null,
        firstInstanceUnitPath: '',
      }),
    }));
  }

  /** Under the member's row lock: the rules of a group, then the link itself. */
  private async checkAndLink(
    actor: Actor,
    { memberId, master, field }: { memberId: string; master: Case; field: string },
    tx: Tx,
  ): Promise<void> {
    // the rules below read the master and the member's members: no other link may change them meanwhile
    await this.deps.groups.lockGroupChanges(tx);
    const member = (await this.deps.caseRepository.findWithAccess(memberId, tx))?.row;
    const masterNow = (await this.deps.caseRepository.findWithAccess(master.id, tx))?.row;
    if (!member || !masterNow) refuse(field, 'groups.errors.notFound', { number: master.number });
    if (member.id === masterNow.id) refuse(field, 'groups.errors.self');
    if (member.masterCaseId === masterNow.id) refuse(field, 'groups.errors.already');
    if (member.masterCaseId) refuse(field, 'groups.errors.inOtherGroup');
    // one level deep: a master is no member, a member leads no group
    if (masterNow.masterCaseId) refuse(field, 'groups.errors.masterIsMember');
    if ((await this.deps.groups.memberCount(member.id, tx)) > 0)
      refuse(field, 'groups.errors.memberIsMaster');
    // one group, one matter
    if (member.type !== masterNow.type) refuse(field, 'groups.errors.otherType');
    const occupants = await this.deps.oneForum.occupants(
      actor,
      {
        type: member.type,
        parties: await this.deps.caseRepository.partiesOf(member.id, tx),
        exceptCaseIds: [member.id, masterNow.id],
        sameMatterCaseIds: member.sameMatterCaseId ? [member.sameMatterCaseId] : [],
      },
      tx,
    );
    const forum = occupants.find((occupant) => occupant.effect === 'refuse');
    if (forum) refuse(field, 'groups.errors.forum', forumParams(forum));
    await this.deps.groups.setMaster(member.id, masterNow.id, tx);
  }

  private async visibleByNumber(actor: Actor, number: string): Promise<Case | null> {
    const id = number ? await this.deps.groups.idByNumber(number) : null;
    if (!id) return null;
    return (await this.deps.cases.getVisible(actor, id).catch(() => null))?.row ?? null;
  }

  /** The case the page is about is shown; the others as the policy lets this user see them. */
  private async mayShow(actor: Actor, id: string, pageCaseId: string): Promise<boolean> {
    if (id === pageCaseId) return true;
    const found = await this.deps.caseRepository.findWithAccess(id);
    return found ? policy.canSee(actor, found.resource) : false;
  }
}

function totalsOf(rows: GroupMemberRow[]): CaseGroup['totals'] {
  const states = Object.fromEntries(stateGroups.map((group) => [group, 0])) as Record<string, number>;
  for (const row of rows) {
    const group = row.state.split('.')[0];
    states[group] = (states[group] ?? 0) + 1;
  }
  return {
    cases: rows.length,
    people: rows.reduce((sum, row) => sum + row.people, 0),
    states,
    agreementsReached: rows.filter((row) => row.agreementReached).length,
    agreementsFulfilled: rows.filter((row) => row.agreementFulfilled).length,
  };
}

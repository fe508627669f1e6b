import type { Request } from 'express';
import { actorOf } from '../access/route-table';
import { stateLabel, type ViewContext } from './case.view-model';
import type { CaseGroupService } from './case-group.service';

type GroupPage = Awaited<ReturnType<CaseGroupService['pageOf']>>;

/**
 * The case page's group panel and the group page (`/cases/:id/group`, issue 21): the group the
 * case leads or belongs to (群体性纠纷) with its sums, the forms linking by case number, and
 * the petitions the case came from (来自信访件).
 */
export class CaseGroupPanel {
  constructor(private readonly groups: CaseGroupService) {}

  async panelFor(req: Request, caseId: string) {
    const page = await this.groups.pageOf(actorOf(req), caseId);
    return caseGroupView(page, { t: req.t, locale: req.locale });
  }
}

export function caseGroupView({ row, group, petitions, mayLink }: GroupPage, { t, locale }: ViewContext) {
  const count = (n: number) => new Intl.NumberFormat(locale).format(n);
  const { totals } = group;
  return {
    caseId: row.id,
    caseNumber: row.number,
    caseTitle: row.title,
    groupUrl: `/cases/${row.id}/group`,
    linkUrl: `/cases/${row.id}/group`,
    unlinkUrl: `/cases/${row.id}/group/unlink`,
    role: group.role,
    isMaster: group.role === 'master',
    isMember: group.role === 'member',
    inGroup: group.role !== 'none',
    show: group.role !== 'none' || mayLink,
    roleText:
      group.role === 'master'
        ? t('groups.isMaster', { n: totals.cases - 1 })
        : group.role === 'member'
          ? t('groups.isMember')
          : t('groups.none'),
    master: group.master ? { ...group.master, url: `/cases/${group.master.id}` } : null,
    totals: [
      { label: t('groups.totalCases'), value: count(totals.cases) },
      { label: t('groups.totalPeople'), value: count(totals.people) },
      { label: t('groups.agreementsReached'), value: count(totals.agreementsReached) },
      { label: t('groups.agreementsFulfilled'), value: count(totals.agreementsFulfilled) },
    ],
    states: Object.entries(totals.states)
      .filter(([, n]) => n > 0)
      .map(([state, n]) => ({ label: stateLabel(t, state), value: count(n) })),
    cases: group.cases.map((member) => ({
      url: `/cases/${member.id}`,
      number: member.number,
      title: member.title,
      current: member.id === row.id,
      roleLabel: member.master ? t('groups.masterBadge') : t('groups.memberBadge'),
      stateLabel: stateLabel(t, member.state),
      people: count(member.people),
      agreement: member.agreementFulfilled
        ? t('groups.agreementFulfilled')
        : member.agreementReached
          ? t('groups.agreementReached')
          : t('groups.noAgreement'),
    })),
    hiddenText: group.hiddenCases > 0 ? t('groups.hidden', { n: group.hiddenCases }) : null,
    // one level deep: a member joins no other group and gathers none; a master gathers more
    mayJoin: mayLink && group.role === 'none',
    mayGather: mayLink && group.role !== 'member',
    mayUnlink: mayLink && group.role === 'member',
    petitions: petitions.map((petition) => ({
      number: petition.number,
      subject: petition.visible ? petition.subject : null,
      url: petition.visible ? `/petitions/${petition.id}` : null,
    })),
  };
}

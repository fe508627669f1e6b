import type { TFunction } from 'i18next';
import { daysLeftText } from '../deadlines/days-left.presenter';
import { provisionalText } from '../deadlines/provisional.presenter';
import { todayInShanghai } from '../deadlines/working-calendar';
import { formatMoment, formatPlainDate } from '../shared/format';
import { inLocale } from '../shared/i18n/bilingual';
import type { Locale } from '../shared/i18n/i18n';
import { highRiskGrade } from '../workflows/rules/risk-grade';
import { type CaseViewDeps, presentCase } from './case.presenter';

/**
 * What the case pages' view models share: templates get view models, never entities.
 * Labels are in the reader's language, dates in Asia/Shanghai as a mediator writes
 * them (2026年11月26日), deadlines in colour AND words. One view model per page:
 * case-list, case-intake, case-page (with case-timeline, case-actions, case-clocks),
 * revealed-party, agreement-document and dashboard `.view-model.ts`.
 */

export interface ViewContext {
  t: TFunction;
  locale: Locale;
}

/** `mediation.inProgress` → its name in words. */
export function stateLabel(t: TFunction, state: string | null | undefined): string {
  return state ? t(`caseStates.${state.replace('.', '_')}`) : '';
}

export function eventLabel(t: TFunction, type: string): string {
  return t(`caseEvents.${type}`, { defaultValue: type });
}

export const option = (value: string, label: string, selected: unknown) => ({
  value,
  label,
  selected: value === selected,
});

type PresentedDeadline = NonNullable<ReturnType<typeof presentCase>['deadline']>;

/** A deadline as the header and lists show it: due date, legal source, days left / overdue / paused. */
export function deadlineView(
  deadline: PresentedDeadline | null,
  suspendedReason: string | null,
  today: string,
  { t, locale }: ViewContext,
) {
  if (!deadline) return null;
  const source = inLocale(locale, deadline.source);
  let tone: 'overdue' | 'soon' | 'ok' | 'paused';
  let status: string;
  if (deadline.paused) {
    tone = 'paused';
    status = suspendedReason
      ? t('deadlines.paused', { reason: t(`suspendReasons.${suspendedReason}`) })
      : t('deadlines.pausedPlain');
  } else if (deadline.overdue) {
    tone = 'overdue';
    status = daysLeftText(-(deadline.overdueBy ?? 0), t);
  } else {
    tone = today >= deadline.warningOn ? 'soon' : 'ok';
    status = daysLeftText(deadline.daysLeft ?? 0, t);
  }
  return {
    due: deadline.due,
    dueText: formatPlainDate(deadline.due, locale),
    period:
      deadline.months !== null
        ? t('deadlines.basisMonths', { count: deadline.months })
        : t(deadline.basis === 'working' ? 'deadlines.basisWorking' : 'deadlines.basisCalendar', {
            days: deadline.days,
          }),
    source,
    status,
    tone,
    /** Why the due date may still move (a year without its notice), or null. */
    provisional: provisionalText(deadline.yearsWithoutNotice, t, locale),
  };
}

/** A case's risk grade as a badge (风险等级), its criteria as the tooltip; null while not graded. */
export function riskBadgeView(riskGrade: number | null, t: TFunction) {
  if (riskGrade === null) return null;
  return {
    grade: riskGrade,
    label: t(`riskGrades.badge.${riskGrade}`),
    criteria: t(`riskGrades.criteria.${riskGrade}`),
    high: riskGrade >= highRiskGrade,
  };
}

/** One case as a row of a list or a dashboard: labels and the deadline in words. */
/** 群体性纠纷 in a list: 主案 with its member count, or 群体个案 with its master's number. */
function groupBadge(group: ReturnType<typeof presentCase>['group'], t: TFunction): string | null {
  if (!group) return null;
  return group.role === 'master'
    ? t('groups.listMaster', { n: group.memberCount })
    : t('groups.listMember', { number: group.masterNumber ?? '' });
}

export function caseRowView(
  row: Parameters<typeof presentCase>[0],
  deps: CaseViewDeps,
  context: ViewContext,
) {
  const { t, locale } = context;
  const presented = presentCase(row, deps);
  return {
    id: presented.id,
    url: `/cases/${presented.id}`,
    number: presented.number,
    title: presented.title,
    typeLabel: t(`disputeTypes.${presented.type}`),
    stateLabel: stateLabel(t, presented.state),
    stateClass: `state-${presented.state.split('.')[0]}`,
    outcomeLabel: presented.outcome ? t(`caseOutcomes.${presented.outcome}`) : null,
    trackLabel: presented.track ? t(`tracks.${presented.track}`) : null,
    levelLabel: presented.level ? t(`levels.${presented.level}`) : null,
    holdingUnit: presented.holdingUnit?.name ?? '',
    mediator: presented.mediator?.displayName ?? null,
    riskBadge: riskBadgeView(presented.riskGrade, t),
    groupBadge: groupBadge(presented.group, t),
    deadline: deadlineView(
      presented.deadline,
      row.snapshot.context.suspendedReason,
      todayInShanghai(deps.now),
      context,
    ),
    registeredAt: formatMoment(row.createdAt, locale),
    updatedAt: formatMoment(row.updatedAt, locale),
  };
}

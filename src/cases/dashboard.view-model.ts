import { questionedHandOffsView } from '../escalations/questioned-hand-off.view-model';
import { formatMoment } from '../shared/format';
import { unitName } from '../units/unit.presenter';
import { handOffKindKey } from '../workflows/case-events/hand-off.events';
import type { CaseViewDeps, presentCase } from './case.presenter';
import { caseRowView, eventLabel, stateLabel, type ViewContext } from './case.view-model';
import { type Dashboard, waitingStates } from './case-dashboard.service';

/** The start page (我的工作台): what waits, my cases, pressing deadlines, hand-offs in, recent activity. */
export function dashboardView(
  dashboard: Dashboard,
  actor: { id: string; unitId: string },
  context: ViewContext,
) {
  const { t, locale } = context;
  const deps: CaseViewDeps = {
    units: dashboard.units,
    users: dashboard.users,
    calendar: dashboard.calendar,
    now: dashboard.now,
    locale,
  };
  const rows = (items: Parameters<typeof presentCase>[0][]) =>
    items.map((row) => caseRowView(row, deps, context));
  const unitText = (id: string) => {
    const unit = dashboard.units.get(id);
    return unit ? unitName(unit, locale) : '';
  };
  const queueLink = (state: string) => `/cases?state=${encodeURIComponent(state)}&unitId=${actor.unitId}`;
  return {
    title: t('dashboard.title'),
    may: dashboard.may,
    waiting: dashboard.waiting
      ? {
          // a court's queue (agreements awaiting its ruling) is shown where there is one
          counts: waitingStates
            .map((state) => ({
              state,
              label: stateLabel(t, state),
              count: dashboard.waiting?.counts[state] ?? 0,
              url: queueLink(state),
            }))
            .filter(({ state, count }) => state !== 'agreement.judicialConfirmation' || count > 0),
          rows: rows(dashboard.waiting.items),
        }
      : null,
    mine: dashboard.mine
      ? {
          open: dashboard.mine.open,
          overdue: dashboard.mine.overdue,
          dueSoon: dashboard.mine.dueSoon,
          url: `/cases?mediatorId=${actor.id}&sort=due`,
          rows: rows(dashboard.mine.items),
        }
      : null,
    pressing: dashboard.pressing
      ? {
          overdue: dashboard.pressing.overdue,
          dueSoon: dashboard.pressing.dueSoon,
          open: dashboard.pressing.open,
          overdueUrl: `/cases?overdue=true&unitId=${actor.unitId}&sort=due`,
          dueUrl: `/cases?unitId=${actor.unitId}&sort=due`,
          rows: rows(dashboard.pressing.items),
        }
      : null,
    handOffs: dashboard.handOffs.map((handOff) => ({
      url: `/cases/${handOff.caseId}`,
      number: handOff.number,
      title: handOff.title,
      from: t('dashboard.handOffFrom', {
        unit: unitText(handOff.fromUnitId),
        kind: t(handOffKindKey(handOff)),
      }),
      to: unitText(handOff.toUnitId),
      reason: handOff.reasonCode ? t(`escalationReasons.${handOff.reasonCode}`) : null,
      detail: handOff.reason,
      stateLabel: stateLabel(t, handOff.state),
      reviewStatus: handOff.status,
      review: t(
        handOff.status === 'pending'
          ? 'dashboard.reviewPending'
          : handOff.status === 'endorsed'
            ? 'dashboard.reviewEndorsed'
            : 'dashboard.reviewQuestioned',
      ),
      at: formatMoment(handOff.createdAt, locale),
    })),
    questioned: questionedHandOffsView(dashboard.questioned, { t, locale, unitName: unitText }),
    recent: dashboard.recent.map(({ row, event }) => ({
      url: `/cases/${row.id}`,
      number: row.number,
      title: row.title,
      event: eventLabel(t, event.type),
      actor: event.actorName ?? '',
      at: formatMoment(event.at, locale),
      stateLabel: stateLabel(t, row.state),
    })),
  };
}

import type { TFunction } from 'i18next';
import { daysBetween } from '../deadlines/plain-date';
import { formatPlainDate } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import type { AgentHome } from './agent-home.service';
import { petitionViewModel } from './petition.view-model';

/** The agent's home page (`home/agent`): "登记信访" first, visits due this week, then the petitions by clock. */
export function agentHomeView(home: AgentHome, { t, locale }: { t: TFunction; locale: Locale }) {
  return {
    title: t('agentHome.title'),
    weekText: t('agentHome.week', {
      from: formatPlainDate(home.week.from, locale),
      to: formatPlainDate(home.week.to, locale),
    }),
    visitsDue: home.visitsDue.map((petition) => {
      const left = daysBetween(home.today, petition.nextVisitOn ?? home.today);
      return {
        id: petition.id,
        number: petition.number,
        subject: petition.subject,
        url: `/petitions/${petition.id}`,
        visitUrl: `/petitions/${petition.id}/visits/new`,
        onText: formatPlainDate(petition.nextVisitOn ?? home.today, locale),
        status: left < 0 ? 'overdue' : left === 0 ? 'soon' : 'ok',
        whenText: left < 0 ? t('agentHome.visitLate') : left === 0 ? t('agentHome.visitToday') : null,
      };
    }),
    petitions: home.petitions.map((petition) => petitionViewModel(petition, home.today, locale, t)),
    overdueCount: home.petitions.filter((petition) => petition.overdue).length,
  };
}

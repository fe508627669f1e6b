import type { TFunction } from 'i18next';
import { daysLeftText } from '../deadlines/days-left.presenter';
import { daysBetween } from '../deadlines/plain-date';
import { provisionalText } from '../deadlines/provisional.presenter';
import { formatMoment, formatPlainDate } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import type { PetitionDueDate, PetitionVisit } from './petition.entity';
import type { PetitionService } from './petition.service';

type PresentedPetition = Awaited<ReturnType<PetitionService['summary']>>;

/** The order the clocks appear in, with the locale key of each. */
const clockNames = [
  'decision',
  'conclusion',
  'reviewRequest',
  'reviewDecision',
  'recheckRequest',
  'recheckDecision',
] as const;

/** A clock as a phone screen shows it: its last day, the article, and days left or late. */
export function presentClock(
  name: string,
  clock: PetitionDueDate & { yearsWithoutNotice?: readonly number[] },
  today: string,
  locale: Locale,
  t: TFunction,
  current: boolean,
) {
  const left = daysBetween(today, clock.due);
  return {
    name,
    label: t(`petitions.clocks.${name}`),
    due: formatPlainDate(clock.due, locale),
    source: locale === 'en' ? clock.source.en : clock.source.zh,
    days: clock.days,
    current,
    status: left < 0 ? 'overdue' : left <= 3 ? 'soon' : 'ok',
    remaining: daysLeftText(left, t),
    /** Why the date may still move (a year without its notice), or null. */
    provisional: provisionalText(clock.yearsWithoutNotice ?? [], t, locale),
  };
}

/** A petition for the list and the page: labels in the reader's language, clocks read today. */
export function petitionViewModel<P extends PresentedPetition>(
  petition: P,
  today: string,
  locale: Locale,
  t: TFunction,
) {
  const clocks = clockNames.flatMap((name) => {
    const clock = petition.dueDates[name];
    return clock
      ? [
          presentClock(
            name,
            clock,
            today,
            locale,
            t,
            petition.currentDue?.due === clock.due && petition.currentDue?.startedOn === clock.startedOn,
          ),
        ]
      : [];
  });
  const current = clocks.find((clock) => clock.current) ?? null;
  return {
    ...petition,
    stateLabel: t(`petitions.states.${petition.state}`),
    receivedOnText: formatPlainDate(petition.receivedOn, locale),
    nextVisitText: petition.nextVisitOn ? formatPlainDate(petition.nextVisitOn, locale) : null,
    flagLabels: [
      ...(petition.flags.repeat ? [t('petitions.flags.repeat')] : []),
      ...(petition.flags.group ? [t('petitions.flags.group')] : []),
      ...(petition.flags.skipLevel ? [t('petitions.flags.skipLevel')] : []),
    ],
    clocks,
    current,
  };
}

export function visitViewModel(visit: PetitionVisit, locale: Locale, t: TFunction) {
  return {
    ...visit,
    visitedAtText: formatMoment(visit.visitedAt, locale),
    moodLabel: visit.mood ? t(`petitions.moods.${visit.mood}`) : null,
    riskLabel: visit.risk ? t(`petitions.risks.${visit.risk}`) : null,
    riskClass: visit.risk ? `risk-${visit.risk}` : '',
    nextVisitText: visit.nextVisitOn ? formatPlainDate(visit.nextVisitOn, locale) : null,
    /** whether the visit's footer (mood · risk · next visit) has anything to show */
    hasFacts: Boolean(visit.mood || visit.risk || visit.nextVisitOn),
  };
}

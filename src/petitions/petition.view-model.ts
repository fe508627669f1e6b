import type { TFunction } from 'i18next';
import { partyLanguages } from '../cases/party.entity';
import { textLimitView } from '../cases/text-limit.view-model';
import { daysLeftText } from '../deadlines/days-left.presenter';
import { daysBetween } from '../deadlines/plain-date';
import { provisionalText } from '../deadlines/provisional.presenter';
import { formatMoment, formatPlainDate } from '../shared/format';
import { optionGroupsOf } from '../shared/http/forms';
import { inLocale } from '../shared/i18n/bilingual';
import type { Locale } from '../shared/i18n/i18n';
import type { Unit } from '../units/unit.entity';
import { groupedUnitOptions, unitGroupLabels } from '../units/unit-options';
import type { User } from '../users/user.entity';
import { disputeTypes } from '../workflows/rules/dispute-rules.types';
import type { PetitionEventRecord } from '../workflows/workflow-event.entity';
import type { Petition, PetitionDueDate, PetitionVisit } from './petition.entity';
import type { PetitionPresenter, PetitionSummary } from './petition.presenter';
import { type PetitionFlag, petitionFlags, registerPetitionSchema, visitSchema } from './petition.schemas';
import { petitionTimelineView } from './petition-timeline.view-model';

/** What the pages are given besides their data: the reader's language. */
interface PageContext {
  t: TFunction;
  locale: Locale;
}

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
    source: inLocale(locale, clock.source),
    days: clock.days,
    current,
    status: left < 0 ? 'overdue' : left <= 3 ? 'soon' : 'ok',
    remaining: daysLeftText(left, t),
    /** Why the date may still move (a year without its notice), or null. */
    provisional: provisionalText(clock.yearsWithoutNotice ?? [], t, locale),
  };
}

/** A petition for the list and the page: labels in the reader's language, clocks read today. */
export function petitionViewModel<P extends PetitionSummary>(
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
    /** Where it sits now (the unit deciding on it): after a 复查/复核 request, the body above. */
    heldBy: petition.holdingUnit ? t('petitions.heldBy', { unit: petition.holdingUnit.name }) : null,
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

/** The list page (`petitions/list`): one card per petition, its current clock read today. */
export function petitionListView(
  petitions: PetitionSummary[],
  page: { total: number; overdue: boolean; state: string; flag?: PetitionFlag; today: string },
  { t, locale }: PageContext,
) {
  return {
    title: t('petitions.title'),
    petitions: petitions.map((petition) => petitionViewModel(petition, page.today, locale, t)),
    total: page.total,
    filter: {
      overdue: page.overdue,
      state: page.state,
      // 重复信访, 集体访, 越级访: one tab each (`?flag=`)
      flag: page.flag ?? null,
      flags: petitionFlags.map((flag) => ({
        value: flag,
        label: t(`petitions.flags.${flag}`),
        current: page.flag === flag,
      })),
    },
  };
}

/** Which fields each event's small form on the petition page shows. */
function eventForm(type: string, t: TFunction) {
  return {
    type,
    label: t(`petitions.events.${type}`),
    needsReason: ['DECLINE', 'EXTEND'].includes(type),
    needsOpinion: ['REPLY', 'REVIEW_DECIDED', 'RECHECK_DECIDED'].includes(type),
    needsNote: ['ACCEPT', 'CLOSE', 'SUSPEND', 'RESUME'].includes(type),
    needsDays: type === 'EXTEND',
    needsDate: ['REQUEST_REVIEW', 'REQUEST_RECHECK'].includes(type),
    /** When the written opinion reached the petitioner (§35, §36): with the opinion, or later. */
    needsDeliveredOn: ['REPLY', 'REVIEW_DECIDED', 'RECORD_DELIVERY'].includes(type),
    deliveredOnRequired: type === 'RECORD_DELIVERY',
    /** SUSPEND is for the recheck's hearing only (§36). */
    fixedReason: type === 'SUSPEND' ? 'hearing' : null,
    needsUnit: type === 'FORWARD',
    needsAgent: type === 'ASSIGN_AGENT',
    optionalReason: ['FORWARD', 'REQUEST_REVIEW', 'REQUEST_RECHECK'].includes(type),
  };
}

/** Everything the petition page shows, as read for one actor. */
export interface PetitionPage {
  petition: Awaited<ReturnType<PetitionPresenter['present']>>;
  visits: PetitionVisit[];
  /** Agents the petition may be assigned to (ASSIGN_AGENT). */
  agents: User[];
  /** Units the petition may be forwarded to (FORWARD). */
  units: Unit[];
  /** May the actor log a visit (the policy's answer)? */
  mayVisit: boolean;
  today: string;
  /** The petition's chain, oldest first, and the units it names. */
  events: PetitionEventRecord[];
  eventUnits: Map<string, Unit>;
}

/** The petition page (`petitions/show`): clocks, petitioners, linked cases, visits and the event forms. */
export function petitionPageView(page: PetitionPage, { t, locale }: PageContext) {
  const petition = petitionViewModel(page.petition, page.today, locale, t);
  const linkedCases = petition.linkedCases.map((linked) => ({
    ...linked,
    stateLabel: t(`caseStates.${linked.state.replace('.', '_')}`, { defaultValue: linked.state }),
    outcomeLabel: linked.outcome
      ? t(`caseOutcomes.${linked.outcome}`, { defaultValue: linked.outcome })
      : null,
  }));
  return {
    title: `${petition.number} ${petition.subject}`,
    petition: { ...petition, linkedCases },
    categoryLabel: t(`petitions.categories.${petition.category}`),
    finalText: petition.finalOn
      ? t('petitions.final', { date: formatPlainDate(petition.finalOn, locale) })
      : null,
    timeline: petitionTimelineView(page.events, { t, locale, units: page.eventUnits }),
    visits: page.visits.map((visit) => visitViewModel(visit, locale, t)),
    forms: petition.allowedEvents.filter((type) => type !== 'LINK_CASE').map((type) => eventForm(type, t)),
    canLink: petition.allowedEvents.includes('LINK_CASE'),
    canVisit: page.mayVisit,
    today: page.today,
    agentOptions: page.agents.map((agent) => ({ value: agent.id, label: agent.displayName })),
    // FORWARD's target: grouped by level, street, departments and courts (not one list of every unit)
    unitGroups: optionGroupsOf(
      groupedUnitOptions(
        page.units.filter((unit) => unit.active),
        { locale, groups: unitGroupLabels(t) },
      ),
      '',
    ),
  };
}

/** The registration page (`petitions/new`): three petitioner rows to start with, the categories (§31), claims first. */
export function newPetitionView({ t }: PageContext, typed: Record<string, unknown> = {}) {
  return {
    title: t('petitions.new'),
    contentLimit: textLimitView(registerPetitionSchema.shape.content.maxLength ?? 10000, t),
    rows: petitionerRowsOf(typed, t),
    categories: ['claim', 'proposal', 'complaint'].map((value) => ({
      value,
      label: t(`petitions.categories.${value}`),
    })),
  };
}

/**
 * The petitioner rows as typed (at least three), each with the names its errors have:
 * `petitioners.N.field`, N counting only the rows with a name (the others are not sent).
 */
function petitionerRowsOf(typed: Record<string, unknown>, t: TFunction) {
  const list = (value: unknown): string[] =>
    Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
  const names = list(typed.petitionerName);
  const ids = list(typed.petitionerIdNumber);
  const phones = list(typed.petitionerPhone);
  const consenting = new Set(list(typed.petitionerSmsConsent));
  const languages = list(typed.petitionerLanguage);
  let sent = -1;
  return Array.from({ length: Math.max(3, names.length) }, (_, index) => {
    const name = names[index] ?? '';
    if (name.trim() !== '') sent += 1;
    const field = (key: string) => (name.trim() !== '' ? `petitioners.${sent}.${key}` : '');
    return {
      index,
      name,
      idNumber: ids[index] ?? '',
      phone: phones[index] ?? '',
      nameField: field('name'),
      idNumberField: field('idNumber'),
      phoneField: field('phone'),
      // 个人信息保护法 §14: consent given explicitly (an unticked box), informed (the hint)
      smsConsent: consenting.has(String(index)),
      smsConsentField: field('smsConsent'),
      languages: partyLanguages.map((language) => ({
        value: language,
        label: t(`intake.languages.${language}`),
        selected: language === (languages[index] || 'zh-CN'),
      })),
    };
  });
}

/** The visit form's page (`petitions/visit`). */
export function visitPageView(row: Petition, { t }: PageContext) {
  return {
    title: t('petitions.logVisit'),
    petition: { id: row.id, number: row.number, subject: row.subject },
    summaryLimit: textLimitView(visitSchema.shape.summary.maxLength ?? 10000, t),
  };
}

/** The link form's page (`petitions/link`): the dispute types, the one chosen marked when the form comes back. */
export function linkPageView(row: Petition, { t }: PageContext, chosenType?: unknown) {
  return {
    title: t('petitions.linkCase'),
    petition: { id: row.id, number: row.number, subject: row.subject, version: row.version },
    types: disputeTypes.map((type) => ({
      value: type,
      label: t(`disputeTypes.${type}`),
      ...(chosenType === undefined ? {} : { selected: type === chosenType }),
    })),
  };
}

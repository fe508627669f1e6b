import type { TFunction } from 'i18next';
import { readClock, yearsWithoutNotice } from '../deadlines/clock';
import { currentPetitionClock } from '../petitions/petition-clocks';
import { formatMoment, formatPlainDate } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import { formatPhone, phoneHref } from '../shared/phone-number';
import { partyGuidanceOf } from './party-guidance';
import type { ProgressRecord } from './progress-lookup.queries';
import type { FoundProgress } from './progress-lookup.service';
import type { TrackAnswer } from './tracking.schemas';

interface Context {
  t: TFunction;
  locale: Locale;
}

/** The state in words: a case's (with how it closed), a petition's. */
function stateLabelOf(record: ProgressRecord, t: TFunction): string {
  if (record.subjectType === 'petition')
    return t(`petitions.states.${record.state}`, { defaultValue: record.state });
  const state = t(`caseStates.${record.state.replace('.', '_')}`, { defaultValue: record.state });
  if (record.state !== 'closed' || !record.outcome) return state;
  return `${state}${t('punct.openParen')}${t(`caseOutcomes.${record.outcome}`)}${t('punct.closeParen')}`;
}

/** The current due date, and whether it may still move (a year whose holiday notice is not entered). */
function deadlineOf({ record, today, calendar }: FoundProgress): TrackAnswer['deadline'] {
  if (record.subjectType === 'case') {
    const deadline = record.deadline;
    if (!deadline || record.state === 'closed') return undefined;
    const reading = readClock(
      { startedOn: deadline.startedOn, days: deadline.days, basis: deadline.basis, pauses: deadline.pauses },
      today,
      calendar,
    );
    return { due: reading.due, provisional: reading.provisional };
  }
  const clock = record.dueDates ? currentPetitionClock(record.state, record.dueDates) : null;
  if (!clock) return undefined;
  // a petition's clock is stored with its due date (信访工作条例's periods, counted when set)
  return { due: clock.due, provisional: yearsWithoutNotice(calendar, clock.startedOn, clock.due).length > 0 };
}

/** The next session, if one is set (`nextSession` in the case's context: {at, place?}); read defensively. */
function nextSessionOf(record: ProgressRecord): TrackAnswer['nextSession'] {
  const session = record.context.nextSession as { at?: unknown; place?: unknown } | null | undefined;
  // a moment that is not one (a snapshot written by hand, an old shape) is no next session, not a 500
  if (record.subjectType !== 'case' || !session || typeof session.at !== 'string') return undefined;
  if (Number.isNaN(Date.parse(session.at))) return undefined;
  return {
    at: session.at,
    ...(typeof session.place === 'string' && session.place ? { place: session.place } : {}),
  };
}

/**
 * `POST /api/v1/track`'s answer: exactly the keys of `trackAnswerSchema`, in the request's
 * language. `type` is a code (a case's dispute type, `petition` for a petition); the words are
 * in `stateLabel`. Nothing about the parties, the notes or the mediator.
 */
export function trackAnswerOf(found: FoundProgress, { t, locale }: Context): TrackAnswer {
  const { record } = found;
  const deadline = deadlineOf(found);
  const nextSession = nextSessionOf(record);
  return {
    number: record.number,
    type: record.subjectType === 'petition' ? 'petition' : record.kind,
    state: record.state,
    stateLabel: stateLabelOf(record, t),
    holdingUnit: {
      name: locale === 'en' ? record.holdingUnit.nameEn : record.holdingUnit.nameZh,
      // the unit's public number, for the party to call; left out when the unit has none
      ...(record.holdingUnit.phone ? { phone: formatPhone(record.holdingUnit.phone) } : {}),
    },
    ...(nextSession ? { nextSession } : {}),
    ...(deadline ? { deadline } : {}),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** The /track page's result: the answer in words, and what it means for the party. */
export function progressPageView(found: FoundProgress, context: Context) {
  const { t, locale } = context;
  const { record } = found;
  const answer = trackAnswerOf(found, context);
  const formatDates = (params: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(params).map(([key, value]) => [key, formatPlainDate(value, locale)]));
  return {
    number: answer.number,
    kindLabel:
      found.record.subjectType === 'petition'
        ? t('tracking.page.petition')
        : t(`disputeTypes.${answer.type}`, { defaultValue: answer.type }),
    stateLabel: answer.stateLabel,
    holdingUnit: answer.holdingUnit.name,
    holdingUnitPhone: record.holdingUnit.phone
      ? { text: formatPhone(record.holdingUnit.phone), href: phoneHref(record.holdingUnit.phone) }
      : null,
    deadline: answer.deadline
      ? {
          due: formatPlainDate(answer.deadline.due, locale),
          provisional: answer.deadline.provisional,
        }
      : null,
    nextSession: answer.nextSession
      ? {
          at: formatMoment(new Date(answer.nextSession.at), locale),
          place: answer.nextSession.place ?? null,
        }
      : null,
    updatedAt: formatMoment(found.record.updatedAt, locale),
    guidance: partyGuidanceOf(found.record, found.today, found.calendar).map((line) =>
      t(`tracking.guidance.${line.key}`, formatDates(line.params)),
    ),
  };
}

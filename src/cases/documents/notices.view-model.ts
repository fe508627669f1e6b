import { todayInShanghai } from '../../deadlines/working-calendar';
import { formatMoment, formatPlainDate } from '../../shared/format';
import { inLocale } from '../../shared/i18n/bilingual';
import { unitName, unitPhone } from '../../units/unit.presenter';
import type { StageDeadline, Track } from '../../workflows/rules/dispute-rules.types';
import { tracks } from '../../workflows/rules/dispute-rules.types';
import type { ViewContext } from '../case.view-model';
import type { CaseFile, DocumentParty } from '../case-file.service';
import { acceptanceOf, refusalOf } from './case-documents';
import { acceptanceNoticeLaw, documentLaw } from './document-law';
import { documentFrame, issuerName, lawLine, namesIn, noticeAddressees, payloadText } from './document-parts';

interface PrintedCase {
  file: CaseFile;
  parties: DocumentParty[];
}

/** The rights §23 gives the parties, in its order. */
const rights = ['choose', 'accept', 'public', 'express'] as const;
/** The duties §24 lays on them, in its order. */
const duties = ['truthful', 'order', 'respect'] as const;

/** How long the period runs, in words: "15日", "30个工作日", "1个月". */
function periodLength(deadline: StageDeadline, { t }: ViewContext): string {
  if (deadline.months !== undefined) return t('deadlines.basisMonths', { count: deadline.months });
  return t(deadline.basis === 'working' ? 'deadlines.basisWorking' : 'deadlines.basisCalendar', {
    days: deadline.days,
  });
}

function trackOf(payload: Record<string, unknown>): Track | null {
  const track = payload.track;
  return tracks.find((candidate) => candidate === track) ?? null;
}

/**
 * 受理通知书 (人民调解法 §17, §23): who accepted, when, on which track and at which unit, the
 * period the rules give with its article, the parties' rights, and the lookup code — printed
 * when given (issued at acceptance, or anew by the unit), else a line saying so.
 */
export function acceptanceNoticeView(
  { file, parties }: PrintedCase,
  context: ViewContext,
  options: { lookupCode?: string } = {},
) {
  const { t, locale } = context;
  const event = acceptanceOf(file);
  if (!event) throw new Error('acceptanceNoticeView: the case was never accepted');
  const track = trackOf(event.payload) ?? file.row.track ?? 'people';
  const unitId = payloadText(event.payload, 'unitId') || event.unitId;
  const unit = (unitId ? file.units.get(unitId) : undefined) ?? file.holdingUnit;
  const phone = unitPhone(unit);
  const deadline = file.rules.deadlines[track];
  const acceptedOn = formatMoment(event.at, locale);
  const level = payloadText(event.payload, 'level');
  const acceptedDay = formatPlainDate(todayInShanghai(event.at), locale);
  // day 0 of the period: the day of acceptance, or the application's for a period that counts from it (劳动 §14)
  const startsOn =
    deadline.countsFrom === 'application_received'
      ? formatPlainDate(file.row.receivedOn, locale)
      : acceptedDay;
  return {
    ...documentFrame(file, t('caseDocs.acceptance.title'), context),
    kind: 'acceptance-notice',
    issuer: issuerName(file, unitId, context),
    addressees: noticeAddressees(parties, t),
    body: t('caseDocs.acceptance.body', {
      applicants: namesIn(parties, 'applicant', locale),
      respondents: namesIn(parties, 'respondent', locale),
      type: t(`disputeTypes.${file.row.type}`),
      title: file.row.title,
      receivedOn: formatPlainDate(file.row.receivedOn, locale),
      acceptedOn,
      unit: unitName(unit, locale),
      track: t(`tracks.${track}`),
    }),
    facts: [
      { label: t('caseDocs.acceptance.acceptedBy'), text: event.actorName ?? '' },
      { label: t('caseDocs.acceptance.acceptedAt'), text: acceptedOn },
      {
        label: t('caseDocs.acceptance.track'),
        text: level ? `${t(`tracks.${track}`)} · ${t(`levels.${level}`)}` : t(`tracks.${track}`),
      },
      { label: t('caseDocs.acceptance.unit'), text: unitName(unit, locale) },
      // the unit's public number, where the parties may call it (联系电话); none when it has none
      ...(phone ? [{ label: t('caseDocs.acceptance.unitPhone'), text: phone }] : []),
      {
        label: t('caseDocs.acceptance.period'),
        text: t('caseDocs.acceptance.periodText', {
          length: periodLength(deadline, context),
          from: startsOn,
          source: inLocale(locale, deadline.source),
        }),
      },
    ],
    ...whatThePartiesAreTold(file, track, context),
    lookupCode: options.lookupCode ?? null,
    law: lawLine(acceptanceNoticeLaw(track, file.row.type, deadline.source), context),
    issuedOn: acceptedDay,
  };
}

/**
 * What the acceptance notice tells the parties before mediating: in people's mediation their
 * rights (人民调解法 §23) and duties (§24) — 人民调解工作若干规定 §30 asks both; in a labour
 * dispute that after 15 days without agreement they may apply for arbitration (劳动争议调解仲裁法
 * §14), within the one-year limitation (§27).
 */
function whatThePartiesAreTold(file: CaseFile, track: Track, { t, locale }: ViewContext) {
  const peoples = track === 'people';
  const labour = file.row.type === 'labour' && track !== 'judicial';
  return {
    rightsTitle: t('caseDocs.acceptance.rightsTitle', {
      source: inLocale(locale, documentLaw.partiesRights),
    }),
    rights: peoples ? rights.map((key) => t(`caseDocs.acceptance.rights.${key}`)) : [],
    dutiesTitle: t('caseDocs.acceptance.dutiesTitle', {
      source: inLocale(locale, documentLaw.partiesDuties),
    }),
    duties: peoples ? duties.map((key) => t(`caseDocs.acceptance.duties.${key}`)) : [],
    labourNotes: labour
      ? [
          t('caseDocs.acceptance.labourArbitration', {
            source: inLocale(locale, documentLaw.labourArbitrationAfter),
          }),
          t('caseDocs.acceptance.labourLimitation', {
            source: inLocale(locale, documentLaw.labourLimitation),
          }),
        ]
      : [],
  };
}

/**
 * 不予受理告知书 (人民调解工作若干规定 §22, §23): the reason, and where the party may take the
 * dispute — the agency it was referred to (REFER_OUT), else the general ways the law leaves open.
 */
export function refusalNoticeView({ file, parties }: PrintedCase, context: ViewContext) {
  const { t, locale } = context;
  const event = refusalOf(file);
  if (!event) throw new Error('refusalNoticeView: the case was never refused');
  const agency = event.type === 'REFER_OUT' ? payloadText(event.payload, 'agency') : '';
  return {
    ...documentFrame(file, t('caseDocs.refusal.title'), context),
    kind: 'refusal-notice',
    issuer: issuerName(file, event.unitId, context),
    addressees: noticeAddressees(parties, t),
    body: t('caseDocs.refusal.body', {
      applicants: namesIn(parties, 'applicant', locale),
      respondents: namesIn(parties, 'respondent', locale),
      type: t(`disputeTypes.${file.row.type}`),
      title: file.row.title,
      receivedOn: formatPlainDate(file.row.receivedOn, locale),
      decidedOn: formatMoment(event.at, locale),
    }),
    reason: payloadText(event.payload, 'reason'),
    whereToGo: whereToGo(file, agency, context),
    decidedBy: event.actorName ?? '',
    law: lawLine(documentLaw.refusalNotice, context),
    issuedOn: formatPlainDate(todayInShanghai(event.at), locale),
  };
}

/**
 * Where a party whose case was not accepted may go: the agency it was referred to (for labour,
 * arbitration is the 劳动人事争议仲裁委员会), else the ways the law leaves open — for a labour
 * dispute arbitration first, not a lawsuit (劳动争议调解仲裁法 §5), within a year (§27).
 */
function whereToGo(file: CaseFile, agency: string, { t, locale }: ViewContext): string {
  const labour = file.row.type === 'labour';
  if (agency && agency !== 'other') {
    const name =
      labour && agency === 'arbitration' ? t('caseDocs.refusal.labourArbitration') : t(`agencies.${agency}`);
    return t('caseDocs.refusal.referredTo', { agency: name });
  }
  if (!labour) return t('caseDocs.refusal.otherWays');
  return t('caseDocs.refusal.otherWaysLabour', {
    source: inLocale(locale, documentLaw.labourArbitrationFirst),
    limitation: inLocale(locale, documentLaw.labourLimitation),
  });
}

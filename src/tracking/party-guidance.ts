import { readClock } from '../deadlines/clock';
import type { PlainDate } from '../deadlines/plain-date';
import type { WorkingCalendar } from '../deadlines/working-calendar';
import type { ProgressRecord } from './progress-lookup.queries';

/** One line the lookup page shows: a key under `tracking.guidance` of the locale files, and its values. */
export interface GuidanceLine {
  key: string;
  params?: Record<string, string>;
}

/** The ways on the law leaves open when mediation fails (a case's FAIL event names one). */
const waysOnAfterFailure = ['arbitration', 'litigation', 'administrative_ruling', 'payment_order', 'other'];
/** The ways on a breach of an agreement the court did not confirm (the BREACHED event names them). */
const waysOnAfterBreach = ['litigation', 'arbitration', 'payment_order'];

/**
 * WHAT THE STATE MEANS FOR THE PARTY AND WHAT THEY MAY DO NEXT — the one rule that chooses
 * the texts (kept in the locale files under `tracking.guidance`, each naming its article), by
 * state, outcome, dispute type and track (人民调解 / 行政调解 / 司法调解):
 *
 * - a labour case whose mediation period has run out: arbitration is open (劳动争议调解仲裁法 §14);
 * - an agreement while its confirmation window runs: joint application to the court within 30
 *   days — 人民调解法 §33 on the people's track, 民事诉讼法 §205 on the judicial one; confirmed:
 *   the party applies for enforcement (人民调解法 §33 / 民事诉讼法 §206, within two years, §250);
 *   otherwise a people's agreement may be sued on (人民调解法 §32), a labour one goes to
 *   arbitration (§15); an administrative or court-invited agreement cites neither;
 * - closed after a breach: the ways the BREACHED event recorded (人民调解法 §32; 劳动争议调解仲裁法
 *   §15, §16 for the matters it concerns); after a failure: the way the FAIL named (人民调解法
 *   §26), for labour arbitration (劳动争议调解仲裁法 §5, §27) — but a case the court invited
 *   (judicial track) goes back to the court's proceedings;
 * - a claim (申诉求决类) replied to: 复查 within 30 days (信访工作条例 §35); reviewed: 复核 within 30
 *   days (§36); a recheck's opinion is final (§36). A proposal's or complaint's answer is not
 *   reviewable (§35 reviews 信访处理意见 only).
 */
export function partyGuidanceOf(
  record: ProgressRecord,
  today: PlainDate,
  calendar: WorkingCalendar,
): GuidanceLine[] {
  return record.subjectType === 'petition' ? petitionGuidance(record) : caseGuidance(record, today, calendar);
}

function caseGuidance(record: ProgressRecord, today: PlainDate, calendar: WorkingCalendar): GuidanceLine[] {
  const labour = record.kind === 'labour';
  switch (record.state) {
    case 'registered':
    case 'screening':
      return [{ key: 'case.screening' }];
    case 'mediation.awaitingMediator':
      return [{ key: 'case.accepted' }];
    case 'mediation.inProgress':
    case 'mediation.suspended': {
      const lines: GuidanceLine[] = [
        { key: record.state === 'mediation.suspended' ? 'case.suspended' : 'case.inMediation' },
      ];
      if (labour && periodRunOut(record, today, calendar)) lines.unshift({ key: 'case.labourPeriodRunOut' });
      return lines;
    }
    case 'agreement.awaitingFulfilment':
      return agreementGuidance(record, today);
    case 'agreement.judicialConfirmation':
      return [{ key: 'case.atCourt' }];
    case 'closed':
      return closedGuidance(record);
    default:
      return [];
  }
}

/**
 * An agreement awaiting performance, by track: the confirmation window's article is the
 * people's mediation law's (§33) on the people's track, the civil procedure law's (§205) on
 * the judicial one; §32 (sue on the agreement) is the people's track's only.
 */
function agreementGuidance(record: ProgressRecord, today: PlainDate): GuidanceLine[] {
  const context = record.context;
  const judicial = record.track === 'judicial';
  if (context.judiciallyConfirmed === true)
    return [{ key: judicial ? 'case.agreementConfirmedJudicial' : 'case.agreementConfirmed' }];
  if (record.kind === 'labour') return [{ key: 'case.agreementLabour' }];
  const endsOn =
    typeof context.confirmationWindowEndsOn === 'string' ? context.confirmationWindowEndsOn : null;
  if (endsOn && endsOn >= today)
    return [
      {
        key: judicial ? 'case.agreementConfirmableJudicial' : 'case.agreementConfirmable',
        params: { date: endsOn },
      },
    ];
  if (record.track === 'people' || record.track === null) return [{ key: 'case.agreementReached' }];
  return [{ key: judicial ? 'case.agreementReachedJudicial' : 'case.agreementReachedAdministrative' }];
}

function closedGuidance(record: ProgressRecord): GuidanceLine[] {
  switch (record.outcome) {
    case 'resolved':
      return [{ key: 'case.closedResolved' }];
    case 'unresolved':
      return unresolvedGuidance(record);
    case 'withdrawn':
      return [{ key: 'case.closedWithdrawn' }];
    case 'not_accepted':
      return [{ key: record.kind === 'labour' ? 'case.notAcceptedLabour' : 'case.notAccepted' }];
    case 'referred_out':
      return [{ key: 'case.referredOut' }];
    case 'enforcement_referred':
      return [
        {
          key: record.track === 'judicial' ? 'case.enforcementReferredJudicial' : 'case.enforcementReferred',
        },
      ];
    default:
      return [{ key: 'case.closed' }];
  }
}

/**
 * Closed unresolved, by the event that closed it: a breach (the ways its rules gave, one line
 * each) or a failure (the way named; a court-invited case returns to the court instead).
 */
function unresolvedGuidance(record: ProgressRecord): GuidanceLine[] {
  const closedBy = record.closedBy;
  if (closedBy?.type === 'BREACHED') {
    const ways = closedBy.guidance.filter((way) => waysOnAfterBreach.includes(way));
    if (ways.length === 0) return [{ key: 'case.closedBreached.other' }];
    return ways.map((way) => ({ key: `case.closedBreached.${way}` }));
  }
  if (record.track === 'judicial') return [{ key: 'case.closedUnresolvedJudicial' }];
  // labour: arbitration before any lawsuit (劳动争议调解仲裁法 §5), within a year (§27)
  if (record.kind === 'labour') return [{ key: 'case.closedUnresolvedLabour' }];
  const named = closedBy?.guidance.find((way) => waysOnAfterFailure.includes(way));
  // 人民调解法 §26 is people's mediation's: an administrative body's failed mediation names the way only
  const family = record.track === 'administrative' ? 'closedUnresolvedAdministrative' : 'closedUnresolved';
  return [{ key: `case.${family}.${named ?? 'litigation'}` }];
}

/** The mediation period (劳动争议调解仲裁法 §14: 15 days) has run out while the case is still in mediation. */
function periodRunOut(record: ProgressRecord, today: PlainDate, calendar: WorkingCalendar): boolean {
  const deadline = record.deadline;
  if (!deadline || (deadline.clock ?? 'mediation') !== 'mediation') return false;
  return readClock(
    { startedOn: deadline.startedOn, days: deadline.days, basis: deadline.basis, pauses: deadline.pauses },
    today,
    calendar,
  ).overdue;
}

function petitionGuidance(record: ProgressRecord): GuidanceLine[] {
  const context = record.context;
  const dateOf = (key: string) => (typeof context[key] === 'string' ? (context[key] as string) : '');
  switch (record.state) {
    case 'registered':
      return [{ key: 'petition.registered' }];
    case 'notAccepted':
      return [{ key: 'petition.notAccepted' }];
    case 'forwarded':
      return [{ key: 'petition.forwarded' }];
    case 'accepted.handling':
      return [{ key: 'petition.handling' }];
    case 'accepted.replied':
      // §35 reviews the 信访处理意见 a claim ends in; a proposal or complaint is answered, not reviewable
      if (record.kind !== 'claim') return [{ key: 'petition.answered' }];
      return [{ key: 'petition.replied', params: { date: dateOf('reviewRequestWindowEndsOn') } }];
    case 'accepted.review':
      return [{ key: 'petition.review' }];
    case 'accepted.reviewed':
      return [{ key: 'petition.reviewed', params: { date: dateOf('recheckRequestWindowEndsOn') } }];
    case 'accepted.recheck':
    case 'accepted.recheckHearing':
      return [{ key: 'petition.recheck' }];
    case 'closed':
      return [{ key: context.final === true ? 'petition.closedFinal' : 'petition.closed' }];
    default:
      return [];
  }
}

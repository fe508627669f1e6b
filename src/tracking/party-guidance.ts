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

/**
 * WHAT THE STATE MEANS FOR THE PARTY AND WHAT THEY MAY DO NEXT — the one rule that chooses
 * the texts (kept in the locale files under `tracking.guidance`, each naming its article):
 *
 * - a labour case whose mediation period has run out: arbitration is open (劳动争议调解仲裁法 §14);
 * - an agreement on the people's track while its window runs: judicial confirmation within
 *   30 days of its taking effect (人民调解法 §33); confirmed: enforcement if not performed;
 *   a labour agreement not performed: arbitration (§15);
 * - closed unresolved: the way on the case's failure named (arbitration, litigation …);
 * - a petition replied to: 复查 within 30 days (信访工作条例 §35); reviewed: 复核 within 30
 *   days (§36); a recheck's opinion is final (§36).
 */
export function partyGuidanceOf(
  record: ProgressRecord,
  today: PlainDate,
  calendar: WorkingCalendar,
): GuidanceLine[] {
  return record.subjectType === 'petition' ? petitionGuidance(record) : caseGuidance(record, today, calendar);
}

function caseGuidance(record: ProgressRecord, today: PlainDate, calendar: WorkingCalendar): GuidanceLine[] {
  const context = record.context;
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
    case 'agreement.awaitingFulfilment': {
      if (context.judiciallyConfirmed === true) return [{ key: 'case.agreementConfirmed' }];
      const endsOn =
        typeof context.confirmationWindowEndsOn === 'string' ? context.confirmationWindowEndsOn : null;
      if (labour) return [{ key: 'case.agreementLabour' }];
      if (endsOn && endsOn >= today) return [{ key: 'case.agreementConfirmable', params: { date: endsOn } }];
      return [{ key: 'case.agreementReached' }];
    }
    case 'agreement.judicialConfirmation':
      return [{ key: 'case.atCourt' }];
    case 'closed':
      return closedGuidance(record);
    default:
      return [];
  }
}

function closedGuidance(record: ProgressRecord): GuidanceLine[] {
  switch (record.outcome) {
    case 'resolved':
      return [{ key: 'case.closedResolved' }];
    case 'unresolved': {
      const way =
        record.failGuidance && waysOnAfterFailure.includes(record.failGuidance)
          ? record.failGuidance
          : record.kind === 'labour'
            ? 'arbitration'
            : 'litigation';
      return [{ key: `case.closedUnresolved.${way}` }];
    }
    case 'withdrawn':
      return [{ key: 'case.closedWithdrawn' }];
    case 'not_accepted':
      return [{ key: record.kind === 'labour' ? 'case.notAcceptedLabour' : 'case.notAccepted' }];
    case 'referred_out':
      return [{ key: 'case.referredOut' }];
    case 'enforcement_referred':
      return [{ key: 'case.enforcementReferred' }];
    default:
      return [{ key: 'case.closed' }];
  }
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

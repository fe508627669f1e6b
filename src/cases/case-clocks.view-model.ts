import { formatMoment, formatPlainDate } from '../shared/format';
import { type Bilingual, inLocale } from '../shared/i18n/bilingual';
import { isSettled, readLimitation } from './arbitration-limitation';
import type { ViewContext } from './case.view-model';
import type { CaseFile } from './case-file.service';

/**
 * What the case page says about the clocks the law runs on a case besides its due date
 * (issue 16): the day the application came in, what a run-out period means under the
 * rule (医疗: counts as failed; 劳动: arbitration open since the next day), and a labour
 * dispute's arbitration limitation (§27) — in words, with the article.
 */
export function caseClocksView(file: CaseFile, { t, locale }: ViewContext) {
  const day = (date: string | null) => (date ? formatPlainDate(date, locale) : '');
  const cite = (source: Bilingual) => inLocale(locale, source);
  const { period, row, rules } = file;

  let runOut: { tone: 'overdue'; text: string } | null = null;
  if (period.runOut && period.stage && row.deadline) {
    const params = {
      due: day(row.deadline.due),
      since: day(period.runOutSince),
      source: cite(period.stage.source),
    };
    if (period.failedByExpiry)
      runOut = { tone: 'overdue', text: t('casePage.clocks.failedByExpiry', params) };
    else if (period.stage.expiryOpensArbitration)
      runOut = { tone: 'overdue', text: t('casePage.clocks.arbitrationOpen', params) };
  }

  const limitationRule = rules.arbitrationLimitation;
  let limitation: { tone: string; text: string; source: string; note: string } | null = null;
  if (limitationRule) {
    const reading = readLimitation(row, limitationRule, file.today, file.calendar);
    const params = {
      knewOn: day(reading?.knewOn ?? null),
      interruptedOn: day(reading?.interruptedOn ?? null),
      runsFrom: day(reading?.runsFrom ?? null),
      endsOn: day(reading?.endsOn ?? null),
    };
    if (!isSettled(row)) {
      const [tone, key] = !reading
        ? ['paused', 'casePage.clocks.limitationNotRecorded']
        : reading.status === 'interrupted'
          ? ['paused', 'casePage.clocks.limitationInterrupted']
          : reading.status === 'running'
            ? [
                reading.warningOn && file.today >= reading.warningOn ? 'soon' : 'ok',
                'casePage.clocks.limitationRunning',
              ]
            : reading.status === 'lapsed'
              ? ['overdue', 'casePage.clocks.limitationLapsed']
              : ['overdue', 'casePage.clocks.limitationLapsedBefore'];
      limitation = {
        tone,
        text: t(key, params),
        source: cite(limitationRule.source),
        note: cite(limitationRule.note),
      };
    }
  }

  const deadline = row.deadline;
  return {
    paused: pausedView(file, { t, locale }),
    court: courtWithoutClockView(file, { t, locale }),
    receivedOn: day(row.receivedOn),
    /** The due date shown is the department's decision to accept (医疗 §40) or the court's ruling (§187), not a mediation period. */
    deadlineLabel:
      deadline?.clock === 'acceptance' || deadline?.clock === 'confirmation'
        ? t(`casePage.clocks.${deadline.clock}`)
        : null,
    extendedBy:
      deadline?.extensions && deadline.extensions.length > 0
        ? t('casePage.clocks.extendedBy', {
            days: deadline.extensions.reduce((sum, extension) => sum + extension.days, 0),
          })
        : null,
    runOut,
    limitation,
  };
}

/**
 * A paused deadline in words (issue 24): that the paused days do not count, since when and
 * why, and that the due date shown is the one if the clock ran again today — it moves on
 * each day the pause lasts (src/deadlines/clock.ts: an open pause is taken to end today).
 */
function pausedView(file: CaseFile, { t, locale }: ViewContext) {
  const deadline = file.row.deadline;
  if (!deadline?.paused) return null;
  const open = [...deadline.pauses].reverse().find((pause) => pause.to === undefined);
  const reason = file.row.snapshot.context.suspendedReason;
  return {
    text: t(reason ? 'casePage.clocks.pausedSince' : 'casePage.clocks.pausedSincePlain', {
      since: open ? formatPlainDate(open.from, locale) : '',
      reason: reason ? t(`suspendReasons.${reason}`) : '',
    }),
    status: t('casePage.clocks.pausedStatus'),
    dueText: t('casePage.clocks.dueMovesOnResume', { due: formatPlainDate(deadline.due, locale) }),
  };
}

/**
 * With the court for judicial confirmation but no clock kept (a case that reached the court
 * before the court's period was counted, or imported so): the period the law gives the court,
 * with its article, and since when the case waits (the day the application was recorded).
 */
function courtWithoutClockView(file: CaseFile, { t, locale }: ViewContext) {
  if (file.row.state !== 'agreement.judicialConfirmation' || file.row.deadline) return null;
  const period = file.rules.judicialConfirmation.decisionPeriod;
  const request = [...file.events].reverse().find((event) => event.type === 'REQUEST_JUDICIAL_CONFIRMATION');
  return t('casePage.clocks.courtPeriod', {
    since: request ? formatMoment(request.at, locale) : '',
    period:
      period.months !== undefined
        ? t('deadlines.basisMonths', { count: period.months })
        : t(period.basis === 'working' ? 'deadlines.basisWorking' : 'deadlines.basisCalendar', {
            days: period.days,
          }),
    source: inLocale(locale, period.source),
  });
}

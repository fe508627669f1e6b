import { daysBetween } from '../deadlines/plain-date';
import { questionedHandOffsView } from '../escalations/questioned-hand-off.view-model';
import { formatAmount, formatBytes, formatMoment, formatPlainDate } from '../shared/format';
import { inLocale, listSeparator } from '../shared/i18n/bilingual';
import { unitName } from '../units/unit.presenter';
import { notConfirmableReasons } from '../workflows/rules/shared-rules';
import { attachmentExtensions, attachmentMaxBytes } from './attachment.rules';
import { attachmentView } from './attachment.view-model';
import { type CaseViewDeps, presentCase } from './case.presenter';
import { deadlineView, eventLabel, riskBadgeView, stateLabel, type ViewContext } from './case.view-model';
import { type ActionFailure, actionFormsView } from './case-actions.view-model';
import { caseClocksView } from './case-clocks.view-model';
import type { CaseFile } from './case-file.service';
import { statechartView } from './case-statechart.view-model';
import { timelineView } from './case-timeline.view-model';

/**
 * The case page (/cases/:id): the header with its deadline and clocks, the parties, the
 * timeline, the statechart picture, the action forms and the attachments.
 */

/**
 * Judicial confirmation as the case page shows it: the countdown to apply (人民调解法 §33)
 * while it runs; an agreement recorded as one the court cannot confirm, with why (民诉法解释
 * §355); the court deciding (民事诉讼法 §205); its ruling.
 */
function confirmationView(file: CaseFile, { t, locale }: ViewContext) {
  const context = file.row.snapshot.context;
  const agreement = file.agreement;
  if (file.row.state === 'agreement.judicialConfirmation') {
    const court = context.confirmationCourtId ? file.units.get(context.confirmationCourtId) : undefined;
    return {
      status: t('judicialConfirmation.atCourt', {
        court: court ? unitName(court, locale) : '',
        appliedOn: appliedOnOf(file, locale),
      }),
      tone: 'ok',
      source: inLocale(locale, file.rules.judicialConfirmation.decisionPeriod.source),
    };
  }
  if (file.row.state !== 'agreement.awaitingFulfilment') return null;
  if (context.judiciallyConfirmed)
    return {
      status: agreement?.rulingNo
        ? t('judicialConfirmation.ruling', {
            rulingNo: agreement.rulingNo,
            ruledOn: agreement.ruledOn ? formatPlainDate(agreement.ruledOn, locale) : '',
          })
        : t('deadlines.judiciallyConfirmed'),
      tone: 'ok',
      source: '',
    };
  if (agreement?.confirmable === false && agreement.notConfirmableReason)
    return {
      status: t('judicialConfirmation.notConfirmable', {
        reason: t(`judicialConfirmation.reasons.${agreement.notConfirmableReason}`),
        source: inLocale(locale, notConfirmableReasons[agreement.notConfirmableReason]),
      }),
      tone: 'ok',
      source: '',
    };
  // refused before the court's own decision per agreement (issue 19), with no reason recorded
  if (agreement?.confirmable === false && !agreement.notConfirmableReason && context.track === 'people')
    return { status: t('judicialConfirmation.notConfirmableUnrecorded'), tone: 'ok', source: '' };
  const endsOn = context.confirmationWindowEndsOn;
  if (!endsOn) return null;
  const left = daysBetween(file.today, endsOn);
  const date = formatPlainDate(endsOn, locale);
  const source = file.rules.judicialConfirmation.applicationWindow.source;
  return {
    status:
      left > 0
        ? t('deadlines.confirmationLeft', { n: left, date })
        : left === 0
          ? t('deadlines.confirmationLastDay', { date })
          : t('deadlines.confirmationPassed', { date }),
    tone: left < 0 ? 'overdue' : left <= 5 ? 'soon' : 'ok',
    source: inLocale(locale, source),
  };
}

/** The day of the pending application, from its event on the timeline. */
function appliedOnOf(file: CaseFile, locale: ViewContext['locale']): string {
  const request = [...file.events].reverse().find((event) => event.type === 'REQUEST_JUDICIAL_CONFIRMATION');
  const appliedOn = request?.payload.appliedOn;
  return typeof appliedOn === 'string' ? formatPlainDate(appliedOn, locale) : '';
}

/** After a breach: the remedies the parties were told of, each with its article (劳动争议调解仲裁法 §15, §16). */
function breachView(file: CaseFile, { t, locale }: ViewContext) {
  const recorded = file.agreement?.status === 'breached' ? file.agreement.breachGuidance : null;
  if (!recorded || recorded.guidance.length === 0) return null;
  return {
    concerns: recorded.concerns.map((matter) => t(`breach.matters.${matter}`)).join(listSeparator(locale)),
    guidance: recorded.guidance.map(({ guidance, source }) => ({
      label: t(`guidances.${guidance}`),
      source: inLocale(locale, source),
    })),
  };
}

export interface CasePageOptions {
  failure?: ActionFailure;
  saved?: string;
  uploaded?: string;
  stale?: boolean;
  /** The message after a form too large to read (error-handler.ts sends the browser back here). */
  tooLarge?: string;
  timeline: 'all' | 'important';
}

export function casePageView(file: CaseFile, options: CasePageOptions, context: ViewContext) {
  const { t } = context;
  const row = file.row;
  const actions = actionFormsView(file, options, context);
  return {
    title: `${row.number} ${row.title}`,
    case: caseHeaderView(file, context),
    parties: file.parties.map((party) => ({
      id: party.id,
      name: party.name,
      roleLabel: t(`partyRoles.${party.role}`),
      kindLabel: t(`partyKinds.${party.kind}`),
      idNumber: party.idNumberMasked,
      phone: party.phoneMasked,
      address: party.address,
      representative: party.representative,
      revealUrl:
        file.may.reveal && (party.idNumberEncrypted || party.phoneEncrypted)
          ? `/cases/${row.id}/parties/${party.id}/reveal`
          : null,
    })),
    timeline: timelineView(file, options.timeline, context),
    questionedHandOffs: questionedHandOffsView(file.questionedHandOffs, {
      ...context,
      unitName: (id) => {
        const unit = file.units.get(id);
        return unit ? unitName(unit, context.locale) : '';
      },
    }),
    statechart: statechartView(file, context),
    actions,
    hasActions: actions.length > 0,
    agreementUrl: file.agreement ? `/cases/${row.id}/agreement` : null,
    chainCheckUrl: file.may.verify ? `/cases/${row.id}/verify` : null,
    attachments: attachmentsView(file, options, context),
    flash: options.saved
      ? t(`casePage.done.${options.saved}`, {
          defaultValue: t('casePage.changed', { event: eventLabel(t, options.saved.split('-')[0]) }),
        })
      : options.uploaded
        ? t('attachments.uploaded', { name: options.uploaded })
        : null,
    stale: options.stale === true,
    tooLarge: options.tooLarge ?? null,
  };
}

/** The case's header: what it is, where it stands, who holds it, its deadline and clocks. */
function caseHeaderView(file: CaseFile, context: ViewContext) {
  const { t, locale } = context;
  const deps: CaseViewDeps = {
    units: file.units,
    users: file.users,
    calendar: file.calendar,
    now: file.now,
    locale,
  };
  const presented = presentCase(file.row, deps);
  const row = file.row;
  const grid = file.grid
    ? `${file.grid.community ? `${unitName(file.grid.community, locale)} · ` : ''}${unitName(file.grid.grid, locale)}`
    : null;
  const clocks = caseClocksView(file, context);
  const deadline = deadlineView(
    presented.deadline,
    row.snapshot.context.suspendedReason,
    file.today,
    context,
  );
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    description: row.description,
    descriptionPreview: previewOf(row.description),
    descriptionLength: row.description.length,
    typeLabel: t(`disputeTypes.${row.type}`),
    sourceLabel: t(`sources.${row.source}`),
    stateLabel: stateLabel(t, row.state),
    stateClass: `state-${row.state.split('.')[0]}`,
    outcomeLabel: row.outcome ? t(`caseOutcomes.${row.outcome}`) : null,
    riskBadge: riskBadgeView(row.riskGrade, t),
    trackLabel: row.track ? t(`tracks.${row.track}`) : null,
    levelLabel: row.level ? t(`levels.${row.level}`) : null,
    holdingUnit: unitName(file.holdingUnit, locale),
    registeredUnit: presented.registeredUnit?.name ?? '',
    mediator: presented.mediator?.displayName ?? null,
    occurredOn: row.occurredOn ? formatPlainDate(row.occurredOn, locale) : null,
    amount: presented.amountInDispute !== null ? formatAmount(presented.amountInDispute, locale) : null,
    groupSize: row.groupSize,
    registeredAt: formatMoment(row.createdAt, locale),
    imported: row.imported,
    version: row.version,
    grid,
    // paused: the due date is the one if the clock ran again today, and says so
    deadline:
      deadline && clocks.paused
        ? { ...deadline, status: clocks.paused.status, dueText: clocks.paused.dueText }
        : deadline,
    confirmation: confirmationView(file, context),
    breach: breachView(file, context),
    clocks,
  };
}

/** Past this many characters a description folds, so the parties are not pages further down. */
const foldDescriptionOver = 600;

/** The first lines of a long description (shown folded, the whole in a <details>), or null when it is short. */
function previewOf(description: string): string | null {
  if (description.length <= foldDescriptionOver) return null;
  const cut = description.slice(0, 240);
  const lineEnd = cut.lastIndexOf('\n');
  return `${(lineEnd > 120 ? cut.slice(0, lineEnd) : cut).trimEnd()}…`;
}

/** The attachments and the upload form (shown again with what failed). */
function attachmentsView(file: CaseFile, options: CasePageOptions, { t, locale }: ViewContext) {
  const failed = options.failure?.formKey === 'attachment' ? options.failure : undefined;
  return {
    list: file.attachments.map((attachment) => attachmentView(file.row.id, attachment)),
    canAdd: file.may.attach,
    uploadUrl: `/cases/${file.row.id}/attachments`,
    accept: attachmentExtensions.map((extension) => `.${extension}`).join(','),
    hint: t('attachments.hint', {
      types: attachmentExtensions.join(listSeparator(locale)),
      max: formatBytes(attachmentMaxBytes),
    }),
    errors: failed ? failed.errors : {},
    values: failed ? failed.values : {},
    formError: failed ? failed.formError : null,
  };
}

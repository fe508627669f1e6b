import type { TFunction } from 'i18next';
import { daysLeftText } from '../deadlines/days-left.presenter';
import { daysBetween } from '../deadlines/plain-date';
import { provisionalText } from '../deadlines/provisional.presenter';
import { todayInShanghai } from '../deadlines/working-calendar';
import { formatAmount, formatBytes, formatMoment, formatPlainDate } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import type { Grid } from '../units/grid.entity';
import { mediationLevels, type Unit } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
import { caseMachine, caseStatePaths } from '../workflows/case.machine';
import { disputeTypes, tracks } from '../workflows/rules/dispute-rules.types';
import { renderStatechartSvg } from '../workflows/statechart-svg';
import type { CaseEventRecord } from '../workflows/workflow-event.entity';
import type { CaseAttachment } from './attachment.entity';
import { attachmentExtensions, attachmentMaxBytes } from './attachment.rules';
import { type CaseSource, caseSources } from './case.entity';
import type { PartyRow } from './case.forms';
import { type CaseViewDeps, presentCase } from './case.presenter';
import type { CaseListQuery } from './case.schemas';
import { caseListSorts } from './case.schemas';
import { type ActionFailure, actionFormsView, type FieldSpec, fieldOf } from './case-actions.view-model';
import { caseClocksView } from './case-clocks.view-model';
import type { Dashboard } from './case-dashboard.service';
import type { CaseFile, DocumentParty } from './case-file.service';
import type { IntakeReview } from './case-intake.service';
import { partyKinds, partyRoles } from './party.entity';

/**
 * Presenters for the case pages: templates get these view models, never entities.
 * Labels are in the reader's language, dates in Asia/Shanghai as a mediator writes
 * them (2026年11月26日), deadlines in colour AND words.
 */

export interface ViewContext {
  t: TFunction;
  locale: Locale;
}

/** `mediation.inProgress` → its name in words. */
export function stateLabel(t: TFunction, state: string | null | undefined): string {
  return state ? t(`caseStates.${state.replace('.', '_')}`) : '';
}

export function eventLabel(t: TFunction, type: string): string {
  return t(`caseEvents.${type}`, { defaultValue: type });
}

const option = (value: string, label: string, selected: unknown) => ({
  value,
  label,
  selected: value === selected,
});

type PresentedDeadline = NonNullable<ReturnType<typeof presentCase>['deadline']>;

/** A deadline as the header and lists show it: due date, legal source, days left / overdue / paused. */
export function deadlineView(
  deadline: PresentedDeadline | null,
  suspendedReason: string | null,
  today: string,
  { t, locale }: ViewContext,
) {
  if (!deadline) return null;
  const source = locale === 'en' ? deadline.source.en : deadline.source.zh;
  let tone: 'overdue' | 'soon' | 'ok' | 'paused';
  let status: string;
  if (deadline.paused) {
    tone = 'paused';
    status = suspendedReason
      ? t('deadlines.paused', { reason: t(`suspendReasons.${suspendedReason}`) })
      : t('deadlines.pausedPlain');
  } else if (deadline.overdue) {
    tone = 'overdue';
    status = daysLeftText(-(deadline.overdueBy ?? 0), t);
  } else {
    tone = today >= deadline.warningOn ? 'soon' : 'ok';
    status = daysLeftText(deadline.daysLeft ?? 0, t);
  }
  return {
    due: deadline.due,
    dueText: formatPlainDate(deadline.due, locale),
    period:
      deadline.months !== null
        ? t('deadlines.basisMonths', { count: deadline.months })
        : t(deadline.basis === 'working' ? 'deadlines.basisWorking' : 'deadlines.basisCalendar', {
            days: deadline.days,
          }),
    source,
    status,
    tone,
    /** Why the due date may still move (a year without its notice), or null. */
    provisional: provisionalText(deadline.yearsWithoutNotice, t, locale),
  };
}

/** One case as a row of a list or a dashboard: labels and the deadline in words. */
export function caseRowView(
  row: Parameters<typeof presentCase>[0],
  deps: CaseViewDeps,
  context: ViewContext,
) {
  const { t, locale } = context;
  const presented = presentCase(row, deps);
  return {
    id: presented.id,
    url: `/cases/${presented.id}`,
    number: presented.number,
    title: presented.title,
    typeLabel: t(`disputeTypes.${presented.type}`),
    stateLabel: stateLabel(t, presented.state),
    stateClass: `state-${presented.state.split('.')[0]}`,
    outcomeLabel: presented.outcome ? t(`caseOutcomes.${presented.outcome}`) : null,
    trackLabel: presented.track ? t(`tracks.${presented.track}`) : null,
    levelLabel: presented.level ? t(`levels.${presented.level}`) : null,
    holdingUnit: presented.holdingUnit?.name ?? '',
    mediator: presented.mediator?.displayName ?? null,
    deadline: deadlineView(
      presented.deadline,
      row.snapshot.context.suspendedReason,
      todayInShanghai(deps.now),
      context,
    ),
    registeredAt: formatMoment(row.createdAt, locale),
    updatedAt: formatMoment(row.updatedAt, locale),
  };
}

// ---------------------------------------------------------------- the list

/** The list's filters as options, and links that keep the filter (bookmarkable, shareable). */
export function caseListView(
  query: CaseListQuery,
  result: { items: Parameters<typeof presentCase>[0][]; total: number; totalIsLowerBound?: boolean },
  deps: CaseViewDeps,
  units: Unit[],
  context: ViewContext,
) {
  const { t } = context;
  const params = listParams(query);
  // a lower bound (more matches than the list counts): the pages go on while pages are full
  const many = result.totalIsLowerBound === true;
  const pages = Math.max(1, Math.ceil(result.total / query.pageSize));
  const hasNext = many ? result.items.length === query.pageSize : query.page < pages;
  const pageUrl = (page: number) => {
    const next = new URLSearchParams(params);
    if (page > 1) next.set('page', String(page));
    else next.delete('page');
    const text = next.toString();
    return `/cases${text ? `?${text}` : ''}`;
  };
  const stateOptions = ['registered', 'screening', 'mediation', 'agreement', 'closed'].flatMap((group) => [
    option(group, stateLabel(t, group), query.state),
    ...caseStatePaths
      .filter((path) => path.startsWith(`${group}.`))
      .map((path) => option(path, `\u3000${stateLabel(t, path)}`, query.state)),
  ]);
  const depthOf = (unit: Unit) => unit.path.split('.').length - 1;
  const exportParams = new URLSearchParams(params);
  exportParams.delete('page');
  return {
    query: { ...query, overdue: query.overdue === true },
    total: result.total,
    totalText: many
      ? t('cases.listLeadMoreThan', { n: new Intl.NumberFormat(context.locale).format(result.total) })
      : t('cases.listLead', { n: result.total }),
    rows: result.items.map((row) => caseRowView(row, deps, context)),
    filters: {
      states: stateOptions,
      types: disputeTypes.map((type) => option(type, t(`disputeTypes.${type}`), query.type)),
      tracks: tracks.map((track) => option(track, t(`tracks.${track}`), query.track)),
      levels: mediationLevels.map((level) => option(level, t(`levels.${level}`), query.level)),
      units: units
        .filter((unit) => unit.active)
        .map((unit) =>
          option(unit.id, `${'\u3000'.repeat(depthOf(unit))}${unitName(unit, context.locale)}`, query.unitId),
        ),
      sorts: caseListSorts.map((sort) =>
        option(sort, t(`cases.sort${sort[0].toUpperCase()}${sort.slice(1)}`), query.sort),
      ),
      active: params.toString().replace(/(^|&)(sort|page)=[^&]*/g, '') !== '',
    },
    page: query.page,
    pages,
    pageText: many
      ? t('cases.pageNumber', { page: query.page })
      : t('cases.pageOf', { page: query.page, pages }),
    previousUrl: query.page > 1 ? pageUrl(query.page - 1) : null,
    nextUrl: hasNext ? pageUrl(query.page + 1) : null,
    exportUrl: `/cases.csv${exportParams.toString() ? `?${exportParams}` : ''}`,
  };
}

/** The query string of a list filter, without defaults. */
export function listParams(query: CaseListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['q', 'state', 'type', 'track', 'level', 'unitId', 'mediatorId', 'from', 'to'] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (query.overdue !== undefined) params.set('overdue', String(query.overdue));
  if (query.sort !== 'newest') params.set('sort', query.sort);
  if (query.pageSize !== 20) params.set('pageSize', String(query.pageSize));
  if (query.page > 1) params.set('page', String(query.page));
  return params;
}

// ---------------------------------------------------------------- intake

export interface IntakeState {
  values: Record<string, unknown>;
  rows: PartyRow[];
  errors: Record<string, string>;
  formError?: string;
  review?: IntakeReview;
  checked?: boolean;
}

/** The intake form: options, the party rows as typed (with their errors), and the duplicate review. */
export function intakeView(
  state: IntakeState,
  options: {
    units: Unit[];
    grids: Array<{ grid: Grid; community: Unit }>;
    actorUnitId: string;
    today: string;
  },
  context: ViewContext,
) {
  const { t, locale } = context;
  // the application is taken to have come in today unless the mediator says otherwise
  const values: Record<string, unknown> = { receivedOn: options.today, ...state.values };
  const rows = state.rows.length > 0 ? state.rows : blankParties();
  const depthOf = (unit: Unit) => unit.path.split('.').length - 1;
  const chosenUnit = (values.unitId as string | undefined) || options.actorUnitId;
  const review = state.review;
  return {
    title: t('intake.title'),
    values,
    errors: state.errors,
    formError: state.formError,
    types: disputeTypes.map((type) => option(type, t(`disputeTypes.${type}`), values.type)),
    sources: caseSources.map((source: CaseSource) => option(source, t(`sources.${source}`), values.source)),
    unitChoices:
      options.units.length > 1
        ? options.units.map((unit) =>
            option(unit.id, `${'\u3000'.repeat(depthOf(unit))}${unitName(unit, locale)}`, chosenUnit),
          )
        : null,
    fixedUnit: options.units.length === 1 ? unitName(options.units[0], locale) : null,
    grids: options.grids.map(({ grid, community }) =>
      option(
        grid.id,
        `${unitName(community, locale)} · ${locale === 'en' ? grid.nameEn : grid.nameZh}`,
        values.gridId,
      ),
    ),
    parties: rows.map((row, index) => {
      const id = (field: string) => `parties.${index}.${field}`;
      const field = (spec: FieldSpec, value: string) =>
        fieldOf(
          `field-${id(spec.name)}`,
          { ...spec, name: id(spec.name) },
          value,
          state.errors[id(spec.name)],
        );
      return {
        index,
        legend: t('intake.partyN', { n: index + 1 }),
        removeLabel: t('intake.removeParty', { n: index + 1 }),
        removable: rows.length > 1,
        fields: [
          field(
            {
              kind: 'select',
              name: 'role',
              label: t('intake.role'),
              required: true,
              noBlank: true,
              options: partyRoles.map((role) => ({ value: role, label: t(`partyRoles.${role}`) })),
            },
            row.role,
          ),
          field(
            {
              kind: 'select',
              name: 'kind',
              label: t('intake.kind'),
              required: true,
              noBlank: true,
              options: partyKinds.map((kind) => ({ value: kind, label: t(`partyKinds.${kind}`) })),
            },
            row.kind,
          ),
          field({ kind: 'text', name: 'name', label: t('intake.name'), required: true }, row.name),
          field(
            { kind: 'text', name: 'idNumber', label: t('intake.idNumber'), autocomplete: 'off' },
            row.idNumber,
          ),
          field({ kind: 'tel', name: 'phone', label: t('intake.phone'), autocomplete: 'off' }, row.phone),
          field({ kind: 'text', name: 'address', label: t('intake.address') }, row.address),
          field(
            { kind: 'checkbox', name: 'representative', label: t('intake.representative') },
            row.representative ? 'on' : '',
          ),
        ],
      };
    }),
    partiesError: state.errors.parties,
    review: review
      ? {
          found: review.duplicates.length > 0 || review.forums.length > 0,
          duplicates: review.duplicates.map((duplicate) => ({
            url: `/cases/${duplicate.row.id}`,
            number: duplicate.row.number,
            title: duplicate.row.title,
            stateLabel: stateLabel(t, duplicate.row.state),
            registeredOn: formatMoment(duplicate.row.createdAt, locale),
            reasons: [
              ...(duplicate.sameParties ? [t('intake.sameParties')] : []),
              ...(duplicate.sameIdNumber ? [t('intake.sameIdNumber')] : []),
              ...(duplicate.similarTitle ? [t('intake.similarTitle')] : []),
            ].join('、'),
          })),
          forums: review.forums.map((forum) => ({
            url: forum.visible ? `/cases/${forum.caseId}` : null,
            text: t('intake.forumLine', {
              number: forum.number,
              unit: forum.unit ? unitName(forum.unit, locale) : '',
            }),
          })),
        }
      : null,
    checked: state.checked === true,
  };
}

export function blankParties(): PartyRow[] {
  const blank = { kind: 'person', name: '', idNumber: '', phone: '', address: '', representative: false };
  return [
    { role: 'applicant', ...blank },
    { role: 'respondent', ...blank },
  ];
}

// ---------------------------------------------------------------- the case page

const importantEvents = new Set([
  'REGISTERED',
  'IMPORTED',
  'REACH_AGREEMENT',
  'ESCALATE',
  'RETURN_DOWN',
  'TRANSFER',
]);

/** Payload fields as the timeline names them, and how their values read. */
function timelineDetails(
  event: CaseEventRecord,
  file: Pick<CaseFile, 'units' | 'users'>,
  { t, locale }: ViewContext,
): { facts: Array<{ label: string; text: string }>; notes: Array<{ label: string; text: string }> } {
  const payload = event.payload;
  const facts: Array<{ label: string; text: string }> = [];
  const notes: Array<{ label: string; text: string }> = [];
  const unitText = (id: unknown) => {
    const unit = typeof id === 'string' ? file.units.get(id) : undefined;
    return unit ? unitName(unit, locale) : String(id ?? '');
  };
  const fact = (label: string, text: string | null | undefined) => {
    if (text) facts.push({ label, text });
  };
  const note = (label: string, text: unknown) => {
    if (typeof text === 'string' && text.trim() !== '') notes.push({ label, text });
  };
  const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const label = (prefix: string, value: unknown) =>
    typeof value === 'string' ? t(`${prefix}.${value}`) : undefined;
  const moment = (value: unknown) =>
    typeof value === 'string' ? formatMoment(new Date(value), locale) : undefined;
  const day = (value: unknown) => (typeof value === 'string' ? formatPlainDate(value, locale) : undefined);

  switch (event.type) {
    case 'REGISTERED':
      fact(t('cases.type'), label('disputeTypes', payload.type));
      fact(t('cases.source'), label('sources', payload.source));
      fact(
        t('casePage.parties'),
        Array.isArray(payload.parties)
          ? (payload.parties as Array<{ name: string; role: string }>)
              .map((party) => `${party.name}（${t(`partyRoles.${party.role}`)}）`)
              .join('、')
          : undefined,
      );
      break;
    case 'ACCEPT':
      fact(t('cases.track'), label('tracks', payload.track));
      fact(t('cases.level'), label('levels', payload.level));
      fact(t('cases.holdingUnit'), unitText(payload.unitId));
      break;
    case 'ASSIGN': {
      const user = typeof payload.mediatorId === 'string' ? file.users.get(payload.mediatorId) : undefined;
      fact(t('cases.mediator'), user?.displayName ?? str(payload.mediatorUsername));
      break;
    }
    case 'LOG_SESSION':
      fact(t('actionForms.sessionKind'), label('sessionKinds', payload.kind));
      fact(t('actionForms.heldAt'), moment(payload.heldAt));
      fact(t('actionForms.place'), str(payload.place));
      fact(t('actionForms.attendees'), str(payload.attendees));
      note(t('actionForms.minutes'), payload.minutes);
      break;
    case 'SUSPEND':
      fact(t('actionForms.suspendReason'), label('suspendReasons', payload.reason));
      note(t('actionForms.note'), payload.note);
      break;
    case 'REACH_AGREEMENT':
      fact(t('actionForms.form'), label('agreementForms', payload.form));
      fact(t('actionForms.performBy'), day(payload.performBy));
      fact(t('deadlines.confirmationWindow'), day(payload.confirmationWindowEndsOn));
      note(t('actionForms.terms'), payload.terms);
      break;
    case 'ESCALATE':
      fact(t('actionForms.reasonCode'), label('escalationReasons', payload.reasonCode));
      fact(t('actionForms.targetUnit'), unitText(payload.unitId));
      note(t('actionForms.reason'), payload.reason);
      break;
    case 'RETURN_DOWN':
      fact(t('actionForms.returnUnit'), unitText(payload.unitId));
      note(t('actionForms.instructions'), payload.instructions);
      break;
    case 'TRANSFER':
      fact(t('cases.track'), label('tracks', payload.toTrack));
      fact(t('actionForms.targetUnit'), unitText(payload.unitId));
      note(t('actionForms.reason'), payload.reason);
      break;
    case 'FAIL':
      fact(t('actionForms.guidance'), label('guidances', payload.guidance));
      note(t('actionForms.reason'), payload.reason);
      break;
    case 'WITHDRAW':
      fact(t('actionForms.withdrawBy'), label('withdrawnBy', payload.by));
      note(t('actionForms.note'), payload.note);
      break;
    case 'REFER_OUT':
      fact(t('actionForms.agency'), label('agencies', payload.agency));
      note(t('actionForms.reason'), payload.reason);
      break;
    case 'REQUEST_JUDICIAL_CONFIRMATION':
      fact(t('actionForms.court'), unitText(payload.court));
      fact(t('actionForms.appliedOn'), day(payload.appliedOn));
      break;
    case 'CONFIRMED':
      fact(t('actionForms.rulingNo'), str(payload.rulingNo));
      break;
    case 'RECORD_FOLLOW_UP':
      fact(t('actionForms.visitedAt'), moment(payload.visitedAt));
      fact(t('actionForms.performed'), label('performance', payload.performed));
      note(t('actionForms.note'), payload.note);
      break;
    case 'ATTACHMENT_ADDED':
      note(t('attachments.description'), payload.description);
      break;
    default:
      note(t('actionForms.reason'), payload.reason);
      note(t('actionForms.note'), payload.note);
  }
  return { facts, notes };
}

function timelineView(file: CaseFile, filter: 'all' | 'important', context: ViewContext) {
  const { t, locale } = context;
  const attachments = new Map(file.attachments.map((attachment) => [attachment.id, attachment]));
  const entries = file.events
    .map((event) => {
      const important = importantEvents.has(event.type) || event.fromState !== event.toState;
      const attachment =
        event.type === 'ATTACHMENT_ADDED' && typeof event.payload.attachmentId === 'string'
          ? attachments.get(event.payload.attachmentId)
          : undefined;
      const unit = event.unitId ? file.units.get(event.unitId) : undefined;
      return {
        seq: event.seq,
        type: event.type,
        label: eventLabel(t, event.type),
        important,
        at: formatMoment(event.at, locale),
        iso: event.at.toISOString(),
        actor: event.actorName ?? '',
        unit: unit ? unitName(unit, locale) : '',
        transition:
          event.fromState && event.fromState !== event.toState
            ? t('casePage.fromTo', { from: stateLabel(t, event.fromState), to: stateLabel(t, event.toState) })
            : null,
        ...timelineDetails(event, file, context),
        attachment: attachment ? attachmentView(file.row.id, attachment) : null,
      };
    })
    .reverse();
  return {
    filter,
    important: filter === 'important',
    entries: filter === 'important' ? entries.filter((entry) => entry.important) : entries,
    allUrl: `/cases/${file.row.id}#timeline`,
    importantUrl: `/cases/${file.row.id}?timeline=important#timeline`,
  };
}

export function attachmentView(caseId: string, attachment: CaseAttachment) {
  return {
    id: attachment.id,
    name: attachment.fileName,
    size: formatBytes(attachment.sizeBytes),
    url: `/cases/${caseId}/attachments/${attachment.id}`,
    description: attachment.description,
  };
}

/** The judicial-confirmation countdown (人民调解法 §33) while it runs. */
function confirmationView(file: CaseFile, { t, locale }: ViewContext) {
  const context = file.row.snapshot.context;
  const endsOn = context.confirmationWindowEndsOn;
  if (file.row.state !== 'agreement.awaitingFulfilment' || !endsOn) return null;
  if (context.judiciallyConfirmed)
    return { status: t('deadlines.judiciallyConfirmed'), tone: 'ok', source: '' };
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
    source: locale === 'en' ? source.en : source.zh,
  };
}

export interface CasePageOptions {
  failure?: ActionFailure;
  saved?: string;
  uploaded?: string;
  stale?: boolean;
  timeline: 'all' | 'important';
  actorId: string;
}

export function casePageView(file: CaseFile, options: CasePageOptions, context: ViewContext) {
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
  const actions = actionFormsView(file, options, context);
  const nextEvents = [...new Set(file.allowedEvents)].map((type) => eventLabel(t, type));
  const svg = renderStatechartSvg(caseMachine, {
    current: row.state,
    allowedEvents: file.allowedEvents,
    stateLabel: (path) => stateLabel(t, path),
    eventLabel: (type) => eventLabel(t, type),
    title: t('casePage.statechartTitle'),
    description: `${t('casePage.statechartNow', { state: stateLabel(t, row.state) })} ${
      nextEvents.length > 0
        ? t('casePage.statechartNext', { events: nextEvents.join(locale === 'en' ? ', ' : '、') })
        : t('casePage.statechartNone')
    }`,
  });
  const grid = file.grid
    ? `${file.grid.community ? `${unitName(file.grid.community, locale)} · ` : ''}${locale === 'en' ? file.grid.grid.nameEn : file.grid.grid.nameZh}`
    : null;
  return {
    title: `${row.number} ${row.title}`,
    case: {
      id: row.id,
      number: row.number,
      title: row.title,
      description: row.description,
      typeLabel: t(`disputeTypes.${row.type}`),
      sourceLabel: t(`sources.${row.source}`),
      stateLabel: stateLabel(t, row.state),
      stateClass: `state-${row.state.split('.')[0]}`,
      outcomeLabel: row.outcome ? t(`caseOutcomes.${row.outcome}`) : null,
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
      deadline: deadlineView(presented.deadline, row.snapshot.context.suspendedReason, file.today, context),
      confirmation: confirmationView(file, context),
      clocks: caseClocksView(file, context),
    },
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
    statechartSvg: svg,
    actions,
    hasActions: actions.length > 0,
    agreementUrl: file.agreement ? `/cases/${row.id}/agreement` : null,
    attachments: {
      list: file.attachments.map((attachment) => attachmentView(row.id, attachment)),
      canAdd: file.may.attach,
      uploadUrl: `/cases/${row.id}/attachments`,
      accept: attachmentExtensions.map((extension) => `.${extension}`).join(','),
      hint: t('attachments.hint', {
        types: attachmentExtensions.join(locale === 'en' ? ', ' : '、'),
        max: formatBytes(attachmentMaxBytes),
      }),
      errors: options.failure?.formKey === 'attachment' ? options.failure.errors : {},
      values: options.failure?.formKey === 'attachment' ? options.failure.values : {},
      formError: options.failure?.formKey === 'attachment' ? options.failure.formError : null,
    },
    flash: options.saved
      ? t('casePage.changed', { event: eventLabel(t, options.saved) })
      : options.uploaded
        ? t('attachments.uploaded', { name: options.uploaded })
        : null,
    stale: options.stale === true,
  };
}

/** One party in full, after an audited reveal. */
export function revealedPartyView(
  caseRow: { id: string; number: string; title: string },
  revealed: {
    party: { id: string; name: string; role: string; kind: string; address: string | null };
    idNumber: string | null;
    phone: string | null;
  },
  { t }: ViewContext,
) {
  return {
    title: t('casePage.revealTitle'),
    case: { id: caseRow.id, number: caseRow.number, title: caseRow.title, url: `/cases/${caseRow.id}` },
    party: {
      id: revealed.party.id,
      name: revealed.party.name,
      roleLabel: t(`partyRoles.${revealed.party.role}`),
      kindLabel: t(`partyKinds.${revealed.party.kind}`),
      idNumber: revealed.idNumber,
      phone: revealed.phone,
      address: revealed.party.address,
    },
  };
}

// ---------------------------------------------------------------- the printed agreement

export function agreementDocumentView(
  document: { file: CaseFile; agreement: NonNullable<CaseFile['agreement']>; parties: DocumentParty[] },
  { t, locale }: ViewContext,
) {
  const { file, agreement, parties } = document;
  const row = file.row;
  const peoples = row.snapshot.context.track === 'people' || row.track === 'people' || row.track === null;
  const committee = t('agreementDoc.committee', { unit: unitName(file.holdingUnit, locale) });
  const title =
    agreement.form === 'oral'
      ? t('agreementDoc.titleOral')
      : peoples
        ? t('agreementDoc.title')
        : t('agreementDoc.titleOther');
  const sides = parties.filter((entry) => entry.party.role !== 'third_party').length;
  return {
    title,
    layout: 'document',
    documentTitle: title,
    number: t('agreementDoc.number', { number: row.number }),
    committee: peoples ? committee : unitName(file.holdingUnit, locale),
    oral: agreement.form === 'oral',
    caseUrl: `/cases/${row.id}`,
    parties: parties.map(({ party, idNumber, phone }) => ({
      roleLabel: t(`partyRoles.${party.role}`),
      name: party.name,
      organisation: party.kind === 'organisation',
      idNumber: idNumber ?? party.idNumberMasked,
      phone: phone ?? party.phoneMasked,
      address: party.address,
    })),
    facts: row.description,
    terms: agreement.terms,
    performance: agreement.performBy
      ? t('agreementDoc.performBy', { date: formatPlainDate(agreement.performBy, locale) })
      : t('agreementDoc.performAsAgreed'),
    reachedOn: t('agreementDoc.reachedOn', { date: formatPlainDate(agreement.reachedOn, locale) }),
    copies: t('agreementDoc.copies', { n: sides + 1 }),
    signatures: parties
      .filter((entry) => entry.party.role !== 'third_party')
      .map((entry) => ({ label: `${t(`partyRoles.${entry.party.role}`)}：${entry.party.name}` })),
    mediator: file.row.mediatorId ? (file.users.get(file.row.mediatorId)?.displayName ?? '') : '',
  };
}

// ---------------------------------------------------------------- the dashboard

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
          counts: (['registered', 'screening', 'mediation.awaitingMediator'] as const).map((state) => ({
            label: stateLabel(t, state),
            count: dashboard.waiting?.counts[state] ?? 0,
            url: queueLink(state),
          })),
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
        kind: eventLabel(t, handOff.kind),
      }),
      to: unitText(handOff.toUnitId),
      reason: handOff.reasonCode ? t(`escalationReasons.${handOff.reasonCode}`) : null,
      detail: handOff.reason,
      stateLabel: stateLabel(t, handOff.state),
      review: t(
        handOff.status === 'pending'
          ? 'dashboard.reviewPending'
          : handOff.status === 'endorsed'
            ? 'dashboard.reviewEndorsed'
            : 'dashboard.reviewQuestioned',
      ),
      at: formatMoment(handOff.createdAt, locale),
    })),
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

import type { TFunction } from 'i18next';
import { formatMoment } from '../shared/format';
import { inLocale, listSeparator } from '../shared/i18n/bilingual';
import type { Grid } from '../units/grid.entity';
import type { Unit } from '../units/unit.entity';
import { unitName } from '../units/unit.presenter';
import { indentedUnitName } from '../units/unit-options';
import { disputeTypes } from '../workflows/rules/dispute-rules.types';
import { riskGrades } from '../workflows/rules/risk-grade';
import { type CaseSource, caseSources } from './case.entity';
import type { PartyRow } from './case.forms';
import { option, stateLabel, type ViewContext } from './case.view-model';
import { type FieldSpec, fieldOf } from './case-actions.view-model';
import type { IntakeReview } from './case-intake.service';
import { partyKinds, partyLanguages, partyRoles } from './party.entity';
import { descriptionMaxLength, textLimitView } from './text-limit.view-model';

/** The intake form (/cases/new): registering a dispute, with the duplicate and forum review before saving. */

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
  const chosenUnit = (values.unitId as string | undefined) || options.actorUnitId;
  return {
    title: t('intake.title'),
    values,
    errors: state.errors,
    formError: state.formError,
    descriptionLimit: textLimitView(descriptionMaxLength, t),
    types: disputeTypes.map((type) => option(type, t(`disputeTypes.${type}`), values.type)),
    sources: caseSources.map((source: CaseSource) => option(source, t(`sources.${source}`), values.source)),
    unitChoices:
      options.units.length > 1
        ? options.units.map((unit) => option(unit.id, indentedUnitName(unit, locale), chosenUnit))
        : null,
    fixedUnit: options.units.length === 1 ? unitName(options.units[0], locale) : null,
    grids: options.grids.map(({ grid, community }) =>
      option(grid.id, `${unitName(community, locale)} · ${unitName(grid, locale)}`, values.gridId),
    ),
    parties: rows.map((row, index) =>
      partyRowView(row, index, { count: rows.length, errors: state.errors }, t),
    ),
    riskGrades: riskGrades.map((grade) =>
      option(String(grade), t(`riskGrades.label.${grade}`), values.riskGrade?.toString()),
    ),
    riskCriteria: riskGrades.map((grade) => ({
      label: t(`riskGrades.label.${grade}`),
      criteria: t(`riskGrades.criteria.${grade}`),
    })),
    partiesError: state.errors.parties,
    review: state.review ? reviewView(state.review, context) : null,
    checked: state.checked === true,
  };
}

/** One party row of the form (`parties.N.field`), as typed, with its errors. */
function partyRowView(
  row: PartyRow,
  index: number,
  form: { count: number; errors: Record<string, string> },
  t: TFunction,
) {
  const id = (field: string) => `parties.${index}.${field}`;
  const field = (spec: FieldSpec, value: string) =>
    fieldOf(`field-${id(spec.name)}`, { ...spec, name: id(spec.name) }, value, form.errors[id(spec.name)]);
  return {
    index,
    legend: t('intake.partyN', { n: index + 1 }),
    removeLabel: t('intake.removeParty', { n: index + 1 }),
    removable: form.count > 1,
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
      { ...field(idNumberSpec(row.kind, t), row.idNumber), attributes: idNumberAttributes(t) },
      {
        ...field({ kind: 'tel', name: 'phone', label: t('intake.phone'), autocomplete: 'off' }, row.phone),
        attributes: [{ name: 'inputmode', value: 'tel' }],
      },
      field({ kind: 'text', name: 'address', label: t('intake.address') }, row.address),
      field(
        { kind: 'checkbox', name: 'representative', label: t('intake.representative') },
        row.representative ? 'on' : '',
      ),
      // 个人信息保护法 §14: consent given explicitly (an unticked box), informed (what, how, how to stop)
      field(
        {
          kind: 'checkbox',
          name: 'smsConsent',
          label: t('intake.smsConsent'),
          hint: t('intake.smsConsentNote'),
        },
        row.smsConsent ? 'on' : '',
      ),
      field(
        {
          kind: 'select',
          name: 'language',
          label: t('intake.language'),
          noBlank: true,
          options: partyLanguages.map((language) => ({
            value: language,
            label: t(`intake.languages.${language}`),
          })),
        },
        row.language || 'zh-CN',
      ),
    ],
  };
}

/**
 * The ID field follows the party's kind: a person's resident ID (GB 11643), an organisation's
 * 统一社会信用代码 (GB 32100). The kind chosen again in the browser changes label, hint and
 * pattern (`public/js/party-identifier-fields.js`, from the data attributes).
 */
const identifierByKind = {
  person: { label: 'intake.idNumber', hint: 'intake.idNumberHint', pattern: '[0-9]{17}[0-9Xx]' },
  organisation: {
    label: 'intake.idNumberOrg',
    hint: 'intake.idNumberOrgHint',
    pattern: '[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}',
  },
} as const;

function idNumberSpec(kind: string, t: TFunction): FieldSpec {
  const shown = identifierByKind[kind === 'organisation' ? 'organisation' : 'person'];
  return { kind: 'text', name: 'idNumber', label: t(shown.label), hint: t(shown.hint), autocomplete: 'off' };
}

/** Text, not numeric: a resident ID may end in X, which a numeric keypad cannot type. */
function idNumberAttributes(t: TFunction) {
  return [
    { name: 'inputmode', value: 'text' },
    { name: 'autocapitalize', value: 'characters' },
    { name: 'spellcheck', value: 'false' },
    { name: 'maxlength', value: '40' },
    ...partyKinds.flatMap((kind) => [
      { name: `data-label-${kind}`, value: t(identifierByKind[kind].label) },
      { name: `data-hint-${kind}`, value: t(identifierByKind[kind].hint) },
      { name: `data-pattern-${kind}`, value: identifierByKind[kind].pattern },
    ]),
  ];
}

/** Possible duplicates and the forums already handling the same parties (一案一处). */
function reviewView(review: IntakeReview, { t, locale }: ViewContext) {
  return {
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
        ...(duplicate.samePhone ? [t('intake.samePhone')] : []),
        ...(duplicate.similarTitle ? [t('intake.similarTitle')] : []),
      ].join(listSeparator(locale)),
    })),
    // the unit always; the number and the link only to whom the policy lets see that case
    forums: review.forums.map((forum) => ({
      url: forum.visible ? `/cases/${forum.caseId}` : null,
      text: t(forum.kind === 'accepted' ? 'oneForum.accepted' : 'oneForum.referredOut', {
        unit: forum.unit ? unitName(forum.unit, locale) : '',
        agency: forum.agency ? t(`agencies.${forum.agency}`) : '',
        source: inLocale(locale, forum.source),
        ...(forum.visible ? { number: forum.number, context: 'numbered' } : {}),
      }),
      barred: forum.effect === 'refuse',
    })),
    /** A forum that bars a second one: registering is refused, so no "register anyway". */
    barred: review.forums.some((forum) => forum.effect === 'refuse'),
  };
}

export function blankParties(): PartyRow[] {
  const blank = {
    kind: 'person',
    name: '',
    idNumber: '',
    phone: '',
    address: '',
    representative: false,
    smsConsent: false,
    language: 'zh-CN',
  };
  return [
    { role: 'applicant', ...blank },
    { role: 'respondent', ...blank },
  ];
}

import { z } from 'zod';
import { type MediationLevel, mediationLevelOf } from '../../units/unit.entity';
import { unitName } from '../../units/unit.presenter';
import {
  departmentOptions,
  groupedUnitOptions,
  unitGroupLabels,
  unitOptions,
} from '../../units/unit-options';
import { type Track, tracks } from '../rules/dispute-rules.types';
import {
  declareCaseEvent,
  departmentOverrideField,
  eventSchema,
  invalidValue,
  type MachineEvent,
  optionalText,
  optionsOf,
  reasonField,
  text,
  uuid,
} from './case-event-declaration';

/**
 * Hand-offs: up the people's-mediation ladder (ESCALATE 上报), down it (RETURN_DOWN 交办),
 * and across to another track (TRANSFER: 委派调解, 委托调解 or 移送, by what it is — see
 * `transferKindOf`). Each is also a record a supervisor reviews (src/escalations).
 */

/** Why a case is handed up (ESCALATE), as the supervisor's review queue groups them. */
export const escalationReasonCodes = [
  'beyond_authority',
  'multi_party',
  'cross_area',
  'needs_department',
  'high_risk',
  'parties_request',
  'other',
] as const;
export type EscalationReasonCode = (typeof escalationReasonCodes)[number];

/** The tracks a case may be transferred to, from each track. */
export const allowedTransfers: Record<Track, readonly Track[]> = {
  people: ['administrative', 'judicial'],
  administrative: ['judicial', 'people'],
  judicial: ['people'],
};

const escalateSchema = eventSchema('ESCALATE', {
  reasonCode: z.enum(escalationReasonCodes, invalidValue),
  reason: text,
});
export type EscalateEvent = MachineEvent<typeof escalateSchema> & {
  /** The unit one level up that receives the case. */
  unitId: string;
};
export const escalate = declareCaseEvent<EscalateEvent>()(escalateSchema, {
  forms: ({ t, locale, holdingUnit, unitById }) => {
    const parent = holdingUnit.parentId ? unitById(holdingUnit.parentId) : undefined;
    return [
      {
        description: parent
          ? t('casePage.escalateTo', { unit: unitName(parent, locale) })
          : t('casePage.escalateTop'),
        fields: [
          {
            kind: 'select',
            name: 'reasonCode',
            label: t('actionForms.reasonCode'),
            required: true,
            options: optionsOf(t, 'escalationReasons', escalationReasonCodes),
          },
          // not a second "reason" under "reason for escalating": the free text is what was tried and why
          reasonField(t, 'actionForms.escalationDetails'),
        ],
      },
    ];
  },
  timeline: ({ fact, note }) => [
    fact('actionForms.reasonCode', 'reasonCode', { list: 'escalationReasons' }),
    fact('actionForms.targetUnit', 'unitId', 'unit'),
    note('actionForms.escalationDetails', 'reason'),
  ],
});

const returnDownSchema = eventSchema('RETURN_DOWN', {
  instructions: text,
  unitId: uuid().optional(),
});
/** The service resolves the unit: the one named, else the one that escalated the case here. */
export type ReturnDownEvent = Omit<MachineEvent<typeof returnDownSchema>, 'unitId'> & { unitId: string };
export const returnDown = declareCaseEvent<ReturnDownEvent>()(returnDownSchema, {
  fields: ({ t, locale, units, holdingUnit }) => [
    {
      kind: 'select',
      name: 'unitId',
      label: t('actionForms.returnUnit'),
      hint: t('actionForms.returnUnitDefault'),
      options: unitOptions(
        units.filter((unit) => unit.parentId === holdingUnit.id && mediationLevelOf(unit.kind) !== null),
        locale,
      ),
    },
    { kind: 'textarea', name: 'instructions', label: t('actionForms.instructions'), required: true, rows: 3 },
  ],
  timeline: ({ fact, note }) => [
    fact('actionForms.returnUnit', 'unitId', 'unit'),
    note('actionForms.instructions', 'instructions'),
  ],
});

/**
 * What a transfer is, by the tracks it joins — the names the practice and the rules give it:
 * - `delegated` 委派调解: the court (the judicial track, 诉调对接, before a case is filed) sends
 *   the dispute to a people's mediation organisation (民事诉讼法 §125 先行调解; 最高人民法院关于
 *   人民法院特邀调解的规定 §1: 立案前委派, 立案后委托 — our judicial track is the pre-filing one).
 * - `entrusted` 委托调解: an administrative body entrusts the dispute to a people's mediation
 *   committee, keeping it its own matter (the committee mediates on its behalf).
 * - `referred` 移送: a body hands the dispute to one that deals with it itself — a committee
 *   to the competent administrative body (人民调解工作若干规定 §22, §24: matters the law gives to
 *   a specific body are "提交有关机关处理"; a committee cannot entrust a government body), or any
 *   mediator to the court's 诉调对接 (人民调解法 §18 runs the other way: court to committee).
 */
export const transferKinds = ['delegated', 'entrusted', 'referred'] as const;
export type TransferKind = (typeof transferKinds)[number];

/** What a transfer from `from` to `to` is (`transferKinds`); a case with no track yet is referred. */
export function transferKindOf(from: Track | null, to: Track): TransferKind {
  if (to === 'people' && from === 'judicial') return 'delegated';
  if (to === 'people' && from === 'administrative') return 'entrusted';
  return 'referred';
}

/**
 * The locale key of a hand-off's name (`handOffKinds.*`): 上报, 交办, or the transfer's kind
 * (委派调解 / 委托调解 / 移送), read from the record's tracks — for the escalation list, the
 * dashboard, the supervision pages and the mails.
 */
export function handOffKindKey(handOff: {
  kind: string;
  fromTrack?: string | null;
  toTrack?: string | null;
}): string {
  if (handOff.kind !== 'TRANSFER') return `handOffKinds.${handOff.kind}`;
  const known = (track: string | null | undefined): Track | null =>
    (tracks as readonly string[]).includes(track ?? '') ? (track as Track) : null;
  const to = known(handOff.toTrack);
  return `handOffKinds.${to ? transferKindOf(known(handOff.fromTrack), to) : 'TRANSFER'}`;
}

const transferSchema = eventSchema('TRANSFER', {
  toTrack: z.enum(tracks, invalidValue),
  unitId: uuid(),
  reason: text,
  /** To a department other than the type's competent body: why (audited). */
  departmentOverrideReason: optionalText,
});
/**
 * To the people's track the service reads the level from the receiving unit. The service also
 * names what the transfer is (`transferKind`), which the event keeps and the timeline shows;
 * the machine does not read it.
 */
export type TransferEvent = Omit<MachineEvent<typeof transferSchema>, 'toTrack'> & {
  transferKind?: TransferKind;
} & ({ toTrack: 'people'; level: MediationLevel } | { toTrack: 'administrative' | 'judicial' });
export const transfer = declareCaseEvent<TransferEvent>()(transferSchema, {
  asks: ['departmentOverrideReason'],
  forms: ({ t, locale, units, track, rules }) => {
    const targets: readonly Track[] = track ? allowedTransfers[track] : [];
    const unitOptionsFor: Record<Track, () => Array<{ value: string; label: string; group?: string }>> = {
      people: () =>
        groupedUnitOptions(
          units.filter((unit) => mediationLevelOf(unit.kind) !== null),
          { locale, groups: unitGroupLabels(t) },
        ),
      administrative: () =>
        departmentOptions(
          units.filter((unit) => unit.kind === 'department'),
          rules.administrativeBody,
          { locale, others: t('actionForms.otherDepartments') },
        ),
      judicial: () =>
        unitOptions(
          units.filter((unit) => unit.kind === 'court'),
          locale,
        ),
    };
    return targets.map((toTrack) => ({
      key: `TRANSFER-${toTrack}`,
      title: t('actionForms.transferTo', { track: t(`tracks.${toTrack}`) }),
      description: t(`handOffKinds.about.${transferKindOf(track, toTrack)}`),
      fields: [
        { kind: 'hidden', name: 'toTrack', initial: toTrack },
        {
          kind: 'select',
          name: 'unitId',
          label: t('actionForms.targetUnit'),
          required: true,
          options: unitOptionsFor[toTrack](),
        },
        reasonField(t),
        ...(toTrack === 'administrative' && rules.administrativeBody ? [departmentOverrideField(t)] : []),
      ],
    }));
  },
  timeline: ({ fact, note }) => [
    fact('handOffKinds.label', 'transferKind', { list: 'handOffKinds' }),
    fact('cases.track', 'toTrack', { list: 'tracks' }),
    fact('actionForms.targetUnit', 'unitId', 'unit'),
    note('actionForms.reason', 'reason'),
    note('actionForms.departmentOverrideReason', 'departmentOverrideReason'),
  ],
});

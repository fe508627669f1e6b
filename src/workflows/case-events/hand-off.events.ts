import { z } from 'zod';
import { type MediationLevel, mediationLevelOf } from '../../units/unit.entity';
import { unitName } from '../../units/unit.presenter';
import { unitOptions } from '../../units/unit-options';
import { type Track, tracks } from '../rules/dispute-rules.types';
import {
  declareCaseEvent,
  eventSchema,
  invalidValue,
  type MachineEvent,
  optionsOf,
  reasonField,
  text,
  uuid,
} from './case-event-declaration';

/**
 * Hand-offs: up the people's-mediation ladder (ESCALATE 上报), down it (RETURN_DOWN 交办),
 * and across to another track (TRANSFER 移交, 委派调解). Each is also a record a supervisor
 * reviews (src/escalations).
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

/** 委派调解: the tracks a case may be transferred to, from each track. */
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
          reasonField(t),
        ],
      },
    ];
  },
  timeline: ({ fact, note }) => [
    fact('actionForms.reasonCode', 'reasonCode', { list: 'escalationReasons' }),
    fact('actionForms.targetUnit', 'unitId', 'unit'),
    note('actionForms.reason', 'reason'),
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

const transferSchema = eventSchema('TRANSFER', {
  toTrack: z.enum(tracks, invalidValue),
  unitId: uuid(),
  reason: text,
});
/** To the people's track the service reads the level from the receiving unit. */
export type TransferEvent = Omit<MachineEvent<typeof transferSchema>, 'toTrack'> &
  ({ toTrack: 'people'; level: MediationLevel } | { toTrack: 'administrative' | 'judicial' });
export const transfer = declareCaseEvent<TransferEvent>()(transferSchema, {
  forms: ({ t, locale, units, track }) => {
    const targets: readonly Track[] = track ? allowedTransfers[track] : [];
    const unitsFor: Record<Track, typeof units> = {
      people: units.filter((unit) => mediationLevelOf(unit.kind) !== null),
      administrative: units.filter((unit) => unit.kind === 'department'),
      judicial: units.filter((unit) => unit.kind === 'court'),
    };
    return targets.map((toTrack) => ({
      key: `TRANSFER-${toTrack}`,
      title: t('actionForms.transferTo', { track: t(`tracks.${toTrack}`) }),
      fields: [
        { kind: 'hidden', name: 'toTrack', initial: toTrack },
        {
          kind: 'select',
          name: 'unitId',
          label: t('actionForms.targetUnit'),
          required: true,
          options: unitOptions(unitsFor[toTrack], locale, { indent: toTrack === 'people' }),
        },
        reasonField(t),
      ],
    }));
  },
  timeline: ({ fact, note }) => [
    fact('cases.track', 'toTrack', { list: 'tracks' }),
    fact('actionForms.targetUnit', 'unitId', 'unit'),
    note('actionForms.reason', 'reason'),
  ],
});

import { z } from 'zod';
import { inLocale } from '../../shared/i18n/bilingual';
import {
  type MediationLevel,
  mediationLevelOf,
  mediationLevels,
  type UnitKind,
} from '../../units/unit.entity';
import { departmentOptions, unitOptions } from '../../units/unit-options';
import { tracks } from '../rules/dispute-rules.types';
import {
  declareCaseEvent,
  departmentOverrideField,
  type EventForm,
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
 * Intake: what a unit does with a registered case — submit it for screening, accept it on
 * a track, decline it, refer it to another body — and reopening a closed one.
 */

/** Where a case is referred to (REFER_OUT): from screening any of these; from mediation only arbitration (§14). */
export const referralAgencies = ['arbitration', 'court', 'police', 'reconsideration', 'other'] as const;

const submitSchema = eventSchema('SUBMIT', {});
export type SubmitEvent = MachineEvent<typeof submitSchema>;
export const submit = declareCaseEvent<SubmitEvent>()(submitSchema, {});

/**
 * The people's-mediation level a unit accepts at: its own — moving a case up is an ESCALATE,
 * which a supervisor reviews (issue 19). A department or a court has none: it is not a
 * people's mediation organisation, so it accepts on its own track and hands the case to one
 * by TRANSFER (委托调解 / 委派调解), which leaves a record for the supervisors to review —
 * never by an ACCEPT that would move the case to the district centre unrecorded.
 */
export function acceptingLevelOf(kind: UnitKind): MediationLevel | null {
  return mediationLevelOf(kind);
}

const acceptSchema = eventSchema('ACCEPT', {
  track: z.enum(tracks, invalidValue),
  level: z.enum(mediationLevels, invalidValue).optional(),
  unitId: uuid().optional(),
  /** To a department other than the type's competent body: why (audited). */
  departmentOverrideReason: optionalText,
  /** One forum per dispute: the mediator checked the forum the matter was referred to (`OneForum`) and accepts anyway. */
  forumAcknowledged: z.boolean(invalidValue).optional(),
});
/**
 * The service resolves the unit that accepts: on the people's track the holding unit at its
 * own level (`acceptingLevelOf`), else the department or court named.
 */
export type AcceptEvent = Omit<
  MachineEvent<typeof acceptSchema>,
  'track' | 'level' | 'unitId' | 'departmentOverrideReason'
> &
  (
    | { track: 'people'; level: MediationLevel; unitId: string }
    | { track: 'administrative'; unitId: string; departmentOverrideReason?: string }
    | { track: 'judicial'; unitId: string }
  );
export const accept = declareCaseEvent<AcceptEvent>()(acceptSchema, {
  asks: ['track', 'level', 'unitId', 'departmentOverrideReason'],
  forms: ({ t, locale, units, holdingUnit, rules }) => {
    const ofKind = (kind: 'department' | 'court') => units.filter((unit) => unit.kind === kind);
    const ownLevel = acceptingLevelOf(holdingUnit.kind);
    const forms: EventForm[] = [];
    if (ownLevel) {
      forms.push({
        key: 'ACCEPT-people',
        title: t('actionForms.acceptPeople'),
        fields: [
          { kind: 'hidden', name: 'track', initial: 'people' },
          {
            // a unit accepts at its own level only: higher is an ESCALATE, reviewed by a supervisor
            kind: 'select',
            name: 'level',
            label: t('actionForms.level'),
            required: true,
            noBlank: true,
            options: optionsOf(t, 'levels', [ownLevel]),
            initial: ownLevel,
            hint: t('actionForms.ownLevelOnly'),
          },
        ],
      });
    }
    const body = rules.administrativeBody;
    if (ofKind('department').length > 0) {
      forms.push({
        tone: 'secondary',
        key: 'ACCEPT-administrative',
        title: t('actionForms.acceptAdministrative'),
        description: body ? t('actionForms.administrativeBody', { body: inLocale(locale, body) }) : undefined,
        fields: [
          { kind: 'hidden', name: 'track', initial: 'administrative' },
          {
            kind: 'select',
            name: 'unitId',
            label: t('actionForms.department'),
            required: true,
            // the type's competent body first, the others under "other departments"
            options: departmentOptions(ofKind('department'), body, {
              locale,
              others: t('actionForms.otherDepartments'),
            }),
            // a department screening a case (one transferred to it: 医疗 §40) accepts it itself
            initial: holdingUnit.kind === 'department' ? holdingUnit.id : undefined,
          },
          ...(body ? [departmentOverrideField(t)] : []),
        ],
      });
    }
    if (ofKind('court').length > 0) {
      forms.push({
        tone: 'secondary',
        key: 'ACCEPT-judicial',
        title: t('actionForms.acceptJudicial'),
        fields: [
          { kind: 'hidden', name: 'track', initial: 'judicial' },
          {
            kind: 'select',
            name: 'unitId',
            label: t('actionForms.court'),
            required: true,
            options: unitOptions(ofKind('court'), locale),
          },
        ],
      });
    }
    return forms.map((form) => ({
      ...form,
      fields: [...form.fields, forumAcknowledgement(t('oneForum.acknowledge'))],
    }));
  },
  timeline: ({ fact, note }) => [
    fact('cases.track', 'track', { list: 'tracks' }),
    fact('cases.level', 'level', { list: 'levels' }),
    fact('cases.holdingUnit', 'unitId', 'unit'),
    note('actionForms.departmentOverrideReason', 'departmentOverrideReason'),
  ],
});

/**
 * One forum per dispute: when the same matter was referred out to a court or arbitration,
 * ACCEPT warns (`forum_referred_out`); the mediator who has checked with that forum ticks this.
 */
function forumAcknowledgement(label: string): EventForm['fields'][number] {
  return { kind: 'checkbox', name: 'forumAcknowledged', label };
}

const declineSchema = eventSchema('DECLINE', { reason: text });
export type DeclineEvent = MachineEvent<typeof declineSchema>;
export const decline = declareCaseEvent<DeclineEvent>()(declineSchema, {
  fields: ({ t }) => [reasonField(t)],
  timeline: ({ note }) => [note('actionForms.reason', 'reason')],
});

const referOutSchema = eventSchema('REFER_OUT', {
  agency: z.enum(referralAgencies, invalidValue),
  reason: text,
});
export type ReferOutEvent = MachineEvent<typeof referOutSchema> & {
  /** Whether the stage's period had run out when it was sent: the service reads the case's clock today. */
  periodRunOut: boolean;
};
export const referOut = declareCaseEvent<ReferOutEvent>()(referOutSchema, {
  forms: ({ t, locale, track, period }) => {
    if (track !== null) {
      // from mediation: only to arbitration, once the labour period has run out (劳动争议调解仲裁法 §14)
      const source = period.stage?.source;
      return [
        {
          title: t('actionForms.referToArbitration', { source: source ? inLocale(locale, source) : '' }),
          prominent: true,
          fields: [{ kind: 'hidden', name: 'agency', initial: 'arbitration' }, reasonField(t)],
        },
      ];
    }
    return [
      {
        fields: [
          {
            kind: 'select',
            name: 'agency',
            label: t('actionForms.agency'),
            required: true,
            options: optionsOf(t, 'agencies', referralAgencies),
          },
          reasonField(t),
        ],
      },
    ];
  },
  timeline: ({ fact, note }) => [
    fact('actionForms.agency', 'agency', { list: 'agencies' }),
    note('actionForms.reason', 'reason'),
  ],
});

const reopenSchema = eventSchema('REOPEN', { reason: text });
export type ReopenEvent = MachineEvent<typeof reopenSchema>;
export const reopen = declareCaseEvent<ReopenEvent>()(reopenSchema, {
  fields: ({ t }) => [reasonField(t, 'actionForms.reopenReason')],
  timeline: ({ note }) => [note('actionForms.reason', 'reason')],
});

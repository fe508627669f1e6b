import { riskGradeSchema, riskGrades } from '../rules/risk-grade';
import {
  declareCaseEvent,
  eventSchema,
  type MachineEvent,
  optionsOf,
  reasonField,
  text,
} from './case-event-declaration';

/**
 * The case's risk grade (风险等级, 1–4, 4 highest): graded anew whenever the mediators or a
 * supervisor judge the risk has changed, always with the reason; the case stays where it is.
 */
const setRiskGradeSchema = eventSchema('SET_RISK_GRADE', {
  riskGrade: riskGradeSchema,
  reason: text,
});
export type SetRiskGradeEvent = MachineEvent<typeof setRiskGradeSchema>;
export const setRiskGrade = declareCaseEvent<SetRiskGradeEvent>()(setRiskGradeSchema, {
  fields: ({ t }) => [
    {
      kind: 'select',
      name: 'riskGrade',
      label: t('riskGrades.field'),
      required: true,
      options: optionsOf(t, 'riskGrades.label', riskGrades.map(String)),
      hint: t('riskGrades.hint'),
    },
    reasonField(t, 'riskGrades.reason'),
  ],
  timeline: ({ factOf, note }) => [
    factOf('riskGrades.field', ['riskGrade'], (payload, { t }) =>
      typeof payload.riskGrade === 'number' ? t(`riskGrades.label.${payload.riskGrade}`) : undefined,
    ),
    note('actionForms.reason', 'reason'),
  ],
});

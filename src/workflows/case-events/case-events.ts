import { z } from 'zod';
import {
  type AgreementForm,
  agreementForms,
  type BreachedEvent,
  breached,
  type ConfirmationRejectedEvent,
  type ConfirmedEvent,
  confirmationRejected,
  confirmed,
  type FulfilledEvent,
  fulfilled,
  type ReachAgreementEvent,
  type RecordFollowUpEvent,
  type RequestJudicialConfirmationEvent,
  type ResumeMediationEvent,
  reachAgreement,
  recordFollowUp,
  requestJudicialConfirmation,
  resumeMediation,
} from './agreement.events';
import type { CaseEventDeclaration } from './case-event-declaration';
import {
  allowedTransfers,
  type EscalateEvent,
  type EscalationReasonCode,
  escalate,
  escalationReasonCodes,
  type ReturnDownEvent,
  returnDown,
  type TransferEvent,
  transfer,
} from './hand-off.events';
import {
  type AcceptEvent,
  accept,
  type DeclineEvent,
  decline,
  type ReferOutEvent,
  type ReopenEvent,
  referOut,
  referralAgencies,
  reopen,
  type SubmitEvent,
  submit,
} from './intake.events';
import {
  type AssignEvent,
  assign,
  type CancelSessionEvent,
  cancelSession,
  type ExtendPeriodEvent,
  extendPeriod,
  type FailEvent,
  fail,
  type LogSessionEvent,
  logSession,
  type ResumeEvent,
  resume,
  type ScheduleSessionEvent,
  type SessionKind,
  type SuspendEvent,
  type SuspensionReason,
  scheduleSession,
  sessionKinds,
  suspend,
  suspensionReasons,
  type WithdrawEvent,
  withdraw,
} from './mediation.events';
import { type SetRiskGradeEvent, setRiskGrade } from './risk.events';

/**
 * Every case event, declared once in its group's module (intake, mediation, hand-offs,
 * agreement) and assembled here: the API's discriminated union, the machine's event type,
 * and the declaration the forms and the timeline read by event type.
 */

export {
  type AgreementForm,
  agreementForms,
  allowedTransfers,
  type EscalationReasonCode,
  escalationReasonCodes,
  referralAgencies,
  type SessionKind,
  type SuspensionReason,
  sessionKinds,
  suspensionReasons,
};

/** The payload of each workflow event (API.md "Event payloads (cases)"). */
export const caseEventSchema = z
  .discriminatedUnion(
    'type',
    [
      submit.schema,
      accept.schema,
      decline.schema,
      referOut.schema,
      assign.schema,
      logSession.schema,
      scheduleSession.schema,
      cancelSession.schema,
      suspend.schema,
      resume.schema,
      reachAgreement.schema,
      escalate.schema,
      returnDown.schema,
      transfer.schema,
      fail.schema,
      extendPeriod.schema,
      withdraw.schema,
      requestJudicialConfirmation.schema,
      confirmed.schema,
      confirmationRejected.schema,
      recordFollowUp.schema,
      fulfilled.schema,
      breached.schema,
      resumeMediation.schema,
      reopen.schema,
      setRiskGrade.schema,
    ],
    { error: 'validation.event_type' },
  )
  .meta({ id: 'CaseEvent' });
export type CaseEventInput = z.infer<typeof caseEventSchema>;

/**
 * The machine's events: each the schema's payload without `expectedVersion`, plus what the
 * service resolves (the unit a case moves to, a mediator's id, a clock read today).
 */
export type CaseEvent =
  | SubmitEvent
  | AcceptEvent
  | DeclineEvent
  | ReferOutEvent
  | AssignEvent
  | LogSessionEvent
  | ScheduleSessionEvent
  | CancelSessionEvent
  | SuspendEvent
  | ResumeEvent
  | ReachAgreementEvent
  | EscalateEvent
  | ReturnDownEvent
  | TransferEvent
  | FailEvent
  | ExtendPeriodEvent
  | WithdrawEvent
  | RequestJudicialConfirmationEvent
  | ConfirmedEvent
  | ConfirmationRejectedEvent
  | RecordFollowUpEvent
  | FulfilledEvent
  | BreachedEvent
  | ResumeMediationEvent
  | ReopenEvent
  | SetRiskGradeEvent;

export type CaseEventType = CaseEvent['type'];

/** Every event's declaration by its type: the compiler asks for one per machine event and per API payload, and no other. */
const declarations: { [Type in CaseEventType]: CaseEventDeclaration } = {
  SUBMIT: submit,
  ACCEPT: accept,
  DECLINE: decline,
  REFER_OUT: referOut,
  ASSIGN: assign,
  LOG_SESSION: logSession,
  SCHEDULE_SESSION: scheduleSession,
  CANCEL_SESSION: cancelSession,
  SUSPEND: suspend,
  RESUME: resume,
  REACH_AGREEMENT: reachAgreement,
  ESCALATE: escalate,
  RETURN_DOWN: returnDown,
  TRANSFER: transfer,
  FAIL: fail,
  EXTEND_PERIOD: extendPeriod,
  WITHDRAW: withdraw,
  REQUEST_JUDICIAL_CONFIRMATION: requestJudicialConfirmation,
  CONFIRMED: confirmed,
  CONFIRMATION_REJECTED: confirmationRejected,
  RECORD_FOLLOW_UP: recordFollowUp,
  FULFILLED: fulfilled,
  BREACHED: breached,
  RESUME_MEDIATION: resumeMediation,
  REOPEN: reopen,
  SET_RISK_GRADE: setRiskGrade,
} satisfies Record<CaseEventInput['type'], CaseEventDeclaration>;

const isCaseEventType = (type: string): type is CaseEventType => Object.hasOwn(declarations, type);

/** The declaration of a case event by its type; undefined for recorded actions (REGISTERED, ATTACHMENT_ADDED …). */
export function caseEventDeclaration(type: string): CaseEventDeclaration | undefined {
  return isCaseEventType(type) ? declarations[type] : undefined;
}

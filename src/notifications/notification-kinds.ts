import type { Role } from '../access/roles';

/** Everything the app tells people about, one kind per reason (issue 7, "who hears what"). */
export const notificationKinds = [
  'case.assigned',
  'case.handed_off',
  'case.reopened',
  'case.confirmation_requested',
  'case.confirmation_ruled',
  'escalation.questioned',
  'petition.assigned',
  'petition.review_requested',
  'deadline.warning',
  'deadline.overdue',
  'limitation.warning',
  'audit.checkpoint_signed',
  'deadline.moved',
  'petition.visit_alert',
  'screening.high_risk',
  'screening.missing',
  'appointment.reminder',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export function isNotificationKind(value: string): value is NotificationKind {
  return (notificationKinds as readonly string[]).includes(value);
}

/** How a person receives a kind: a mail each time, one mail a day listing them, or not at all. */
export const deliveries = ['immediate', 'digest', 'off'] as const;
export type Delivery = (typeof deliveries)[number];

/**
 * Who of a unit hears a notice addressed to the unit: its active mediators plus the
 * supervisors over it (`members`), or only those supervisors (`supervisors`). "The
 * supervisors over it" are the nearest ones: of the unit itself, else of the closest
 * unit above that has any — the people who review hand-offs into it.
 */
export type UnitAudience = 'members' | 'supervisors';

export interface KindRule {
  /** Who hears it when it is addressed to a unit (a row may say otherwise). */
  unitAudience: UnitAudience;
  /** For someone who has not chosen. */
  defaultDelivery: Delivery;
  /** Where a role's default differs (a supervisor, who hears of every clock in the unit, reads warnings in the digest). */
  defaultFor?: Partial<Record<Role, Delivery>>;
  /** May not be turned off (it may still go in the digest). */
  mandatory: boolean;
  /** `templates/email/kinds/<template>.{html,text}.hbs`. */
  template: string;
}

/** The table of kinds: read by the preferences page, the dispatcher and the templates. */
export const kindRules: Record<NotificationKind, KindRule> = {
  // the mediator the case was given to
  'case.assigned': {
    unitAudience: 'members',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'case-assigned',
  },
  // the receiving unit's mediators and its supervisor (who reviews the hand-off)
  'case.handed_off': {
    unitAudience: 'members',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'case-handed-off',
  },
  'case.reopened': {
    unitAudience: 'members',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'case-reopened',
  },
  // the court's users (and the supervisors over it): an agreement awaits their ruling (民事诉讼法 §205, §206)
  'case.confirmation_requested': {
    unitAudience: 'members',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'case-confirmation-requested',
  },
  // the unit the case returns to with the court's ruling (民事诉讼法 §206): to follow up the
  // performance of a confirmed agreement, or to mediate again after a rejection (a new period runs)
  'case.confirmation_ruled': {
    unitAudience: 'members',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'case-confirmation-ruled',
  },
  // the mediator whose hand-off a supervisor questioned
  'escalation.questioned': {
    unitAudience: 'members',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'escalation-questioned',
  },
  'petition.assigned': {
    unitAudience: 'members',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'petition-assigned',
  },
  // the supervisors of the body a 复查 or 复核 request went to (信访工作条例 §35, §36): they alone decide it, within 30 days
  'petition.review_requested': {
    unitAudience: 'supervisors',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'petition-review-requested',
  },
  // the holder and the supervisor, at 80 % of the period (the supervisor: in the digest, unless they choose)
  'deadline.warning': {
    unitAudience: 'supervisors',
    defaultDelivery: 'immediate',
    defaultFor: { supervisor: 'digest' },
    mandatory: false,
    template: 'deadline-warning',
  },
  // the holder and the supervisor, once the period has run out: cannot be turned off
  'deadline.overdue': {
    unitAudience: 'supervisors',
    defaultDelivery: 'immediate',
    mandatory: true,
    template: 'deadline-overdue',
  },
  // a labour case's mediator and supervisor, 30 days before the worker's arbitration limitation ends (§27)
  'limitation.warning': {
    unitAudience: 'supervisors',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'limitation-warning',
  },
  // the district's supervisors: a signed checkpoint of every audit chain, a copy kept outside the database
  'audit.checkpoint_signed': {
    unitAudience: 'supervisors',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'audit-checkpoint-signed',
  },
  // the holder (a case with no mediator: the unit's mediators), when a year's holiday notice moved a due date
  'deadline.moved': {
    unitAudience: 'members',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'deadline-moved',
  },
  // the supervisors over the petition's holding unit, at once: a visit found the petitioner agitated
  // or the risk high (人民调解法 §25: a dispute that may escalate calls for preventive measures and a
  // report at once — the practice the petition work follows); it cannot be turned off
  'petition.visit_alert': {
    unitAudience: 'supervisors',
    defaultDelivery: 'immediate',
    mandatory: true,
    template: 'petition-visit-alert',
  },
  // 矛盾纠纷排查 (issue 21): the nearest supervisors over the unit, at once, of an item of risk grade 3 or 4
  'screening.high_risk': {
    unitAudience: 'supervisors',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'screening-high-risk',
  },
  // the nearest supervisors over a workstation that filed no round (not even a zero report) for a month gone by
  'screening.missing': {
    unitAudience: 'supervisors',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'screening-missing',
  },
  // the one who holds a planned session, hearing, visit or follow-up (src/schedule): the day before and the morning of
  'appointment.reminder': {
    unitAudience: 'members',
    defaultDelivery: 'immediate',
    mandatory: false,
    template: 'appointment-reminder',
  },
};

/** What a user receives of a kind, given what they chose (if anything). */
export function effectiveDelivery(
  kind: NotificationKind,
  role: Role,
  chosen: Delivery | undefined,
): Delivery {
  const rule = kindRules[kind];
  const delivery = chosen ?? rule.defaultFor?.[role] ?? rule.defaultDelivery;
  return rule.mandatory && delivery === 'off' ? 'immediate' : delivery;
}

import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { maskIdNumber, maskPhone, type PersonalDataCipher } from '../shared/crypto/personal-data';
import { nextRecordNumber } from '../shared/db/record-numbers';
import type { Transactions, Tx } from '../shared/db/transactions';
import { RuleViolationError, ValidationError } from '../shared/errors';
import { checkPhone, isMobile } from '../shared/phone-number';
import type { Unit } from '../units/unit.entity';
import { mediationLevelOf } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import { caseMachine, caseMachineVersion, caseRulesExcerpt } from '../workflows/case.machine';
import { eventBy } from '../workflows/event-log.repository';
import { applyEvent, startMachine } from '../workflows/machine-runner';
import { rulesFor } from '../workflows/rules';
import type { DisputeRules } from '../workflows/rules/dispute-rules.types';
import { applicationDateErrors } from './application-dates';
import type { Case } from './case.entity';
import type { CaseRepository } from './case.repository';
import type { PartyInput, RegisterCaseInput } from './case.schemas';
import type { CaseService } from './case.service';
import { clockColumns } from './case-columns';
import { acceptancePeriodAt, startAcceptanceClock } from './case-deadline';
import type { CaseTimers } from './case-timers';
import type { OneForum } from './one-forum';
import type { Party } from './party.entity';

/** Where a dispute is registered: the unit, the district numbering it. */
interface RegistrationPlace {
  unit: Unit;
  district: Unit;
}

/** One registration as it is written: who, what, where, and when. */
interface Registration {
  actor: Actor;
  input: RegisterCaseInput;
  rules: DisputeRules;
  now: Date;
  today: string;
}

/**
 * Registering disputes: from the intake form or the API (`register`), or opened from a
 * petition (`openForPetition`). A case starts in state `registered` (or, from a petition,
 * submitted to screening), with a gap-free number, its parties sealed and a first event
 * starting its chain.
 */
export class CaseRegistrationService {
  private readonly transactions: Transactions;
  private readonly cases: CaseRepository;
  private readonly visible: Pick<CaseService, 'getVisible'>;
  private readonly units: UnitRepository;
  private readonly oneForum: OneForum;
  private readonly cipher: PersonalDataCipher;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;
  /** Gives a clock started at registration (the health bureau's §40 period) its timer, in the registration's transaction. */
  private readonly timers?: CaseTimers;

  constructor(deps: {
    transactions: Transactions;
    cases: CaseRepository;
    /** Reads a master case as the actor may see it. */
    visible: Pick<CaseService, 'getVisible'>;
    units: UnitRepository;
    /** One forum per dispute: checked on every registration (the form, the API, a petition's new case). */
    oneForum: OneForum;
    cipher: PersonalDataCipher;
    clock: Clock;
    calendar: () => WorkingCalendar;
    timers?: CaseTimers;
  }) {
    this.transactions = deps.transactions;
    this.cases = deps.cases;
    this.visible = deps.visible;
    this.units = deps.units;
    this.oneForum = deps.oneForum;
    this.cipher = deps.cipher;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
    this.timers = deps.timers;
  }

  /**
   * The rows to store for parties: personal numbers encrypted, hashed and masked; a consent to SMS
   * notices with the moment it was given (`consentAt`, the registration's).
   */
  sealParties(parties: PartyInput[], consentAt: Date = this.clock.now()): Array<Partial<Party>> {
    return parties.map((party, position) => ({
      position,
      role: party.role,
      kind: party.kind,
      name: party.name,
      idNumberEncrypted: party.idNumber ? this.cipher.encrypt(party.idNumber) : null,
      idNumberHash: party.idNumber ? this.cipher.hash('id', party.idNumber) : null,
      idNumberMasked: party.idNumber ? maskIdNumber(party.idNumber) : null,
      phoneEncrypted: party.phone ? this.cipher.encrypt(party.phone) : null,
      phoneHash: party.phone ? this.cipher.hash('phone', party.phone) : null,
      phoneMasked: party.phone ? maskPhone(party.phone) : null,
      address: party.address ?? null,
      representative: party.representative ?? false,
      nameHash: this.cipher.hash('name', party.name),
      smsConsent: party.smsConsent === true,
      smsConsentAt: party.smsConsent === true ? consentAt : null,
      language: party.language ?? 'zh-CN',
    }));
  }

  /**
   * Registers a dispute at the caller's unit (or a unit a supervisor oversees), in
   * state `registered`, with a gap-free number, its parties sealed and a first
   * event starting its chain.
   */
  register(actor: Actor, input: RegisterCaseInput): Promise<Case> {
    return this.transactions.run((tx) =>
      this.registerWithin(tx, actor, input, {
        mayRegisterAt: (unit) => policy.canRegisterAt(actor, unit.path, unit.id),
      }),
    );
  }

  /**
   * As `register`, inside the caller's transaction: a screened conflict (矛盾纠纷排查 item, issue
   * 21) made a case, the item remembering it in the same commit.
   */
  registerIn(tx: Tx, actor: Actor, input: RegisterCaseInput): Promise<Case> {
    return this.registerWithin(tx, actor, input, {
      mayRegisterAt: (unit) => policy.canRegisterAt(actor, unit.path, unit.id),
    });
  }

  /**
   * 诉访分离: a dispute opened from a petition (the petition's write path has asked the
   * policy), at the petition's unit, with source `petition`, submitted straight to screening.
   */
  openForPetition(
    tx: Tx,
    actor: Actor,
    unitId: string,
    input: Omit<RegisterCaseInput, 'source' | 'unitId' | 'masterCaseId'>,
  ): Promise<Case> {
    return this.registerWithin(
      tx,
      actor,
      { ...input, unitId, source: 'petition' },
      { mayRegisterAt: () => true, submit: true },
    );
  }

  private async registerWithin(
    tx: Tx,
    actor: Actor,
    input: RegisterCaseInput,
    options: { mayRegisterAt: (unit: Unit) => boolean; submit?: boolean },
  ): Promise<Case> {
    const rules = rulesFor(input.type);
    const now = this.clock.now();
    const registration: Registration = { actor, input, rules, now, today: todayInShanghai(now) };
    checkRegistrationRules(registration);
    const place = await this.placeOf(tx, registration, options.mayRegisterAt);
    const sealed = this.sealParties(input.parties, now);
    // one forum per dispute: a matter another forum holds is not opened again (a referral out only warns)
    await this.oneForum.assertFree(
      actor,
      {
        type: input.type,
        parties: sealed as Array<Pick<Party, 'role' | 'idNumberHash' | 'nameHash'>>,
        exceptCaseIds: input.masterCaseId ? [input.masterCaseId] : [],
        sameMatterCaseIds: input.sameMatterCaseId ? [input.sameMatterCaseId] : [],
      },
      tx,
      { acknowledged: true },
    );
    const submit = options.submit === true;
    const row = await this.saveCase(tx, registration, place, submit, sealed);
    await this.appendFirstEvents(tx, registration, row, { unit: place.unit, submitted: submit });
    if (row.deadline) await this.timers?.reconcileCaseIn(tx, row);
    return row;
  }

  /** The unit the dispute is registered at, checked: active, the actor's to register at, the grid and master case fitting. */
  private async placeOf(
    tx: Tx,
    { actor, input }: Registration,
    mayRegisterAt: (unit: Unit) => boolean,
  ): Promise<RegistrationPlace> {
    const unit = await this.units.findById(input.unitId ?? actor.unitId, tx);
    if (!unit?.active || !mayRegisterAt(unit))
      throw new ValidationError([{ field: 'unitId', message: 'validation.unit_not_assignable' }]);
    const district = await this.units.findDistrictOf(unit.id, tx);
    if (!district) throw new Error(`no district above unit ${unit.id}`);
    if (input.gridId && !(await this.units.isGridWithin(input.gridId, unit.id, tx))) {
      throw new ValidationError([{ field: 'gridId', message: 'validation.grid_not_in_unit' }]);
    }
    if (input.masterCaseId) {
      const master = await this.visible.getVisible(actor, input.masterCaseId, tx).catch(() => null);
      if (!master || master.row.masterCaseId) {
        throw new ValidationError([{ field: 'masterCaseId', message: 'validation.master_case_invalid' }]);
      }
    }
    if (input.sameMatterCaseId) {
      // a link the user confirms: only to a case they may see
      const same = await this.visible.getVisible(actor, input.sameMatterCaseId, tx).catch(() => null);
      if (!same)
        throw new ValidationError([{ field: 'sameMatterCaseId', message: 'validation.case_not_found' }]);
    }
    return { unit, district };
  }

  /**
   * The case's row: numbered, its statechart started (and submitted, from a petition), its
   * acceptance clock if any; with its parties (its search row written once, with their names).
   */
  private async saveCase(
    tx: Tx,
    { actor, input, rules, now, today }: Registration,
    { unit, district }: RegistrationPlace,
    submit: boolean,
    parties: Array<Partial<Party>>,
  ): Promise<Case> {
    const year = Number(today.slice(0, 4));
    const number = await nextRecordNumber(tx, { name: 'case', prefix: district.code }, district.id, year);
    const initial = startMachine(caseMachine, {
      type: input.type,
      rules: caseRulesExcerpt(rules),
      holdingUnitId: unit.id,
      riskGrade: input.riskGrade ?? null,
    });
    const submitted = submit ? applyEvent(caseMachine, initial, { type: 'SUBMIT' }).next : null;
    const receivedOn = input.receivedOn ?? today;
    // registered at the type's administrative body: it decides within its period whether it accepts (医疗 §40)
    const acceptance = acceptancePeriodAt(rules, unit);
    const deadline = acceptance ? startAcceptanceClock(acceptance, receivedOn, today, this.calendar()) : null;
    return this.cases.saveCaseWithParties(
      {
        number,
        districtId: district.id,
        type: input.type,
        title: input.title,
        description: input.description,
        source: input.source,
        registeredUnitId: unit.id,
        registeredBy: actor.id,
        holdingUnitId: unit.id,
        heldUnitIds: [unit.id],
        gridId: input.gridId ?? null,
        occurredOn: input.occurredOn ?? null,
        receivedOn,
        knewOn: input.knewOn ?? null,
        ...clockColumns(deadline, today),
        amountInDispute: input.amountInDispute === undefined ? null : String(input.amountInDispute),
        groupSize: input.groupSize ?? null,
        masterCaseId: input.masterCaseId ?? null,
        sameMatterCaseId: input.sameMatterCaseId ?? null,
        riskGrade: input.riskGrade ?? null,
        state: submitted ? 'screening' : 'registered',
        registeredLevel: mediationLevelOf(unit.kind),
        rulesVersion: rules.version,
        machineVersion: caseMachineVersion,
        snapshot: submitted ?? initial,
        version: submitted ? 1 : 0,
        createdAt: now,
        updatedAt: now,
      },
      parties,
      tx,
    );
  }

  /** REGISTERED starts the case's chain; a case opened from a petition has its SUBMIT after it. */
  private async appendFirstEvents(
    tx: Tx,
    { actor, input, rules, now }: Registration,
    row: Case,
    { unit, submitted }: { unit: Unit; submitted: boolean },
  ): Promise<void> {
    await this.cases.appendEvent(
      {
        caseId: row.id,
        ...eventBy(actor, now, {
          type: 'REGISTERED',
          payload: {
            type: input.type,
            title: input.title,
            source: input.source,
            unitId: unit.id,
            parties: input.parties.map((party) => ({ role: party.role, kind: party.kind, name: party.name })),
            rulesVersion: rules.version,
          },
          fromState: null,
          toState: 'registered',
        }),
      },
      tx,
    );
    if (submitted) {
      const submit = eventBy(actor, now, {
        type: 'SUBMIT',
        payload: { type: 'SUBMIT' },
        fromState: 'registered',
        toState: 'screening',
      });
      await this.cases.appendEvent({ caseId: row.id, ...submit }, tx);
    }
  }
}

/** What the law says of the application itself, before anything is read: its dates, and the cap on representatives. */
function checkRegistrationRules({ input, rules, today }: Registration): void {
  const dateErrors = [...applicationDateErrors(input, rules, today), ...smsConsentErrors(input.parties)];
  if (dateErrors.length > 0) throw new RuleViolationError('validation_failed', dateErrors);
  const cap = rules.representativeCap;
  if (!cap) return;
  for (const role of ['applicant', 'respondent'] as const) {
    const representatives = input.parties.filter(
      (party) => party.role === role && party.representative,
    ).length;
    if (representatives > cap.max) {
      throw new RuleViolationError(
        'representatives_over_cap',
        [{ field: 'parties', message: 'validation.representatives_over_cap', params: { max: cap.max } }],
        { max: cap.max, source: cap.source.zh },
      );
    }
  }
}

/** 个人信息保护法 §14: a party is told by SMS only with a number to send it to. */
export function smsConsentErrors(
  parties: Array<Pick<PartyInput, 'smsConsent' | 'phone'>>,
  field = 'parties',
) {
  // an SMS reaches a mobile only: consent with no phone, or with a landline, cannot be kept
  return parties.flatMap((party, index) => {
    if (!party.smsConsent) return [];
    const phone = party.phone ? checkPhone(party.phone) : null;
    return phone?.ok && isMobile(phone.value)
      ? []
      : [{ field: `${field}.${index}.smsConsent`, message: 'validation.sms_consent_needs_phone' }];
  });
}

import type { Actor } from '../access/actor';
import { type CaseResource, policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { EscalationRepository, QuestionedHandOff } from '../escalations/escalation.repository';
import type { Clock } from '../shared/clock';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import { RuleViolationError } from '../shared/errors';
import type { Grid } from '../units/grid.entity';
import type { Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import type { User } from '../users/user.entity';
import type { UserRepository } from '../users/user.repository';
import { rulesFor } from '../workflows/rules';
import type { DisputeRules } from '../workflows/rules/dispute-rules.types';
import type { CaseEventRecord } from '../workflows/workflow-event.entity';
import type { CaseAttachment } from './attachment.entity';
import type { AttachmentRepository } from './attachment.repository';
import type { Case } from './case.entity';
import type { CaseRepository } from './case.repository';
import type { CaseService } from './case.service';
import { type StagePeriodToday, stagePeriodToday } from './case-period';
import { partiesOnPrintedDocument } from './document-parties';
import type { Agreement } from './mediation-record.entity';
import type { MediationRecordRepository } from './mediation-record.repository';
import type { Party } from './party.entity';
import type { RevealedParty } from './party-reveal.service';

/** Everything the case page shows, gathered for one actor: the view model turns it into the page. */
export interface CaseFile {
  row: Case;
  resource: CaseResource;
  parties: Party[];
  events: CaseEventRecord[];
  attachments: CaseAttachment[];
  /** The events this actor may send now (the statechart's and the policy's answer). */
  allowedEvents: string[];
  /** What else this actor may do on the case (the policy's answers). */
  may: { reveal: boolean; attach: boolean; verify: boolean };
  holdingUnit: Unit;
  /** The units of the case's district, by id (names, and the choices the action forms offer). */
  units: Map<string, Unit>;
  /** People named on the case (mediator, uploaders), by id. */
  users: Map<string, User>;
  /** Active mediators of the holding unit (ASSIGN). */
  mediators: User[];
  agreement: Agreement | null;
  /** Where the dispute arose (网格), with its community. */
  grid: { grid: Grid; community: Unit | null } | null;
  rules: DisputeRules;
  /** The stage's period as it stands today: run out, and what that means under the rule. */
  period: StagePeriodToday;
  today: string;
  now: Date;
  calendar: WorkingCalendar;
  /** Its hand-offs a supervisor questioned, with the comment (the case page's panel). */
  questionedHandOffs: QuestionedHandOff[];
}

/** A party on a printed document: personal numbers in full where the policy allows (audited). */
export type DocumentParty = RevealedParty;

/**
 * The case file as the web pages read it: the case, its parties, timeline,
 * attachments and agreement, with the choices its action forms offer. Reads only;
 * every change goes through CaseWorkflowService (or AttachmentService).
 */
export class CaseFileService {
  private readonly cases: Pick<CaseService, 'getVisible' | 'allowedEvents'>;
  private readonly caseRepository: CaseRepository;
  private readonly units: UnitRepository;
  private readonly users: UserRepository;
  private readonly attachments: AttachmentRepository;
  private readonly cipher: PersonalDataCipher;
  private readonly audit: AuditService;
  private readonly clock: Clock;
  private readonly calendar: () => WorkingCalendar;
  private readonly mediationRecords: MediationRecordRepository;
  private readonly handOffs: Pick<EscalationRepository, 'questionedOf'>;

  constructor(deps: {
    cases: Pick<CaseService, 'getVisible' | 'allowedEvents'>;
    caseRepository: CaseRepository;
    units: UnitRepository;
    users: UserRepository;
    attachments: AttachmentRepository;
    cipher: PersonalDataCipher;
    audit: AuditService;
    clock: Clock;
    calendar: () => WorkingCalendar;
    mediationRecords: MediationRecordRepository;
    handOffs: Pick<EscalationRepository, 'questionedOf'>;
  }) {
    this.cases = deps.cases;
    this.caseRepository = deps.caseRepository;
    this.units = deps.units;
    this.users = deps.users;
    this.attachments = deps.attachments;
    this.cipher = deps.cipher;
    this.audit = deps.audit;
    this.clock = deps.clock;
    this.calendar = deps.calendar;
    this.mediationRecords = deps.mediationRecords;
    this.handOffs = deps.handOffs;
  }

  async open(actor: Actor, caseId: string): Promise<CaseFile> {
    const { row, resource } = await this.cases.getVisible(actor, caseId);
    const [parties, events, attachments, allUnits, agreement, grid, questionedHandOffs] = await Promise.all([
      this.caseRepository.partiesOf(row.id),
      this.caseRepository.eventsOf(row.id),
      this.attachments.listOfCase(row.id),
      this.units.findAll(),
      this.mediationRecords.latestAgreementOf(row.id),
      row.gridId ? this.units.findGridById(row.gridId) : null,
      this.handOffs.questionedOf(row.id),
    ]);
    const district = allUnits.find((unit) => unit.id === row.districtId);
    const units = new Map(
      allUnits
        .filter(
          (unit) => !district || unit.path === district.path || unit.path.startsWith(`${district.path}.`),
        )
        .map((unit) => [unit.id, unit]),
    );
    const holdingUnit =
      units.get(row.holdingUnitId) ?? allUnits.find((unit) => unit.id === row.holdingUnitId);
    if (!holdingUnit) throw new Error(`case ${row.id} is held by a missing unit`);
    const allowedEvents = this.cases.allowedEvents(actor, row, resource);
    const mediators = allowedEvents.includes('ASSIGN')
      ? (
          await this.users.list({
            scopePath: holdingUnit.path,
            unitId: holdingUnit.id,
            role: 'mediator',
            page: 1,
            pageSize: 200,
          })
        ).items.filter((user) => user.active)
      : [];
    const userIds = [
      ...(row.mediatorId ? [row.mediatorId] : []),
      ...events.flatMap((event) =>
        typeof event.payload.mediatorId === 'string' ? [event.payload.mediatorId] : [],
      ),
    ];
    const named = await this.users.findByIds([...new Set(userIds)]);
    const now = this.clock.now();
    const rules = rulesFor(row.type, row.rulesVersion);
    const calendar = this.calendar();
    return {
      row,
      resource,
      parties,
      events,
      attachments,
      allowedEvents,
      may: {
        reveal: policy.can(actor, 'party.reveal', resource),
        attach: policy.can(actor, 'attachment.add', resource),
        // the audit-chain check of this case alone (a supervisor over it)
        verify: policy.can(actor, 'supervision.view', resource),
      },
      holdingUnit,
      units,
      users: new Map([...named, ...mediators].map((user) => [user.id, user])),
      mediators,
      agreement,
      grid: grid ? { grid, community: allUnits.find((unit) => unit.id === grid.communityId) ?? null } : null,
      rules,
      period: stagePeriodToday(row, rules, todayInShanghai(now), calendar),
      today: todayInShanghai(now),
      now,
      calendar,
      questionedHandOffs,
    };
  }

  /**
   * What the printed agreement (人民调解协议书) needs. A signed document names the
   * parties with their ID numbers, so these are printed in full for those the policy lets
   * unmask them — and each print is audited like any other unmasked view.
   */
  async agreementDocument(actor: Actor, origin: RequestOrigin, caseId: string) {
    const file = await this.open(actor, caseId);
    if (!file.agreement) throw new RuleViolationError('no_agreement');
    const parties = await this.printedParties(origin, file, 'case.agreement_printed', {});
    return { file, agreement: file.agreement, parties };
  }

  /**
   * The case file and its parties for one of the procedure's other documents
   * (src/cases/documents/): numbers in full where the policy lets this user unmask them,
   * by the agreement's rule, and the print audited (`case.document_printed`, with `audit`:
   * which document, and which session, follow-up or served document) when it shows any. `check` (the document's own: does it apply to this case?)
   * runs before anything is decrypted or audited.
   */
  async printedDocument(
    actor: Actor,
    origin: RequestOrigin,
    caseId: string,
    document: { audit: { document: string } & Record<string, unknown>; check: (file: CaseFile) => void },
  ): Promise<{ file: CaseFile; parties: DocumentParty[] }> {
    const file = await this.open(actor, caseId);
    document.check(file);
    const parties = await this.printedParties(origin, file, 'case.document_printed', document.audit);
    return { file, parties };
  }

  /** The parties as printed, by the rule every printed document follows (`partiesOnPrintedDocument`). */
  private printedParties(
    origin: RequestOrigin,
    file: CaseFile,
    action: string,
    details: Record<string, unknown>,
  ): Promise<DocumentParty[]> {
    return partiesOnPrintedDocument({
      parties: file.parties,
      mayReveal: file.may.reveal,
      cipher: this.cipher,
      audit: this.audit,
      origin,
      print: { action, target: { type: 'case', id: file.row.id }, details },
    });
  }
}

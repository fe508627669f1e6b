import type { Actor } from '../../access/actor';
import { policy } from '../../access/policy';
import type { AuditService, RequestOrigin } from '../../audit/audit.service';
import { partiesOnPrintedDocument } from '../../cases/document-parties';
import type { RevealedParty } from '../../cases/party-reveal.service';
import { todayInShanghai } from '../../deadlines/working-calendar';
import type { PersonalDataCipher } from '../../shared/crypto/personal-data';
import { RuleViolationError } from '../../shared/errors';
import type { Unit } from '../../units/unit.entity';
import type { UnitRepository } from '../../units/unit.repository';
import { petitionRulesFor } from '../../workflows/rules';
import type { PetitionRules } from '../../workflows/rules/petition-rules.types';
import type { PetitionEventRecord } from '../../workflows/workflow-event.entity';
import type { Petition } from '../petition.entity';
import { firstInstanceUnitOf, type PetitionRepository } from '../petition.repository';
import type { PetitionService } from '../petition.service';
import { lastEvent, type PetitionDocumentKind, petitionDocuments } from './petition-documents';

/** Everything one printed document of a petition shows, gathered for one reader. */
export interface PetitionDocument {
  kind: PetitionDocumentKind;
  row: Petition;
  /** Numbers in full where the policy lets this reader unmask them (the print is then audited). */
  petitioners: RevealedParty[];
  /** The event that issued the document (the latest of its type) and the whole timeline. */
  issued: PetitionEventRecord;
  events: PetitionEventRecord[];
  /** The day it was issued (YYYY-MM-DD, Asia/Shanghai). */
  issuedOn: string;
  /** The unit that issues it: the one that decided, replied, reviewed or rechecked. */
  issuer: Unit;
  /**
   * The body the petitioner may turn to next: for a handling opinion the one above the unit that
   * replied (复查, §35), for a review opinion the one above the review body (复核, §36). Null where
   * the document opens no such step, or the issuer has no unit above it in this system.
   */
  nextBody: Unit | null;
  /** The units the document names besides (the opinion reviewed and its unit). */
  units: Map<string, Unit>;
  rules: PetitionRules;
}

/**
 * The petition's printed documents (告知书, 意见书): who may see the petition may print them;
 * petitioners' numbers in full only for those the policy lets unmask them, each such print
 * audited (`petition.document_printed`). Reads only.
 */
export class PetitionDocumentService {
  private readonly petitions: Pick<PetitionService, 'getVisible'>;
  private readonly repository: PetitionRepository;
  private readonly units: UnitRepository;
  private readonly cipher: PersonalDataCipher;
  private readonly audit: AuditService;

  constructor(deps: {
    petitions: Pick<PetitionService, 'getVisible'>;
    repository: PetitionRepository;
    units: UnitRepository;
    cipher: PersonalDataCipher;
    audit: AuditService;
  }) {
    this.petitions = deps.petitions;
    this.repository = deps.repository;
    this.units = deps.units;
    this.cipher = deps.cipher;
    this.audit = deps.audit;
  }

  /** One document of the petition: 404 when the reader may not see it, 422 when it was not issued. */
  async open(
    actor: Actor,
    origin: RequestOrigin,
    petitionId: string,
    kind: PetitionDocumentKind,
  ): Promise<PetitionDocument> {
    const { row, resource } = await this.petitions.getVisible(actor, petitionId);
    const events = await this.repository.eventsOf(row.id);
    const issued = lastEvent(events, petitionDocuments[kind].issuedBy);
    if (!issued) throw new RuleViolationError('petition.document_not_issued');
    const places = await this.placesOf(row, kind);
    const petitioners = await partiesOnPrintedDocument({
      parties: await this.repository.petitionersOf(row.id),
      mayReveal: policy.canRevealPetitioners(actor, resource),
      cipher: this.cipher,
      audit: this.audit,
      origin,
      print: {
        action: 'petition.document_printed',
        target: { type: 'petition', id: row.id },
        details: { document: kind, number: row.number },
      },
    });
    const on = typeof issued.payload.on === 'string' ? issued.payload.on : todayInShanghai(issued.at);
    return {
      kind,
      row,
      petitioners,
      issued,
      events,
      issuedOn: on,
      ...places,
      rules: petitionRulesFor(row.rulesVersion),
    };
  }

  /** The issuing unit, the body one level up where the document opens a review or a recheck, and the units between. */
  private async placesOf(row: Petition, kind: PetitionDocumentKind) {
    const context = row.snapshot.context;
    const firstInstance = firstInstanceUnitOf(row);
    const issuerId =
      kind === 'review' ? context.reviewUnitId : kind === 'recheck' ? context.recheckUnitId : firstInstance;
    const units = await this.units.mapByIds(
      [firstInstance, context.reviewUnitId, context.recheckUnitId].filter((id): id is string => !!id),
    );
    const issuer = issuerId ? units.get(issuerId) : undefined;
    if (!issuer) throw new Error(`petition ${row.id}: no unit issued its ${kind} document`);
    const reviewable = petitionRulesFor(row.rulesVersion).reviewApplies.categories.includes(row.category);
    let nextBody: Unit | null = null;
    if (reviewable && kind === 'reply')
      nextBody = context.reviewUnitId
        ? (units.get(context.reviewUnitId) ?? null)
        : await this.units.findParentOf(issuer.id);
    if (reviewable && kind === 'review')
      nextBody = context.recheckUnitId
        ? (units.get(context.recheckUnitId) ?? null)
        : await this.units.findParentOf(issuer.id);
    return { issuer, nextBody, units };
  }
}

import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import { todayInShanghai } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import type { Grid } from '../units/grid.entity';
import type { Unit } from '../units/unit.entity';
import type { UnitRepository } from '../units/unit.repository';
import type { Case } from './case.entity';
import type { CaseRepository } from './case.repository';
import type { PartyInput, RegisterCaseInput } from './case.schemas';
import type { CaseRegistrationService } from './case-registration.service';
import type { ForumOccupant, OneForum } from './one-forum';
import { partyKey } from './party-key';
import type { PartyMatchingRepository, PossibleDuplicate } from './party-matching.repository';

/** What the intake form shows before saving: look-alike cases and forums already handling the parties. */
export interface IntakeReview {
  duplicates: PossibleDuplicate[];
  /** The forums holding the dispute (`OneForum`): a `refuse` one means it cannot be registered here. */
  forums: ForumOccupant[];
}

/**
 * Intake (登记): what the form offers, and the review before saving — possible
 * duplicates and the forums already handling the same parties — then the registration.
 */
export class CaseIntakeService {
  private readonly cases: CaseRepository;
  private readonly partyMatching: PartyMatchingRepository;
  private readonly oneForum: OneForum;
  private readonly units: UnitRepository;
  private readonly registration: Pick<CaseRegistrationService, 'register'>;
  private readonly cipher: PersonalDataCipher;
  private readonly clock: Clock;

  constructor(deps: {
    cases: CaseRepository;
    partyMatching: PartyMatchingRepository;
    oneForum: OneForum;
    units: UnitRepository;
    registration: Pick<CaseRegistrationService, 'register'>;
    cipher: PersonalDataCipher;
    clock: Clock;
  }) {
    this.cases = deps.cases;
    this.partyMatching = deps.partyMatching;
    this.oneForum = deps.oneForum;
    this.units = deps.units;
    this.registration = deps.registration;
    this.cipher = deps.cipher;
    this.clock = deps.clock;
  }

  /** What the intake form offers: the units this actor may register at, and the grid blocks under them. */
  async intakeOptions(
    actor: Actor,
  ): Promise<{ units: Unit[]; grids: Array<{ grid: Grid; community: Unit }>; today: string }> {
    const subtree = await this.units.findSubtree(actor.unitId);
    const units = subtree.filter((unit) => unit.active && policy.canRegisterAt(actor, unit.path, unit.id));
    const grids = await this.units.findGridsWithin(actor.unitId);
    const byId = new Map(subtree.map((unit) => [unit.id, unit]));
    return {
      units,
      today: todayInShanghai(this.clock.now()),
      grids: grids.flatMap((grid) => {
        const community = byId.get(grid.communityId);
        return community ? [{ grid, community }] : [];
      }),
    };
  }

  /**
   * Before registering (DOMAIN.md "One active forum per dispute"): open cases the actor
   * may see that look like this dispute, and the forums (committee, department, court)
   * holding the same matter between the same parties, whatever their roles (`OneForum`) —
   * the unit named even when the case itself is not the actor's to see, its number only
   * when it is.
   */
  async reviewIntake(actor: Actor, input: RegisterCaseInput): Promise<IntakeReview> {
    const keyOf = (party: PartyInput) =>
      partyKey({
        idNumberHash: party.idNumber ? this.cipher.hash('id', party.idNumber) : null,
        nameHash: this.cipher.hash('name', party.name),
      });
    const applicantKeys = input.parties.filter((party) => party.role === 'applicant').map(keyOf);
    const respondentKeys = input.parties.filter((party) => party.role === 'respondent').map(keyOf);
    const idHashes = input.parties.flatMap((party) =>
      party.idNumber ? [this.cipher.hash('id', party.idNumber)] : [],
    );
    // the numbers as the schema normalised them (party-identifiers.ts), hashed as they were stored
    const phoneHashes = input.parties.flatMap((party) =>
      party.phone ? [this.cipher.hash('phone', party.phone)] : [],
    );
    const duplicates = await this.partyMatching.findPossibleDuplicates(policy.caseVisibility(actor), {
      applicantKeys,
      respondentKeys,
      idHashes,
      phoneHashes,
      title: input.title,
      unitId: input.unitId ?? actor.unitId,
    });
    const forums = await this.oneForum.occupants(actor, {
      type: input.type,
      parties: input.parties.map((party) => ({
        role: party.role,
        idNumberHash: party.idNumber ? this.cipher.hash('id', party.idNumber) : null,
        nameHash: this.cipher.hash('name', party.name),
      })),
      exceptCaseIds: input.masterCaseId ? [input.masterCaseId] : [],
      sameMatterCaseIds: input.sameMatterCaseId ? [input.sameMatterCaseId] : [],
    });
    return { duplicates, forums };
  }

  /**
   * The intake form's one call: shows the review when it finds possible duplicates or
   * another forum (unless the mediator has seen them and confirmed), else registers. A
   * forum that bars a second one cannot be confirmed away: registering refuses it.
   */
  async intake(
    actor: Actor,
    input: RegisterCaseInput,
    options: { confirmed: boolean; checkOnly: boolean },
  ): Promise<{ registered: Case | null; review: IntakeReview }> {
    const review = await this.reviewIntake(actor, input);
    const found = review.duplicates.length > 0 || review.forums.length > 0;
    const barred = review.forums.some((forum) => forum.effect === 'refuse');
    if (options.checkOnly || barred || (found && !options.confirmed)) return { registered: null, review };
    return { registered: await this.registration.register(actor, input), review };
  }
}

import type { Actor } from '../access/actor';
import { type CaseResource, type PetitionResource, policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { Transactions, Tx } from '../shared/db/transactions';
import { ForbiddenError, RuleViolationError } from '../shared/errors';
import { generateLookupCode, LookupCodeHasher, normaliseLookupCode } from './lookup-code';
import type { LookupAccess, LookupCodeRepository, LookupSubject } from './lookup-code.repository';

/**
 * Issues 查询码 in a transaction that is already open: the case's or petition's acceptance
 * (the workflows call it with the ACCEPT event), or a member of staff's request. The code
 * leaves here in clear once — to the answer of that request, the acceptance notice and the
 * acceptance SMS — and is kept only as its keyed hash; the audit entry never holds it.
 */
export class LookupCodeIssuer {
  readonly codes: LookupCodeRepository;
  /** The keyed hash of codes, under a key derived from DATA_KEY (`LookupCodeHasher`). */
  readonly hasher: LookupCodeHasher;

  constructor(
    private readonly deps: {
      codes: LookupCodeRepository;
      dataKey: Buffer;
      audit: AuditService;
      clock: Clock;
    },
  ) {
    this.codes = deps.codes;
    this.hasher = new LookupCodeHasher(deps.dataKey);
  }

  /** A new code for `subject`, in `tx`: the old one stops working. Answers the code in clear. */
  async issueIn(
    tx: Tx,
    subject: LookupSubject,
    origin: RequestOrigin,
    on: 'accept' | 'request',
  ): Promise<string> {
    const code = generateLookupCode();
    const at = this.deps.clock.now();
    await this.codes.storeIssued(
      subject,
      { codeHash: this.hasher.hash(code), at, by: origin.actor?.id ?? null },
      tx,
    );
    await this.deps.audit.record(
      origin,
      { action: `${subject.type}.lookup_code_issued`, target: subject, details: { on } },
      tx,
    );
    return code;
  }
}

/** How a case or petition is read with its access data (CaseService / PetitionService `getVisible`: 404 when not seen). */
export type VisibleReader<R> = (actor: Actor, id: string, tx?: Tx) => Promise<{ resource: R }>;

/** What staff do with a case's or petition's lookup: see whether a code is current, issue one, turn it off or on. */
export class LookupCodeService {
  constructor(
    private readonly deps: {
      transactions: Transactions;
      issuer: LookupCodeIssuer;
      cases: VisibleReader<CaseResource>;
      petitions: VisibleReader<PetitionResource>;
      audit: AuditService;
      clock: Clock;
    },
  ) {}

  /** 404 when the actor may not see the subject, 403 when they may see but not manage its lookup. */
  private async authorize(actor: Actor, subject: LookupSubject, tx?: Tx): Promise<void> {
    if (!(await this.mayManage(actor, subject, tx))) throw new ForbiddenError();
  }

  private async mayManage(actor: Actor, subject: LookupSubject, tx?: Tx): Promise<boolean> {
    if (subject.type === 'case') {
      const { resource } = await this.deps.cases(actor, subject.id, tx);
      return policy.can(actor, 'case.lookup_code', resource);
    }
    const { resource } = await this.deps.petitions(actor, subject.id, tx);
    return policy.can(actor, 'petition.lookup_code', resource);
  }

  /** A new code on a member of staff's request (audited): answered in clear, once. */
  issue(actor: Actor, subject: LookupSubject, origin: RequestOrigin): Promise<string> {
    return this.deps.transactions.run(async (tx) => {
      await this.authorize(actor, subject, tx);
      return this.deps.issuer.issueIn(tx, subject, origin, 'request');
    });
  }

  /** Turns the parties' lookup on or off (audited); a code stays as it is, unusable while off. */
  setEnabled(actor: Actor, subject: LookupSubject, enabled: boolean, origin: RequestOrigin): Promise<void> {
    return this.deps.transactions.run(async (tx) => {
      await this.authorize(actor, subject, tx);
      await this.deps.issuer.codes.storeEnabled(subject, enabled, this.deps.clock.now(), tx);
      await this.deps.audit.record(
        origin,
        { action: `${subject.type}.lookup_switched`, target: subject, details: { enabled } },
        tx,
      );
    });
  }

  /** The party access panel's facts, and whether this actor may change them (404 when they may not see the subject). */
  async accessFor(actor: Actor, subject: LookupSubject): Promise<LookupAccess & { mayManage: boolean }> {
    const mayManage = await this.mayManage(actor, subject);
    return { ...(await this.deps.issuer.codes.accessOf(subject)), mayManage };
  }

  /**
   * Whether `code` is the subject's current code (lookup on or off): what printing the
   * acceptance notice with a code typed back in checks, since the code is not kept in clear.
   */
  async verify(subject: LookupSubject, code: string): Promise<boolean> {
    return this.deps.issuer.hasher.matches(code, await this.deps.issuer.codes.currentHashOf(subject));
  }

  /**
   * Printing the acceptance notice with a code (the code handed back from the panel): only who
   * may manage the subject's lookup, the code checked against the stored hash, and every try
   * audited — printed or refused — so that the form cannot be used to test codes unseen.
   * Answers the code in its printed form (`ABCDE-FGHJK`).
   */
  async checkForPrint(
    actor: Actor,
    subject: LookupSubject,
    typed: string,
    origin: RequestOrigin,
  ): Promise<string> {
    await this.authorize(actor, subject);
    const current = await this.verify(subject, typed);
    await this.deps.audit.record(origin, {
      action: `${subject.type}.lookup_code_printed`,
      target: subject,
      details: { outcome: current ? 'printed' : 'not_current' },
    });
    if (!current) throw new RuleViolationError('lookup_code_not_current');
    const bare = normaliseLookupCode(typed);
    return `${bare.slice(0, 5)}-${bare.slice(5)}`;
  }
}

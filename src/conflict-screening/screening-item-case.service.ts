import type { Actor } from '../access/actor';
import { policy } from '../access/policy';
import type { AuditService, RequestOrigin } from '../audit/audit.service';
import type { Case } from '../cases/case.entity';
import type { RegisterCaseInput } from '../cases/case.schemas';
import type { Transactions, Tx } from '../shared/db/transactions';
import { ConflictError, ForbiddenError, NotFoundError } from '../shared/errors';
import type { ScreeningRepository } from './screening.repository';
import type { ItemToCaseInput } from './screening.schemas';

/** What registering a case inside a transaction takes (CaseRegistrationService.registerIn). */
export interface CaseRegistrar {
  registerIn(tx: Tx, actor: Actor, input: RegisterCaseInput): Promise<Case>;
}

/**
 * A screened conflict made a case in one step: its title, type, description, grid block and
 * the people involved (as the group size) carried over, registered at the round's unit with
 * source `grid_patrol` (found by screening, not brought in by a party), and the item remembering
 * the case — one transaction; an item becomes a case once.
 */
export class ScreeningItemCaseService {
  constructor(
    private readonly deps: {
      transactions: Transactions;
      screenings: ScreeningRepository;
      registrar: CaseRegistrar;
      audit: AuditService;
    },
  ) {}

  makeCase(
    actor: Actor,
    itemId: string,
    input: ItemToCaseInput,
    origin: RequestOrigin,
  ): Promise<{ caseId: string; number: string }> {
    const { transactions, screenings, registrar, audit } = this.deps;
    return transactions.run(async (tx) => {
      const item = await screenings.lockItem(tx, itemId);
      const unit = item && { id: item.unitId, path: item.unitPath };
      if (!item || !unit || !policy.canSeeScreeningOf(actor, unit)) throw new NotFoundError();
      if (!policy.canFileScreeningAt(actor, unit)) throw new ForbiddenError();
      if (item.caseId) throw new ConflictError('screening_item_has_case', { caseId: item.caseId });
      const registered = await registrar.registerIn(tx, actor, {
        type: item.type as RegisterCaseInput['type'],
        title: item.title,
        description: [item.description, item.measures].filter(Boolean).join('\n\n'),
        source: 'grid_patrol',
        unitId: item.unitId,
        ...(item.gridId ? { gridId: item.gridId } : {}),
        ...(item.peopleCount > 1 ? { groupSize: item.peopleCount } : {}),
        parties: [
          { role: 'applicant', kind: 'person', name: input.applicantName },
          ...(input.respondentName
            ? [{ role: 'respondent' as const, kind: 'person' as const, name: input.respondentName }]
            : []),
        ],
      });
      await screenings.setItemCase(tx, item.id, registered.id);
      await audit.record(
        origin,
        {
          action: 'screening.item_to_case',
          target: { type: 'screening_item', id: item.id },
          details: { caseId: registered.id, number: registered.number, period: item.period },
        },
        tx,
      );
      return { caseId: registered.id, number: registered.number };
    });
  }
}

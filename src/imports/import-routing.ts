import { competentBodyOtherThan, competentBodyParams, unitKindForTrack } from '../cases/acceptance-routing';
import { mediationLevelOf, type Unit } from '../units/unit.entity';
import { acceptingLevelOf } from '../workflows/case-events/intake.events';
import { rulesFor } from '../workflows/rules';
import type { ImportRow, ImportRowError } from './case-import.rows';
import { outcomeOf } from './imported-case';

/**
 * Where an imported row accepted and still open may sit: where ACCEPT would have put it
 * (`cases/acceptance-routing.ts`, the rules the resolver applies). On the people's track a
 * people's-mediation unit at its own level (`level` = the unit's, `acceptingLevelOf`: higher
 * is an ESCALATE a supervisor reviews, so an escalated case is imported at the unit it went
 * up to); on the administrative track the type's competent body — the import takes no
 * override reason, so another department is refused by row; on the judicial track a court.
 * Closed rows are history and are recorded as they were: a case accepted at a level or by
 * a body these rules would now refuse was still handled there, and nothing more happens to it.
 */
export function routingErrorsOf(line: number, data: ImportRow, unit: Unit): ImportRowError[] {
  const { state, track, level } = outcomeOf(data);
  if (state !== 'mediation.awaitingMediator' || !track) return [];
  const refuse = (column: string, message: string, params?: Record<string, unknown>) => [
    { row: line, column, message, ...(params ? { params } : {}) },
  ];
  if (track === 'people') {
    if (!mediationLevelOf(unit.kind)) return refuse('unitCode', 'validation.import_people_unit');
    const own = acceptingLevelOf(unit.kind);
    return level === own ? [] : refuse('level', 'validation.import_own_level', { level: own });
  }
  if (unit.kind !== unitKindForTrack[track]) return refuse('unitCode', `validation.import_${track}_unit`);
  const body = track === 'administrative' ? competentBodyOtherThan(rulesFor(data.type), unit) : null;
  return body
    ? refuse('unitCode', 'validation.import_not_competent_body', competentBodyParams(data.type, body))
    : [];
}

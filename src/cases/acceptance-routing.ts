import type { Unit, UnitKind } from '../units/unit.entity';
import type { DisputeRules, Track } from '../workflows/rules/dispute-rules.types';

/**
 * Which unit may hold a case accepted on a track (issue 19, "the right department"): the
 * rules the ACCEPT and TRANSFER resolver (`case-event-resolver.ts`) and the historic import's
 * open accepted rows (`imports/import-routing.ts`) both apply. On the people's track a unit
 * accepts at its own level (`acceptingLevelOf`, workflows/case-events/intake.events.ts).
 */

/** The kind of unit that takes a case on the administrative and on the judicial track. */
export const unitKindForTrack: Record<Exclude<Track, 'people'>, UnitKind> = {
  administrative: 'department',
  judicial: 'court',
};

/** A type's competent administrative body, as its rules name it. */
export type CompetentBody = NonNullable<DisputeRules['administrativeBody']>;

/**
 * The type's competent body (its rules' `administrativeBody.departmentKey`: 劳动争议 →
 * 人力资源和社会保障局 …) when `department` is not it; null when it is, or when the type
 * names none (generic rules: any department will do).
 */
export function competentBodyOtherThan(
  rules: Pick<DisputeRules, 'administrativeBody'>,
  department: Pick<Unit, 'departmentKey'>,
): CompetentBody | null {
  const body = rules.administrativeBody;
  return body && department.departmentKey !== body.departmentKey ? body : null;
}

/** What a `not_competent_body` refusal names: the type and its competent body, in both languages. */
export function competentBodyParams(type: string, body: CompetentBody): Record<string, string> {
  return { type, body: body.zh, bodyEn: body.en };
}

import { addDays } from '../../src/deadlines/plain-date';
import { type DisputeType, disputeTypes } from '../../src/workflows/rules/dispute-rules.types';
import type { City } from './city';
import type { Rng } from './random';
import { caseText } from './texts';

/**
 * A historic export as Minhang would have it: the 19,796 cases received from mid-2009
 * to January 2011 (DOMAIN.md), about 60 % of them closed, in the columns of API.md
 * "Historic import (CSV)".
 */
export const historicRows = 19_796;

const header =
  'number,type,title,source,unitCode,registeredOn,screenedOn,screening,track,level,closedOn,outcome';

function cell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function historicCsv(city: City, rng: Rng, rows = historicRows): string {
  const lines = [`\uFEFF${header}`];
  const first = '2009-07-01';
  const span = 580; // to the end of January 2011
  const units = [
    ...city.communities.map((unit) => ({ unit, weight: 4 })),
    ...city.streets.map((unit) => ({ unit, weight: 20 })),
  ];
  const types: DisputeType[] = [...disputeTypes];
  for (let index = 0; index < rows; index++) {
    const type = rng.pick(types);
    let { unit } = rng.weighted(units, (item) => item.weight);
    const registeredOn = addDays(first, rng.int(span));
    const roll = rng.next();
    const screening = roll < 0.85 ? 'accepted' : roll < 0.9 ? 'declined' : roll < 0.93 ? 'referred_out' : '';
    const screenedOn = screening ? addDays(registeredOn, rng.int(3)) : '';
    let track = '';
    let level = '';
    let closedOn = '';
    let outcome = '';
    if (screening === 'accepted') {
      const trackRoll = rng.next();
      track = trackRoll < 0.9 ? 'people' : trackRoll < 0.97 ? 'administrative' : 'judicial';
      if (track === 'people')
        level = unit.kind === 'street' ? 'street' : rng.chance(0.85) ? 'community' : 'street';
      if (rng.chance(0.65)) {
        closedOn = addDays(screenedOn, 3 + rng.int(60));
        if (closedOn > '2011-01-31') closedOn = '2011-01-31';
        const outcomeRoll = rng.next();
        outcome = outcomeRoll < 0.8 ? 'resolved' : outcomeRoll < 0.95 ? 'unresolved' : 'withdrawn';
      } else {
        // still open: where ACCEPT would have put it (the import refuses anything else) —
        // the unit's own level, the type's department (any for generic types), the court
        if (track === 'people') level = unit.kind;
        else if (track === 'judicial') unit = city.court;
        else unit = city.departments[type as keyof City['departments']] ?? city.departments.labour;
      }
    } else if (screening === 'declined') {
      closedOn = screenedOn;
      outcome = 'not_accepted';
    } else if (screening === 'referred_out') {
      closedOn = screenedOn;
      outcome = 'referred_out';
    }
    const source = rng.pick(['walk_in', 'hotline_12345', 'grid_patrol', 'police_110', 'other']);
    lines.push(
      [
        '',
        type,
        cell(caseText(type, rng).title),
        source,
        unit.code,
        registeredOn,
        screenedOn,
        screening,
        track,
        level,
        closedOn,
        outcome,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

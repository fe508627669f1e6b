import { residentIdCheckCharacter } from '../../src/cases/party-identifiers';

/** A resident ID number for a fixture: the 17 digits given and their GB 11643 check character. */
export function residentId(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`a resident ID starts with 17 digits, not ${first17}`);
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

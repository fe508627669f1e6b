/**
 * The same party (同一当事人) across cases and petitions: the same ID-number hash, else —
 * for a party stored without an ID number — the same name hash. Written once here, as
 * code and as SQL, for every check that asks "have these people been here before?"
 * (possible duplicates and the active forum at intake and on ACCEPT, earlier petitions).
 */

/** A party's stored hashes (`Party.idNumberHash`, `Party.nameHash`), as far as they are known. */
export interface PartyHashes {
  idNumberHash?: string | null;
  nameHash?: string;
}

/** The party's key: its ID-number hash, else `name:` and its name hash. */
export function partyKey(party: PartyHashes): string {
  return party.idNumberHash ?? `name:${party.nameHash}`;
}

/** `partyKey` in SQL, over the `parties` row named `alias` (`partyKeySql('p')`). */
export function partyKeySql(alias: string): string {
  return `COALESCE(${alias}.id_number_hash, 'name:' || ${alias}.name_hash)`;
}

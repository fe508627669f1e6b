import type { Actor } from '../access/actor';
import type { PartyInput } from '../cases/case.schemas';
import type { OneForum } from '../cases/one-forum';
import type { Party } from '../cases/party.entity';
import { partyKey } from '../cases/party-key';
import type { Tx } from '../shared/db/transactions';
import { rulesFor } from '../workflows/rules';
import type { LegalSource } from '../workflows/rules/dispute-rules.types';
import type { CaseImportRepository } from './case-import.repository';
import { type ImportRow, type ImportRowError, partiesOf } from './case-import.rows';
import { outcomeOf } from './imported-case';

/** A row with both sides stated, as the forum check reads it. */
interface SidedRow {
  line: number;
  data: ImportRow;
  /** Its sides sealed as registration seals them (the hashes `partyKey` reads). */
  parties: Party[];
  /** The party keys of its applicant and its respondent. */
  keys: [string, string];
  open: boolean;
  /** The forum this row holds for its matter, if any (and the article that says so). */
  holds: LegalSource | null;
}

/**
 * One forum per dispute (DOMAIN.md, `cases/one-forum.ts`) for the historic import. A row
 * still open (in screening or accepted) is refused by row when its matter — the same type,
 * each side some party of the other whatever its role — is held by a stored case
 * (`OneForum.occupants`, the check every path runs) or by another row of the same file. A
 * row holds the forum as a stored case would: accepted and open, or closed by referral out
 * to an agency its type's rules say keeps the forum (`referredTo`; `oneForum.afterReferral`,
 * effect `refuse` — the import has no acknowledgement to give for a warning). Closed rows
 * are history and are not checked.
 */
export class ImportForumCheck {
  constructor(
    private readonly deps: {
      oneForum: OneForum;
      imports: CaseImportRepository;
      sealParties: (parties: PartyInput[]) => Array<Partial<Party>>;
    },
  ) {}

  /** The rows the check reads: those with both sides, open or holding a forum. */
  sidedRows(rows: Array<{ line: number; data: ImportRow }>): SidedRow[] {
    return rows.flatMap(({ line, data }) => {
      const inputs = partiesOf(data);
      if (inputs.length < 2) return [];
      const facts = outcomeOf(data);
      const open = facts.state !== 'closed';
      const holds = open ? (facts.accepted ? rulesFor(data.type).oneForum.source : null) : referralHold(data);
      if (!open && !holds) return [];
      const parties = this.deps.sealParties(inputs) as Party[];
      return [{ line, data, parties, keys: [partyKey(parties[0]), partyKey(parties[1])], open, holds }];
    });
  }

  /**
   * Rows of the file against each other. With one applicant and one respondent a row, "each
   * side is some party of the other" is "the same two party keys", so rows are grouped by
   * type and their two keys, sorted (the roles do not matter). In a group the first row by
   * line that holds the forum holds it; every other open row of the group is refused,
   * naming that row.
   */
  inFileErrors(sided: SidedRow[]): ImportRowError[] {
    const groups = new Map<string, SidedRow[]>();
    for (const row of sided) {
      const key = `${row.data.type}|${[...row.keys].sort().join('|')}`;
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    const errors: ImportRowError[] = [];
    for (const group of groups.values()) {
      const holder = group.find((row) => row.holds);
      if (!holder?.holds) continue;
      const { zh, en } = holder.holds;
      for (const row of group) {
        if (row === holder || !row.open) continue;
        errors.push({
          row: row.line,
          column: 'applicant',
          message: 'validation.import_same_matter_in_file',
          params: { other: holder.line, source: zh, sourceEn: en },
        });
      }
    }
    return errors;
  }

  /**
   * Open rows against the stored cases, in the write transaction. One query for the whole
   * file finds which of the rows' party keys any stored case has; only a row whose two keys
   * both occur is asked about (`OneForum.occupants`: its queries, per such row). A historic
   * file seldom names parties already stored, so a big import makes one query here.
   */
  async storedErrors(tx: Tx, actor: Actor, sided: SidedRow[]): Promise<ImportRowError[]> {
    const open = sided.filter((row) => row.open);
    const known = await this.deps.imports.storedPartyKeys([...new Set(open.flatMap((row) => row.keys))], tx);
    const errors: ImportRowError[] = [];
    for (const { line, data, parties, keys } of open) {
      if (!keys.every((key) => known.has(key))) continue;
      const probe = { type: data.type, parties, exceptCaseIds: [], sameMatterCaseIds: [] };
      const held = (await this.deps.oneForum.occupants(actor, probe, tx)).find(
        (occupant) => occupant.effect === 'refuse',
      );
      if (!held) continue;
      errors.push({
        row: line,
        column: 'applicant',
        // a case referred out (医疗 §31: to a court) holds the forum as the referral, not as "accepted"
        message:
          held.kind === 'referred_out'
            ? 'validation.import_referred_out_barred'
            : 'validation.import_already_in_forum',
        params: {
          agency: held.agency ?? '',
          unit: held.unit?.nameZh ?? '',
          unitEn: held.unit?.nameEn ?? '',
          source: held.source.zh,
          sourceEn: held.source.en,
        },
      });
    }
    return errors;
  }
}

/**
 * The forum a row closed by referral out still holds: its type's rule for that agency, when
 * its effect is `refuse` (as `OneForum` reads a stored case's `referred_to`).
 */
function referralHold(data: ImportRow): LegalSource | null {
  if (!data.referredTo || outcomeOf(data).outcome !== 'referred_out') return null;
  const rule = rulesFor(data.type).oneForum.afterReferral.find(
    (referral) => referral.agency === data.referredTo,
  );
  return rule?.effect === 'refuse' ? rule.source : null;
}

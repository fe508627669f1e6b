import '../shared/runtime/refuse-unsupported-node';
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import { defaults } from '../../config/defaults';
import { ConfigError, loadConfig } from '../../config/environment';
import { CaseRepository } from '../cases/case.repository';
import { createDataSource } from '../shared/db/data-source';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../shared/db/embedded-database';
import { type ChainVerification, verifyChain } from '../workflows/event-chain';

/**
 * `npm run audit:verify [caseNumber]` (DOMAIN.md "The audit trail": "a command and a
 * page show the verification"): checks the hash chain of one case, by its number, or
 * of every case, each against the case's own count of events (its version + 1). Prints
 * one line per broken chain and a summary.
 *
 * Exit codes: 0 every chain checked is intact; 1 at least one is broken; 2 nothing
 * could be checked (bad usage, bad configuration, no such case, database unreachable).
 *
 * Reads DATABASE_URL (with SESSION_SECRET and DATA_KEY, as the app does); without it,
 * starts the embedded database under DATA_DIR as `npm start` does — so not while the
 * app itself runs on that DATA_DIR. It only reads: no migrations, no writes.
 */

const usage = `Usage: npm run audit:verify [caseNumber]

Verifies the hash chain of one case (e.g. MH-2026-000123) or, without an argument, of
every case. Exit codes: 0 intact, 1 a chain is broken, 2 could not verify.
`;

const pageSize = 500;

/** Thrown for anything that stops the audit before a verdict: exit code 2. */
class CannotAudit extends Error {}

interface AuditResult {
  checked: number;
  broken: number;
}

function describeBreak(number: string, result: ChainVerification, expected: number): string {
  const where =
    result.firstBrokenSeq === undefined ? 'at an unknown event' : `at event ${result.firstBrokenSeq}`;
  return `BROKEN ${number}: chain broken ${where} (${result.events} events stored, ${expected} expected)`;
}

/** Checks one page of cases (or the one case asked for) inside one consistent snapshot. */
async function auditPage(
  db: DataSource,
  cases: CaseRepository,
  pick: (tx: EntityManager) => Promise<Array<{ id: string; number: string; version: number }>>,
  write: (line: string) => void,
): Promise<{ result: AuditResult; last: string | null }> {
  return db.transaction('REPEATABLE READ', async (tx) => {
    const rows = await pick(tx);
    const events = await cases.eventsOfCases(
      rows.map((row) => row.id),
      tx,
    );
    let broken = 0;
    for (const row of rows) {
      const expected = row.version + 1;
      const chain = (events.get(row.id) ?? []).map((event) => ({ ...event, ownerId: event.caseId }));
      const verification = verifyChain(chain, { events: expected });
      if (!verification.valid) {
        broken += 1;
        write(describeBreak(row.number, verification, expected));
      }
    }
    return { result: { checked: rows.length, broken }, last: rows.at(-1)?.number ?? null };
  });
}

async function auditChains(
  db: DataSource,
  caseNumber: string | undefined,
  write: (line: string) => void,
): Promise<AuditResult> {
  const cases = new CaseRepository(db);
  if (caseNumber !== undefined) {
    const { result } = await auditPage(
      db,
      cases,
      async (tx) => {
        const row = await cases.findByNumber(caseNumber, tx);
        if (!row) throw new CannotAudit(`No case numbered ${caseNumber}.`);
        return [row];
      },
      write,
    );
    return result;
  }
  const total: AuditResult = { checked: 0, broken: 0 };
  let after: string | null = null;
  for (;;) {
    const from: string | null = after;
    const { result, last } = await auditPage(
      db,
      cases,
      (tx) => cases.pageByNumber(from, pageSize, tx),
      write,
    );
    total.checked += result.checked;
    total.broken += result.broken;
    if (result.checked < pageSize || last === null) return total;
    after = last;
  }
}

function parseArguments(argv: string[]): { caseNumber?: string } | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const options = argv.filter((arg) => arg.startsWith('-'));
  if (options.length > 0) throw new CannotAudit(`Unknown option ${options[0]}.\n\n${usage}`);
  if (argv.length > 1) throw new CannotAudit(`Give at most one case number.\n\n${usage}`);
  const [caseNumber] = argv;
  if (caseNumber !== undefined && caseNumber.trim() === '')
    throw new CannotAudit(`The case number is empty.\n\n${usage}`);
  return { caseNumber: caseNumber?.trim() };
}

async function main(): Promise<number> {
  const parsed = parseArguments(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  const config = loadConfig(process.env);

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const clusterDir = path.join(config.dataDir, 'pg');
    // an audit never creates a database: without one there is nothing to verify
    if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      throw new CannotAudit(`No DATABASE_URL, and no embedded database under ${config.dataDir}.`);
    }
    embedded = await startEmbeddedDatabase({
      clusterDir,
      databaseName: defaults.embeddedDatabaseName,
      password: config.embeddedDatabasePassword as string,
    }).catch((error: Error) => {
      throw new CannotAudit(error.message);
    });
    databaseUrl = embedded.url;
    const running = embedded;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void running.stop().finally(() => process.exit(2)));
    }
  }

  const db = createDataSource(databaseUrl, { poolSize: 2, applicationName: 'grand-mediation-audit' });
  try {
    await db.initialize().catch((error: Error) => {
      throw new CannotAudit(`Cannot connect to the database: ${error.message}`);
    });
    const { checked, broken } = await auditChains(db, parsed.caseNumber, (line) =>
      process.stdout.write(`${line}\n`),
    );
    const chains = checked === 1 ? 'case chain' : 'case chains';
    process.stdout.write(`Checked ${checked} ${chains}: ${checked - broken} intact, ${broken} broken.\n`);
    return broken > 0 ? 1 : 0;
  } finally {
    if (db.isInitialized) await db.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    const prefix = error instanceof ConfigError ? 'Configuration error: ' : '';
    const known = error instanceof ConfigError || error instanceof CannotAudit;
    process.stderr.write(`${prefix}${known ? error.message : `Could not verify: ${error.stack ?? error}`}\n`);
    process.exit(2);
  },
);

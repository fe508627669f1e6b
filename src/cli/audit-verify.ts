import '../shared/runtime/refuse-unsupported-node';
import 'reflect-metadata';
import type { KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { ConfigError, loadConfig, loadDatabaseConfig } from '../../config/environment';
import { replayCheckpoints } from '../integrity/audit-checkpoint';
import { ChainAuditRepository } from '../integrity/chain-audit.repository';
import { ChainAuditService, type ChainFinding } from '../integrity/chain-audit.service';
import { CheckpointAuditService, type CheckpointFinding } from '../integrity/checkpoint-audit.service';
import type { RecordMismatch } from '../integrity/mirrored-records';
import { AuditKeys, parsePublicKey } from '../shared/crypto/audit-keys';
import { EventLog } from '../workflows/event-log';
import { CannotAudit, openAuditDatabase } from './audit-database';

/**
 * `npm run audit:verify` (DOMAIN.md "The audit trail": "a command and a page show the
 * verification"), two checks:
 *
 * - with the audit key (the app's configuration): every case and petition chain, or the
 *   one numbered, checked event by event with the keyed hashes, against the count of
 *   events its row keeps; and every record mirrored from the events compared with them;
 * - the outside auditor's, with no secret: a checkpoint file (`checkpoints.jsonl`) checked
 *   with the public key, then every chain compared with its last checkpointed head.
 *
 * Exit codes: 0 everything checked holds; 1 something is broken; 2 nothing could be
 * checked (bad usage, bad configuration, no such case, database unreachable).
 *
 * Reads DATABASE_URL (with the app's secrets for the first check); without it, starts
 * the embedded database under DATA_DIR as `npm start` does — so not while the app itself
 * runs on that DATA_DIR. It only reads: no migrations, no writes.
 */

const usage = `Usage:
  npm run audit:verify [number]
      With the audit key (AUDIT_KEY, or as the app derives it from DATA_KEY): checks the
      chain of every case and petition — or of the one numbered, e.g. MH-2026-000123 —
      event by event, and the records copied from their events (agreements, mediation
      sessions, hand-offs, attachments, visits, the current state).
  npm run audit:verify -- --checkpoints FILE --public-key KEY
      The outside auditor's check, with no secret: every checkpoint in FILE (the app's
      $DATA_DIR/audit/checkpoints.jsonl, or a copy) checked with the Ed25519 public KEY
      (base64 or hex as the app prints it, or a PEM file), then every chain compared with
      the last checkpoint that signed it.

Exit codes: 0 everything checked holds, 1 something is broken, 2 could not verify.
`;

type Arguments =
  | { mode: 'help' }
  | { mode: 'key'; number?: string }
  | { mode: 'checkpoints'; file: string; publicKey: KeyObject };

function parseArguments(argv: string[]): Arguments {
  if (argv.includes('--help') || argv.includes('-h')) return { mode: 'help' };
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    if (name !== '--checkpoints' && name !== '--public-key')
      throw new CannotAudit(`Unknown option ${name}.\n\n${usage}`);
    const value = inline ?? argv[++index];
    if (value === undefined || value.trim() === '')
      throw new CannotAudit(`${name} needs a value.\n\n${usage}`);
    options.set(name, value);
  }
  if (options.size > 0) {
    const file = options.get('--checkpoints');
    const key = options.get('--public-key');
    if (!file || !key) throw new CannotAudit(`--checkpoints and --public-key go together.\n\n${usage}`);
    if (positional.length > 0)
      throw new CannotAudit(`A checkpoint file is checked against every chain: give no number.\n\n${usage}`);
    if (!fs.existsSync(file)) throw new CannotAudit(`No checkpoint file ${file}.`);
    let publicKey: KeyObject;
    try {
      publicKey = parsePublicKey(key);
    } catch (error) {
      throw new CannotAudit(`--public-key: ${(error as Error).message}.`);
    }
    return { mode: 'checkpoints', file, publicKey };
  }
  if (positional.length > 1) throw new CannotAudit(`Give at most one number.\n\n${usage}`);
  const [number] = positional;
  if (number !== undefined && number.trim() === '') throw new CannotAudit(`The number is empty.\n\n${usage}`);
  return { mode: 'key', number: number?.trim() };
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function describeMismatch(mismatch: RecordMismatch): string {
  const record = mismatch.record.replace('_', '-');
  if (mismatch.field === 'event') return `${record} ${mismatch.id}: no event records it`;
  if (mismatch.field === 'record') return `${record} of event ${mismatch.eventSeq}: missing`;
  const which =
    mismatch.record === 'case' || mismatch.record === 'petition' ? record : `${record} ${mismatch.id}`;
  return `${which} (event ${mismatch.eventSeq}): ${mismatch.field} differs from its event`;
}

function findingLines(finding: ChainFinding): string[] {
  const lines: string[] = [];
  if (finding.chain) {
    const { firstBrokenSeq, events, expected } = finding.chain;
    const where = firstBrokenSeq === undefined ? 'at an unknown event' : `at event ${firstBrokenSeq}`;
    lines.push(
      `BROKEN ${finding.number}: chain broken ${where} (${events} events stored, ${expected} expected)`,
    );
  }
  for (const mismatch of finding.mismatches)
    lines.push(`MISMATCH ${finding.number}: ${describeMismatch(mismatch)}`);
  return lines;
}

function checkpointFindingLine(finding: CheckpointFinding): string {
  const which = finding.number ?? `${finding.kind} ${finding.ownerId}`;
  switch (finding.problem) {
    case 'changed':
      return `BROKEN ${which}: its events up to ${finding.seq} no longer match checkpoint ${finding.checkpoint}`;
    case 'missing':
      return `BROKEN ${which}: signed by checkpoint ${finding.checkpoint}, now missing from the database`;
    case 'vanished':
      return `BROKEN ${which}: signed by an earlier checkpoint, recorded gone by checkpoint ${finding.checkpoint}`;
  }
}

async function main(): Promise<number> {
  const parsed = parseArguments(process.argv.slice(2));
  const write = (line: string) => process.stdout.write(`${line}\n`);
  if (parsed.mode === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  if (parsed.mode === 'checkpoints') {
    // the outside auditor's check: the public key and the database, no secret at all
    const replay = replayCheckpoints(fs.readFileSync(parsed.file, 'utf8').split('\n'), parsed.publicKey);
    for (const { line, problem } of replay.problems) write(`PROBLEM line ${line}: ${problem}`);
    if (replay.checkpoints === 0) throw new CannotAudit(`No checkpoint in ${parsed.file}.`);
    return openAuditDatabase(loadDatabaseConfig(process.env), async (db) => {
      const { checked, findings } = await new CheckpointAuditService(new ChainAuditRepository(db)).check(
        replay,
        (finding) => write(checkpointFindingLine(finding)),
      );
      const last = replay.last;
      write(
        `Checked ${plural(replay.checkpoints, 'checkpoint', 'checkpoints')} (the last: ${last?.number}, signed ${last?.signedAt}) ` +
          `with the public key, and ${plural(checked, 'chain', 'chains')} against them: ` +
          `${checked - findings.filter((finding) => finding.problem !== 'vanished').length} intact, ${findings.length} broken, ` +
          `${plural(replay.problems.length, 'problem', 'problems')} in the file.`,
      );
      return findings.length > 0 || replay.problems.length > 0 ? 1 : 0;
    });
  }

  const config = loadConfig(process.env);
  const keys = new AuditKeys(config.auditKey);
  return openAuditDatabase(config, async (db) => {
    const audit = new ChainAuditService(new ChainAuditRepository(db), new EventLog(keys.chainKey));
    if (parsed.number !== undefined && !(await audit.exists(parsed.number)))
      throw new CannotAudit(`No case or petition numbered ${parsed.number}.`);
    const { checked, findings } = await audit.audit({
      number: parsed.number,
      onFinding: (finding) => findingLines(finding).forEach(write),
    });
    const total = checked.case + checked.petition;
    const chains =
      parsed.number !== undefined
        ? checked.case > 0
          ? plural(checked.case, 'case chain', 'case chains')
          : plural(checked.petition, 'petition chain', 'petition chains')
        : `${plural(checked.case, 'case chain', 'case chains')} and ${plural(checked.petition, 'petition chain', 'petition chains')}`;
    write(`Checked ${chains}: ${total - findings.length} intact, ${findings.length} broken.`);
    return findings.length > 0 ? 1 : 0;
  });
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

import '../shared/runtime/refuse-unsupported-node';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../../config/environment';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { AuditCheckpointRepository } from '../integrity/audit-checkpoint.repository';
import { AuditCheckpointService, checkpointFileOf } from '../integrity/audit-checkpoint.service';
import { systemClock } from '../shared/clock';
import { AuditKeys } from '../shared/crypto/audit-keys';
import { CannotAudit, openAuditDatabase } from './audit-database';

/**
 * `npm run audit:checkpoint`: signs a checkpoint of every case and petition chain now,
 * as the worker does on its schedule and a supervisor on request: stored, appended to
 * `$DATA_DIR/audit/checkpoints.jsonl`, queued for the supervisors' mail (sent by the
 * running app's worker). `--public-key` only prints the key that checks checkpoints.
 *
 * Exit codes: 0 signed (or key printed); 2 could not (configuration, database).
 */

const usage = `Usage:
  npm run audit:checkpoint                   sign a checkpoint of every chain now
  npm run audit:checkpoint -- --public-key   print the Ed25519 public key that checks them
`;

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  const unknown = argv.find((arg) => arg !== '--public-key');
  if (unknown) throw new CannotAudit(`Unknown argument ${unknown}.\n\n${usage}`);
  const config = loadConfig(process.env);
  const keys = new AuditKeys(config.auditKey);
  if (argv.includes('--public-key')) {
    process.stdout.write(`${keys.publicKeyText}\n`);
    return 0;
  }
  return openAuditDatabase(config, async (db) => {
    const checkpoints = new AuditCheckpointService(
      new AuditCheckpointRepository(db),
      keys,
      new AuditService(new AuditRepository(db), systemClock),
      systemClock,
      config.dataDir,
    );
    const signed = await checkpoints.sign({ reason: 'requested', origin: { actor: null, ip: null } });
    const body = signed.checkpoint;
    process.stdout.write(
      `Signed checkpoint ${signed.number} at ${signed.signedAt}: ${body.chains} chains, ${body.events} events, ` +
        `${body.heads.length} changed since the last.\n` +
        `Root ${body.root}\nAppended to ${checkpointFileOf(config.dataDir)}\nPublic key ${signed.publicKey}\n`,
    );
    return 0;
  });
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    const prefix = error instanceof ConfigError ? 'Configuration error: ' : '';
    const known = error instanceof ConfigError || error instanceof CannotAudit;
    process.stderr.write(`${prefix}${known ? error.message : `Could not sign: ${error.stack ?? error}`}\n`);
    process.exit(2);
  },
);

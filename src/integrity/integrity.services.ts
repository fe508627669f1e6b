import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../shared/clock';
import type { AuditKeys } from '../shared/crypto/audit-keys';
import type { EventLog } from '../workflows/event-log.repository';
import { AuditCheckpointRepository } from './audit-checkpoint.repository';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { ChainAuditRepository } from './chain-audit.repository';
import { ChainAuditService } from './chain-audit.service';
import { ChainKeyingRepository } from './chain-keying.repository';
import { ChainKeyingService } from './chain-keying.service';

/** The audit trail anchored outside the database, built once by the composition root: the chain check, the re-keying, the checkpoints. */
export function buildIntegrity(deps: {
  /** The app's data source (what the integrity repositories are built on). */
  db: ConstructorParameters<typeof ChainAuditRepository>[0] &
    ConstructorParameters<typeof ChainKeyingRepository>[0] &
    ConstructorParameters<typeof AuditCheckpointRepository>[0];
  auditKeys: AuditKeys;
  audit: AuditService;
  clock: Clock;
  eventLog: EventLog;
  config: { dataDir: string };
}) {
  const { db, auditKeys, audit, clock, config } = deps;
  return {
    auditKeys,
    chainAudit: new ChainAuditService(new ChainAuditRepository(db), deps.eventLog),
    chainKeying: new ChainKeyingService(new ChainKeyingRepository(db), auditKeys, clock),
    checkpoints: new AuditCheckpointService(
      new AuditCheckpointRepository(db),
      auditKeys,
      audit,
      clock,
      config.dataDir,
    ),
  };
}

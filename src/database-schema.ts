import { migrations } from '../migrations';
import { AuditEntry } from './audit/audit-entry.entity';
import { ApiToken } from './auth/api-token.entity';
import { CaseAttachment } from './cases/attachment.entity';
import { Case } from './cases/case.entity';
import { Agreement, MediationSession } from './cases/mediation-record.entity';
import { Party } from './cases/party.entity';
import { Escalation } from './escalations/escalation.entity';
import { NotificationPreference } from './notifications/notification-preference.entity';
import { OutboxMessage } from './notifications/outbox-message.entity';
import { Petition, PetitionVisit } from './petitions/petition.entity';
import { Grid } from './units/grid.entity';
import { Unit } from './units/unit.entity';
import { User } from './users/user.entity';
import { CaseEventRecord, PetitionEventRecord } from './workflows/workflow-event.entity';

/**
 * Every entity the data source maps: the registry belongs to the composition level (src/), not to
 * `shared/db`, which knows no domain. Each domain adds its own here.
 */
export const entities = [
  Unit,
  Grid,
  User,
  ApiToken,
  AuditEntry,
  Case,
  Party,
  CaseEventRecord,
  PetitionEventRecord,
  MediationSession,
  Agreement,
  CaseAttachment,
  Escalation,
  OutboxMessage,
  NotificationPreference,
  Petition,
  PetitionVisit,
];

/**
 * What `createDataSource` maps and migrates with: every entity and every reviewed migration
 * (/migrations). Given by the composition level, so that `shared/db` imports no domain module.
 */
export const databaseSchema = { entities, migrations };

import { AuditEntry } from '../../audit/audit-entry.entity';
import { ApiToken } from '../../auth/api-token.entity';
import { Grid } from '../../units/grid.entity';
import { Unit } from '../../units/unit.entity';
import { User } from '../../users/user.entity';

/** Every entity the data source maps; each domain adds its own here. */
export const entities = [Unit, Grid, User, ApiToken, AuditEntry];

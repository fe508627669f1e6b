import { CreateUnitTreeAndGrids1764140000000 } from './1764140000000-CreateUnitTreeAndGrids';
import { CreateUsersSessionsTokensAndAuditLog1764140100000 } from './1764140100000-CreateUsersSessionsTokensAndAuditLog';
import { CreateCasesPetitionsAndTheirEventChains1764140200000 } from './1764140200000-CreateCasesPetitionsAndTheirEventChains';

/**
 * Every migration, oldest first. Listed (not globbed) so that the app, the CLI and
 * the tests run exactly the same set whether they load TypeScript or compiled code.
 */
export const migrations = [
  CreateUnitTreeAndGrids1764140000000,
  CreateUsersSessionsTokensAndAuditLog1764140100000,
  CreateCasesPetitionsAndTheirEventChains1764140200000,
];

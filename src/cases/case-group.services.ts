import type { UnitDirectory } from '../units/unit-directory';
import type { EventLog } from '../workflows/event-log.repository';
import { CaseRepository } from './case.repository';
import type { CaseService } from './case.service';
import { CaseGroupRepository } from './case-group.repository';
import { CaseGroupService } from './case-group.service';
import { CaseGroupPanel } from './case-group.view-model';
import type { CaseViewCache } from './case-view-cache';
import type { CaseWorkflowService } from './case-workflow.service';
import type { OneForum } from './one-forum';

/** Group disputes (群体性纠纷, issue 21): the service and the case page's group panel, built once. */
export function buildCaseGroups(deps: {
  /** The app's data source, as the group and case repositories take it. */
  db: ConstructorParameters<typeof CaseGroupRepository>[0] & ConstructorParameters<typeof CaseRepository>[0];
  eventLog: EventLog;
  /** The units kept in memory, as the app's other case repository has them. */
  unitDirectory?: UnitDirectory;
  /** The cases last shown, kept in memory, which its writes mark as changing. */
  caseViews?: CaseViewCache;
  cases: CaseService;
  caseWorkflow: CaseWorkflowService;
  oneForum: OneForum;
}) {
  const caseGroups = new CaseGroupService({
    groups: new CaseGroupRepository(deps.db),
    cases: deps.cases,
    caseRepository: new CaseRepository(deps.db, deps.eventLog, deps.unitDirectory, deps.caseViews),
    workflow: deps.caseWorkflow,
    oneForum: deps.oneForum,
  });
  return { caseGroups, caseGroupPanel: new CaseGroupPanel(caseGroups) };
}

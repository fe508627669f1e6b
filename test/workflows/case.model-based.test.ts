import { disputeTypes, rulesFor } from '../../src/workflows/rules';
import { specifyCaseWorkflowFromModel } from './case-model-replay';

/**
 * Model-based tests of the case workflow (issue 4), for the four first-class dispute
 * types (征地, 房屋征收, 劳动争议, 医疗纠纷); the generic types are in
 * case.model-based.generic.test.ts. How the paths are made and replayed:
 * case-model.ts and case-model-replay.ts.
 */
const firstClassTypes = disputeTypes.filter((type) => rulesFor(type).firstClass);

describe.each(firstClassTypes)('the %s case workflow, from its model', specifyCaseWorkflowFromModel);

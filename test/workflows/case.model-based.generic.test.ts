import { disputeTypes, rulesFor } from '../../src/workflows/rules';
import { specifyCaseWorkflowFromModel } from './case-model-replay';

/**
 * Model-based tests of the case workflow (issue 4), for the generic dispute types
 * (邻里、婚姻家庭、物业、环境污染、消费、其他); the first-class ones are in
 * case.model-based.test.ts, and together the two files cover every type.
 */
const genericTypes = disputeTypes.filter((type) => !rulesFor(type).firstClass);

describe.each(genericTypes)('the %s case workflow, from its model', specifyCaseWorkflowFromModel);

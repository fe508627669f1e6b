import type { DataSource } from 'typeorm';
import type { Services } from '../../src/composition-root';
import { createUser } from './auth';
import { createCase, createDistrictTree } from './factories';
import { sendEvents } from './mail';

/**
 * A case in people's mediation at a new community workstation, its clock running: registered by
 * the workstation's mediator, submitted, accepted and assigned to her.
 */
export async function acceptedCase(services: Services, db: DataSource) {
  const tree = await createDistrictTree(db);
  const mediator = await createUser(db, { role: 'mediator', unitId: tree.community.id });
  const dispute = await createCase(services, mediator.id);
  await sendEvents(
    services,
    db,
    mediator.id,
    dispute.id,
    { type: 'SUBMIT' },
    { type: 'ACCEPT', track: 'people', level: 'community' },
    { type: 'ASSIGN', mediatorId: mediator.id },
  );
  return { dispute, mediator, tree };
}

import type { DataSource } from 'typeorm';
import type { Actor } from '../../src/access/actor';
import type { Case } from '../../src/cases/case.entity';
import type { CaseEventInput, RegisterCaseInput } from '../../src/cases/case.schemas';
import type { Services } from '../../src/composition-root';
import { createCase } from './factories';

type EventWithoutVersion = CaseEventInput extends infer E
  ? E extends unknown
    ? Omit<E, 'expectedVersion'>
    : never
  : never;

/** The account with this username (a demo account), as the policy sees them. */
export async function actorNamed(services: Services, db: DataSource, username: string): Promise<Actor> {
  const [row] = await db.query('SELECT id FROM users WHERE username = $1', [username]);
  const actor = row ? await services.actors.load(row.id) : null;
  if (!actor) throw new Error(`no user ${username}`);
  return actor;
}

/** Sends events to a case through the real write path, each with the case's current version. */
export async function send(
  services: Services,
  actor: Actor,
  row: Case,
  ...events: EventWithoutVersion[]
): Promise<Case> {
  let current = row;
  for (const event of events) {
    current = await services.caseWorkflow.apply(actor, current.id, {
      ...event,
      expectedVersion: current.version,
    } as CaseEventInput);
  }
  return current;
}

/** The states a test can ask a case to be in, and the events (from a fresh registration) that get it there. */
export const pathTo = {
  registered: [],
  screening: [{ type: 'SUBMIT' }],
  'mediation.awaitingMediator': [{ type: 'SUBMIT' }, { type: 'ACCEPT', track: 'people', level: 'community' }],
  'mediation.inProgress': [
    { type: 'SUBMIT' },
    { type: 'ACCEPT', track: 'people', level: 'community' },
    { type: 'ASSIGN', mediatorUsername: 'mediator' },
  ],
  'mediation.suspended': [
    { type: 'SUBMIT' },
    { type: 'ACCEPT', track: 'people', level: 'community' },
    { type: 'ASSIGN', mediatorUsername: 'mediator' },
    { type: 'SUSPEND', reason: 'appraisal' },
  ],
  'agreement.awaitingFulfilment': [
    { type: 'SUBMIT' },
    { type: 'ACCEPT', track: 'people', level: 'community' },
    { type: 'ASSIGN', mediatorUsername: 'mediator' },
    { type: 'REACH_AGREEMENT', form: 'written', terms: '被申请人于月底前赔偿维修费 3,000 元。' },
  ],
  closed: [{ type: 'SUBMIT' }, { type: 'DECLINE', reason: '不属于人民调解受理范围。' }],
} satisfies Record<string, EventWithoutVersion[]>;

/** A dispute registered by `actor` at their unit and brought to `state` by them. */
export async function caseInState(
  services: Services,
  actor: Actor,
  state: keyof typeof pathTo,
  fields: Partial<RegisterCaseInput> = {},
): Promise<Case> {
  const row = await createCase(services, actor.id, fields);
  return send(services, actor, row, ...(pathTo[state] as EventWithoutVersion[]));
}

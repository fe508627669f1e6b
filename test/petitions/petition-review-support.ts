import type { Express } from 'express';
import request from 'supertest';
import { apiToken, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import type { TestApp } from '../support/test-app';

/** One day on the test clock. */
export const oneDay = 24 * 60;

/**
 * A district tree with the people of a petition's levels: a supervisor at the community, the
 * street and the district, and an agent at the street. Calls go through the API with tokens.
 */
export async function reviewLevels(testApp: TestApp) {
  const tree = await createDistrictTree(testApp.db);
  const tokens: Record<string, string> = {};
  const usernames: Record<string, string> = {};
  const people = {
    communitySupervisor: tree.community.id,
    streetSupervisor: tree.street.id,
    districtSupervisor: tree.district.id,
  } as const;
  for (const [name, unitId] of Object.entries(people)) {
    usernames[name] = (await createUser(testApp.db, { role: 'supervisor', unitId })).username;
  }
  const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: tree.street.id });
  usernames.agent = agent.username;
  /** Signs everyone in (again, once the test clock has moved past their tokens' life). */
  const signIn = async () => {
    for (const [name, username] of Object.entries(usernames))
      tokens[name] = await apiToken(testApp.app, username);
  };
  await signIn();
  return { tree, usernames, api: { ...petitionApi(testApp.app, tokens), agentId: agent.id, signIn } };
}

export type Who = 'communitySupervisor' | 'streetSupervisor' | 'districtSupervisor' | 'agent';

function petitionApi(app: Express, tokens: Record<string, string>) {
  const as = (who: Who) => ({ Authorization: `Bearer ${tokens[who]}` });
  return {
    get: (who: Who, id: string) => request(app).get(`/api/v1/petitions/${id}`).set(as(who)),
    register: (who: Who, body: Record<string, unknown>) =>
      request(app).post('/api/v1/petitions').set(as(who)).send(body),
    /** Sends an event with the petition's current version. */
    async send(who: Who, id: string, event: Record<string, unknown>) {
      const current = await request(app).get(`/api/v1/petitions/${id}`).set(as('districtSupervisor'));
      return request(app)
        .post(`/api/v1/petitions/${id}/events`)
        .set(as(who))
        .send({ expectedVersion: current.body.version, ...event });
    },
  };
}

export type PetitionApi = ReturnType<typeof petitionApi> & { agentId: string; signIn(): Promise<void> };

/** A petition registered at `unitId`, accepted and replied to by `replier` (today). */
export async function repliedPetition(
  api: PetitionApi,
  unitId: string,
  replier: Who,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const registered = await api.register('districtSupervisor', {
    subject: '征收补偿款分配争议',
    content: '信访人对补偿款在家庭成员之间的分配有异议。',
    petitioners: [{ kind: 'person', name: '陈建国', idNumber: '310112196001191234' }],
    unitId,
    ...fields,
  });
  if (registered.status !== 201) throw new Error(`not registered: ${JSON.stringify(registered.body)}`);
  const id = registered.body.id as string;
  const assigned = await api.send('districtSupervisor', id, { type: 'ASSIGN_AGENT', agentId: api.agentId });
  if (assigned.status !== 200) throw new Error(`not assigned: ${JSON.stringify(assigned.body)}`);
  for (const event of [{ type: 'ACCEPT' }, { type: 'REPLY', opinion: '依据补偿协议分配，予以解释。' }]) {
    const answer = await api.send(replier, id, event);
    if (answer.status !== 200) throw new Error(`${event.type}: ${JSON.stringify(answer.body)}`);
  }
  return id;
}

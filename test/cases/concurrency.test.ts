import { apiToken, createUser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  type Answered,
  type ApiClient,
  type CaseTeam,
  type CaseView,
  createCaseTeam,
  type Member,
  openApiClient,
  registerCase,
} from './case-api';

/**
 * DOMAIN.md "The audit trail": two people acting on one case at once never lose an
 * update, and the loser gets a clear "this case changed, reload" answer. Here 32
 * clients, each signed in with its own bearer token, send conflicting events to one
 * case at the same expected version, over real HTTP connections to the app, round
 * after round.
 */

const clientCount = 32;
const rounds = 10;

interface Answer {
  client: number;
  status: number;
  body: Answered<CaseView>;
}

describe('32 clients sending conflicting events to one case at once', () => {
  let testApp: TestApp;
  let team: CaseTeam;
  let clients: Member[];
  let api: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createCaseTeam(testApp);
    clients = [];
    for (let index = 0; index < clientCount; index++) {
      const user = await createUser(testApp.db, { role: 'mediator', unitId: team.units.community.id });
      clients.push({ user, token: await apiToken(testApp.app, user.username) });
    }
    api = await openApiClient(testApp);
  });
  afterAll(async () => {
    await api.close();
    await testApp.close();
  });

  const call = <T = CaseView>(who: Member, method: 'GET' | 'POST', path: string, body?: unknown) =>
    api.call<T>(who, method, path, body);

  /** What client `index` sends when the case is in `state`: each client its own event, all conflicting. */
  function eventOf(index: number, state: string): Record<string, unknown> {
    const takeTheCase = { type: 'ASSIGN', mediatorUsername: clients[index].user.username };
    switch (state) {
      case 'registered':
        return { type: 'SUBMIT' };
      case 'screening':
        return { type: 'ACCEPT', track: 'people', level: 'community' };
      case 'mediation.awaitingMediator':
        return takeTheCase;
      case 'mediation.inProgress':
        return [
          takeTheCase,
          {
            type: 'LOG_SESSION',
            kind: 'session',
            heldAt: '2026-11-20T10:00:00+08:00',
            minutes: `第${index + 1}号调解员记录的调解过程。`,
          },
          { type: 'SUSPEND', reason: 'appraisal', note: `第${index + 1}号调解员申请鉴定。` },
        ][index % 3];
      case 'mediation.suspended':
        return index % 2 === 0 ? { type: 'RESUME' } : takeTheCase;
      default:
        throw new Error(`no conflicting events planned for ${state}`);
    }
  }

  it('when they all send at the same expected version, round after round, then exactly one wins each round, the others are told the case changed, no update is lost, and the chain never reads as broken', async () => {
    const registered = await registerCase(testApp, team.mediators.community);
    expect(registered.status).toBe(201);
    const caseId: string = registered.body.id;
    let current = registered.body as CaseView;
    const winners: Array<{ client: number; event: Record<string, unknown> }> = [];

    for (let round = 1; round <= rounds; round++) {
      const events = clients.map((_, index) => eventOf(index, current.state));
      const [answers, verifications] = await Promise.all([
        Promise.all(
          clients.map(
            async (client, index): Promise<Answer> => ({
              client: index,
              ...(await call(client, 'POST', `/api/v1/cases/${caseId}/events`, {
                expectedVersion: current.version,
                ...events[index],
              })),
            }),
          ),
        ),
        // a supervisor checking the chain meanwhile sees it before or after the winner's event, never torn
        Promise.all(
          [1, 2, 3, 4].map(() =>
            call<{ valid: boolean; events: number }>(
              team.supervisor,
              'GET',
              `/api/v1/cases/${caseId}/verify`,
            ),
          ),
        ),
      ]);
      for (const verification of verifications) {
        expect(verification.body.valid).toBe(true);
        expect([current.version + 1, current.version + 2]).toContain(verification.body.events);
      }

      const won = answers.filter((answer) => answer.status === 200);
      const lost = answers.filter((answer) => answer.status !== 200);
      expect({ round, wins: won.length }).toEqual({ round, wins: 1 });
      expect(lost.map((answer) => [answer.status, answer.body.error?.code])).toEqual(
        lost.map(() => [409, 'stale_version']),
      );
      const [winner] = won;
      expect(winner.body.version).toBe(current.version + 1);
      winners.push({ client: winner.client, event: events[winner.client] });

      // the case is what the winner made it, and nothing else
      const reloaded = await call(team.supervisor, 'GET', `/api/v1/cases/${caseId}`);
      expect(reloaded.body).toMatchObject({ version: winner.body.version, state: winner.body.state });
      if (events[winner.client].type === 'ASSIGN') {
        expect(reloaded.body.mediator?.id).toBe(clients[winner.client].user.id);
      }
      current = reloaded.body;
    }

    const timeline = await call<{ items: Array<{ seq: number; type: string; actor: { id: string } }> }>(
      team.supervisor,
      'GET',
      `/api/v1/cases/${caseId}/events`,
    );
    const { items } = timeline.body;
    expect(items).toHaveLength(1 + winners.length);
    expect(items.map((item) => item.seq)).toEqual(items.map((_, index) => index + 1));
    expect(items.slice(1).map((item) => [item.type, item.actor.id])).toEqual(
      winners.map(({ client, event }) => [event.type, clients[client].user.id]),
    );
    const [stored] = await testApp.db.query(
      'SELECT count(*)::int AS events, count(DISTINCT seq)::int AS seqs FROM case_events WHERE case_id = $1',
      [caseId],
    );
    expect(stored).toEqual({ events: 1 + rounds, seqs: 1 + rounds });

    const verification = await call(team.supervisor, 'GET', `/api/v1/cases/${caseId}/verify`);
    expect(verification.body).toEqual({ valid: true, events: 1 + rounds });
    expect(current.version).toBe(winners.length);
  });
});

import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { UnitRepository } from '../../src/units/unit.repository';
import { apiToken, Browser, createUser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 20 item 4 for petitions (信访): petitioners identified as parties are — a resident ID
 * with its GB 11643 check digit, an organisation's 统一社会信用代码 (GB 32100), a mobile or
 * landline — and the petitions' list finds a petition by a whole number, never by a part, and
 * only among the petitions the user may see.
 */

let testApp: TestApp;
const tokens: Record<string, string> = {};
let otherAgentToken: string;
let xinzhuangId: string;

beforeAll(async () => {
  testApp = await startTestApp({ demoMode: true }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
  await seedDemoOrganisation(testApp.db);
  for (const username of ['agent', 'supervisor.street', 'supervisor'])
    tokens[username] = await apiToken(testApp.app, username, demoPassword);
  xinzhuangId = (await new UnitRepository(testApp.db).findByCode('MH-XZ'))?.id as string;
  const otherAgent = await createUser(testApp.db, { role: 'petition_agent', unitId: xinzhuangId });
  otherAgentToken = await apiToken(testApp.app, otherAgent.username);
});
afterAll(() => testApp.close());

const as = (token: string) => ({ Authorization: `Bearer ${token}` });
const registerPetition = (petitioners: Array<Record<string, unknown>>) =>
  request(testApp.app).post('/api/v1/petitions').set(as(tokens.agent)).send({
    subject: '小区停车位收费争议',
    content: '业主反映物业擅自上调停车费。',
    petitioners,
    receivedOn: '2026-12-01',
  });
const searchPetitions = (q: string, token = tokens.agent) =>
  request(testApp.app).get('/api/v1/petitions').query({ q }).set(as(token));

describe('petitioners identified by kind (GB 11643, GB 32100)', () => {
  it('GB 11643-1999: a petitioner’s ID with a wrong check digit is refused naming petitioners.0.idNumber', async () => {
    const refused = await registerPetition([
      { kind: 'person', name: '孙立', idNumber: '310112199001011234' },
    ]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({
        field: 'petitioners.0.idNumber',
        message: expect.stringContaining('校验位'),
      }),
    ]);
  });

  it('GB 32100-2015: an organisation petitioning with a valid credit code registers; a 10-digit mobile is refused', async () => {
    const organisation = await registerPetition([
      { kind: 'organisation', name: '某业主委员会', idNumber: '12310000425003456M', phone: '021-64001234' },
    ]);
    expect(organisation.status).toBe(201);

    const shortMobile = await registerPetition([{ kind: 'person', name: '孙立', phone: '1390000111' }]);
    expect(shortMobile.status).toBe(400);
    expect(shortMobile.body.error.details[0]).toMatchObject({ field: 'petitioners.0.phone' });
  });
});

describe('finding petitions by a whole ID or phone number (keyed hash, exact)', () => {
  const petitionerId = '310101199001011234';
  let petitionId: string;

  beforeAll(async () => {
    const registered = await registerPetition([
      { kind: 'person', name: '吴德明', idNumber: petitionerId, phone: '139 0000 1111' },
    ]);
    expect(registered.status).toBe(201);
    petitionId = registered.body.id;
  });

  const idsOf = (response: request.Response) => response.body.items.map((item: { id: string }) => item.id);

  it('GB 11643-1999: the full ID finds the petition; its first 10 or 17 digits find nothing', async () => {
    expect(idsOf(await searchPetitions(petitionerId))).toEqual([petitionId]);
    for (const part of [petitionerId.slice(0, 10), petitionerId.slice(0, 17)])
      expect((await searchPetitions(part)).body).toMatchObject({ items: [], total: 0 });
  });

  it('the phone number, typed with +86 and hyphens, finds the petition', async () => {
    expect(idsOf(await searchPetitions('+86-139-0000-1111'))).toEqual([petitionId]);
  });

  it('a supervisor over the street finds it; another agent, who does not follow it, finds nothing', async () => {
    expect(idsOf(await searchPetitions(petitionerId, tokens['supervisor.street']))).toEqual([petitionId]);
    const outsider = await searchPetitions(petitionerId, otherAgentToken);
    expect(outsider.status).toBe(200);
    expect(outsider.body).toMatchObject({ items: [], total: 0 });
  });

  it('the registration form keeps a petitioner’s ID typed with x for the phone keypad, and names the field when it is wrong', async () => {
    // an agent of our own: the demo accounts' passwords were set after the test's pinned clock
    const user = await createUser(testApp.db, { role: 'petition_agent', unitId: xinzhuangId });
    const agent = new Browser(testApp.app);
    await agent.signIn(user.username);
    const form = await agent.get('/petitions/new');
    expect(form.text).toMatch(/name="petitionerIdNumber"[^>]*inputmode="text"/);
    expect(form.text).toMatch(/name="petitionerPhone"[^>]*inputmode="tel"/);

    const refused = await agent.post('/petitions', {
      subject: '噪声扰民',
      content: '夜间施工噪声。',
      petitionerName: '钱小芳',
      petitionerIdNumber: '31011219900101123x',
      petitionerPhone: '13900001111',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('value="31011219900101123x"');
    expect(refused.text).toContain('身份证号校验位不符');
  });
});

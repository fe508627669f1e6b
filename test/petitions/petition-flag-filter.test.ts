import request from 'supertest';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { UnitRepository } from '../../src/units/unit.repository';
import { apiToken, Browser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 21: petitions are filtered by their flags — 重复信访 (repeat), 集体访 (group, 信访工作条例
 * §20: five people or more), 越级访 (skipLevel) — in the API and on the list page.
 */
describe('petitions filtered by their flags (信访工作条例 第二十条: group petitions of five or more)', () => {
  let testApp: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<'plain' | 'group' | 'repeat' | 'skipLevel', string> = {
    plain: '',
    group: '',
    repeat: '',
    skipLevel: '',
  };

  beforeAll(async () => {
    testApp = await startTestApp({ demoMode: true }, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    await seedDemoOrganisation(testApp.db);
    await testApp.db.query(`UPDATE users SET password_changed_at = '2020-01-01T00:00:00Z'`);
    for (const username of ['agent', 'supervisor']) {
      tokens[username] = await apiToken(testApp.app, username, demoPassword);
    }
    const units = new UnitRepository(testApp.db);
    const district = (await units.findByCode('MH'))?.id as string;
    const xinsong = (await units.findByCode('MH-XZ-XS'))?.id as string;
    const register = async (username: string, fields: Record<string, unknown>) => {
      const response = await request(testApp.app)
        .post('/api/v1/petitions')
        .set({ Authorization: `Bearer ${tokens[username]}` })
        .send({ content: '信访人反映的具体情况。', receivedOn: '2026-12-01', ...fields });
      expect(response.status).toBe(201);
      return response.body as { id: string; flags: Record<string, boolean> };
    };
    ids.plain = (
      await register('agent', {
        subject: '单独来访：路灯损坏',
        petitioners: [{ kind: 'person', name: '孙立新', idNumber: '310101199001011234' }],
      })
    ).id;
    const group = await register('agent', {
      subject: '集体访：小区停车收费',
      petitioners: [{ kind: 'person', name: '周海燕', idNumber: '310112199001011233' }],
      groupSize: 8,
    });
    expect(group.flags.group).toBe(true);
    ids.group = group.id;
    const repeat = await register('agent', {
      subject: '重复来访：路灯仍未修复',
      petitioners: [{ kind: 'person', name: '孙立新', idNumber: '310101199001011234' }],
    });
    expect(repeat.flags.repeat).toBe(true);
    ids.repeat = repeat.id;
    const skipping = await register('supervisor', {
      subject: '越级访：居委会调解不力',
      petitioners: [{ kind: 'person', name: '钱志强', idNumber: '310112198503152015' }],
      unitId: district,
      localUnitId: xinsong,
    });
    expect(skipping.flags.skipLevel).toBe(true);
    ids.skipLevel = skipping.id;
  });
  afterAll(() => testApp.close());

  const listed = async (flag: string) => {
    const response = await request(testApp.app)
      .get(`/api/v1/petitions?flag=${flag}&pageSize=200`)
      .set({ Authorization: `Bearer ${tokens.supervisor}` });
    expect(response.status).toBe(200);
    return response.body.items.map((item: { id: string }) => item.id) as string[];
  };

  it('when GET /petitions?flag=group, ?flag=repeat or ?flag=skipLevel, then only petitions with that flag come back', async () => {
    const group = await listed('group');
    const repeat = await listed('repeat');
    const skipLevel = await listed('skipLevel');

    expect(group).toContain(ids.group);
    expect(group).not.toContain(ids.plain);
    expect(group).not.toContain(ids.repeat);
    expect(repeat).toContain(ids.repeat);
    expect(repeat).not.toContain(ids.plain);
    expect(repeat).not.toContain(ids.group);
    expect(skipLevel).toEqual([ids.skipLevel]);
  });

  it('when the flag is not one of the three, then 400 names the field flag', async () => {
    const response = await request(testApp.app)
      .get('/api/v1/petitions?flag=urgent')
      .set({ Authorization: `Bearer ${tokens.supervisor}` });

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('flag');
  });

  it('when the supervisor opens the 集体访 tab of the list page, then it is marked current and lists only group petitions', async () => {
    const supervisor = new Browser(testApp.app);
    await supervisor.signIn('supervisor', demoPassword);

    const all = await supervisor.get('/petitions');
    const page = await supervisor.get('/petitions?flag=group');

    expect(all.text).toContain('href="/petitions?flag=group"');
    expect(all.text).toContain('href="/petitions?flag=repeat"');
    expect(all.text).toContain('href="/petitions?flag=skipLevel"');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<a href="\/petitions\?flag=group" aria-current="page">/);
    expect(page.text).toContain('集体访：小区停车收费');
    expect(page.text).not.toContain('单独来访：路灯损坏');
    expect(page.text).not.toContain('重复来访：路灯仍未修复');
  });
});

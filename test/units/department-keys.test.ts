import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { UnitRepository } from '../../src/units/unit.repository';
import { apiToken, Browser, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Issue 16: a department says which administrative body it is (the rules' `departmentKey`),
 * so that the health bureau's period to accept (医疗纠纷预防和处理条例 §40) runs there and
 * nowhere else. Admins set it; the unit API shows it.
 */
describe('departments keyed by the administrative body they are', () => {
  let testApp: TestApp;
  let tree: Awaited<ReturnType<typeof createDistrictTree>>;
  let admin: Browser;
  let adminId: string;

  beforeAll(async () => {
    testApp = await startTestApp();
    tree = await createDistrictTree(testApp.db);
    const user = await createUser(testApp.db, { role: 'admin', unitId: tree.district.id });
    adminId = user.id;
    admin = new Browser(testApp.app);
    await admin.signIn(user.username);
  });
  afterAll(() => testApp.close());

  it('when an admin creates a department as the health commission, then it carries the key `health`, shown by GET /api/v1/units; changing it is audited', async () => {
    await admin.get('/admin/units/new');
    const created = await admin.post('/admin/units', {
      parentId: tree.district.id,
      kind: 'department',
      code: 'WJW-T1',
      nameZh: '区卫健委',
      nameEn: 'Health commission',
      departmentKey: 'health',
    });
    expect(created.status).toBe(303);
    const unit = await new UnitRepository(testApp.db).findByCode('WJW-T1');
    expect(unit).toMatchObject({ kind: 'department', departmentKey: 'health' });

    const token = await apiToken(
      testApp.app,
      (await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id })).username,
    );
    const listed = await request(testApp.app).get('/api/v1/units').set('Authorization', `Bearer ${token}`);
    expect(listed.body.items.find((item: { id: string }) => item.id === unit?.id)).toMatchObject({
      departmentKey: 'health',
    });
    expect(listed.body.items.find((item: { id: string }) => item.id === tree.community.id)).toMatchObject({
      departmentKey: null,
    });

    const edit = await admin.get(`/admin/units/${unit?.id}`);
    expect(edit.text).toContain('name="departmentKey"');
    const changed = await admin.post(`/admin/units/${unit?.id}`, {
      nameZh: '区卫健委',
      nameEn: 'Health commission',
      parentId: tree.district.id,
      departmentKey: 'human_resources',
    });
    expect(changed.status).toBe(303);
    expect(await new UnitRepository(testApp.db).findByCode('WJW-T1')).toMatchObject({
      departmentKey: 'human_resources',
    });
    const audited = await testApp.db
      .getRepository(AuditEntry)
      .findOne({ where: { actorId: adminId }, order: { id: 'DESC' } });
    expect(audited).toMatchObject({
      action: 'unit.body_changed',
      details: { changed: { departmentKey: { from: 'health', to: 'human_resources' } } },
    });
  });

  it('when a key is given to a unit that is not a department, then the form says so next to the field (422) and nothing is saved', async () => {
    await admin.get('/admin/units/new');
    const refused = await admin.post('/admin/units', {
      parentId: tree.street.id,
      kind: 'community',
      code: 'WS-KEYED',
      nameZh: '工作站',
      nameEn: 'Workstation',
      departmentKey: 'health',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="error-departmentKey"[^>]*>只有行政机关单位才有所属行政机关类别/);
    expect(await new UnitRepository(testApp.db).findByCode('WS-KEYED')).toBeNull();
  });
});

import request from 'supertest';
import { AuditEntry } from '../../src/audit/audit-entry.entity';
import { UnitRepository } from '../../src/units/unit.repository';
import { apiToken, Browser, createUser } from '../support/auth';
import { createDistrictTree } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

describe('managing units (admin pages)', () => {
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

  const lastAudit = () =>
    testApp.db.getRepository(AuditEntry).findOne({ where: { actorId: adminId }, order: { id: 'DESC' } });

  it('lists the admin’s subtree as a tree', async () => {
    const page = await admin.get('/admin/units');
    expect(page.status).toBe(200);
    expect(page.text).toContain(tree.street.code);
    expect(page.text).toContain(tree.community.code);
  });

  it('creates a community workstation under a street, audited', async () => {
    await admin.get('/admin/units/new');
    const created = await admin.post('/admin/units', {
      parentId: tree.street.id,
      kind: 'community',
      code: 'new-ws-1',
      nameZh: '新建工作站',
      nameEn: 'New workstation',
    });
    expect(created.status).toBe(303);
    const unit = await new UnitRepository(testApp.db).findByCode('NEW-WS-1');
    expect(unit).toMatchObject({ kind: 'community', parentId: tree.street.id, nameZh: '新建工作站' });
    expect(await lastAudit()).toMatchObject({ action: 'unit.created', targetId: unit?.id });
  });

  it('refuses a community directly under the district, with the message next to the field and the input kept', async () => {
    await admin.get('/admin/units/new');
    const refused = await admin.post('/admin/units', {
      parentId: tree.district.id,
      kind: 'community',
      code: 'BAD-1',
      nameZh: '错位工作站',
      nameEn: 'Misplaced',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="error-parentId"[^>]*>该类型的单位不能放在所选上级单位之下/);
    expect(refused.text).toContain('value="错位工作站"');
    expect(await new UnitRepository(testApp.db).findByCode('BAD-1')).toBeNull();
  });

  it('a missing name is a 400 naming the field, in the admin’s language', async () => {
    await admin.get('/admin/units/new');
    const refused = await admin
      .post('/admin/units', {
        parentId: tree.street.id,
        kind: 'community',
        code: 'X-2',
        nameZh: '',
        nameEn: 'x',
      })
      .set('Accept-Language', 'zh-CN');
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/id="error-nameZh"[^>]*>必填/);
  });

  it('renames and moves a community (its subtree follows), each audited', async () => {
    const moving = await createDistrictTree(testApp.db).then(() => tree.neighbour);
    await admin.get(`/admin/units/${moving.id}`);
    const saved = await admin.post(`/admin/units/${moving.id}`, {
      nameZh: '改名工作站',
      nameEn: 'Renamed workstation',
      parentId: tree.otherStreet.id,
    });
    expect(saved.status).toBe(303);
    const units = new UnitRepository(testApp.db);
    expect(await units.findById(moving.id)).toMatchObject({
      nameZh: '改名工作站',
      parentId: tree.otherStreet.id,
    });
    await expect(units.isWithin(moving.id, tree.otherStreet.id)).resolves.toBe(true);
    expect(await lastAudit()).toMatchObject({ action: 'unit.moved' });
  });

  it('refuses to deactivate a unit that still has active users, then deactivates it once empty', async () => {
    const unit = tree.farCommunity;
    const user = await createUser(testApp.db, { role: 'mediator', unitId: unit.id });
    await admin.get(`/admin/units/${unit.id}`);
    const refused = await admin.post(`/admin/units/${unit.id}/active`, { active: 'false' });
    expect(refused.status).toBe(422);

    await admin.get(`/admin/users/${user.id}`);
    expect((await admin.post(`/admin/users/${user.id}/active`, { active: 'false' })).status).toBe(303);
    await admin.get(`/admin/units/${unit.id}`);
    expect((await admin.post(`/admin/units/${unit.id}/active`, { active: 'false' })).status).toBe(303);
    expect((await new UnitRepository(testApp.db).findById(unit.id))?.active).toBe(false);
    expect(await lastAudit()).toMatchObject({ action: 'unit.deactivated', targetId: unit.id });
  });

  it('GET /api/v1/units gives the caller’s district, not another one', async () => {
    const other = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const token = await apiToken(testApp.app, mediator.username);
    const response = await request(testApp.app).get('/api/v1/units').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    const ids = response.body.items.map((unit: { id: string }) => unit.id);
    expect(ids).toEqual(expect.arrayContaining([tree.district.id, tree.street.id, tree.department.id]));
    expect(ids).not.toContain(other.district.id);
    expect(response.body.items.find((unit: { id: string }) => unit.id === tree.street.id)).toMatchObject({
      kind: 'street',
      level: 'street',
      parentId: tree.district.id,
      name: tree.street.nameZh,
    });
  });

  it('a unit’s public contact phone (联系电话) must be a mobile or a landline with its area code: a number without one is a 400 naming the field, the input kept', async () => {
    await admin.get('/admin/units/new');
    const refused = await admin
      .post('/admin/units', {
        parentId: tree.street.id,
        kind: 'community',
        code: 'PHONE-1',
        nameZh: '电话工作站',
        nameEn: 'Phone workstation',
        phone: '64123456',
      })
      .set('Accept-Language', 'zh-CN');
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/id="error-phone"[^>]*>电话号码格式不正确：[^<]*固定电话须带区号/);
    expect(refused.text).toContain('value="64123456"');
    expect(await new UnitRepository(testApp.db).findByCode('PHONE-1')).toBeNull();

    await admin.get('/admin/units/new');
    const tooShort = await admin.post('/admin/units', {
      parentId: tree.street.id,
      kind: 'community',
      code: 'PHONE-1',
      nameZh: '电话工作站',
      nameEn: 'Phone workstation',
      phone: '1381234567',
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.text).toMatch(/id="error-phone"[^>]*>手机号应为 11 位/);
  });

  it('the phone is kept as one number however typed, shown as written (021-64123456) on the form and in GET /api/v1/units; changed and cleared, each audited', async () => {
    await admin.get('/admin/units/new');
    const created = await admin.post('/admin/units', {
      parentId: tree.street.id,
      kind: 'community',
      code: 'PHONE-2',
      nameZh: '有电话的工作站',
      nameEn: 'Workstation with a phone',
      phone: '(021) 6412 3456',
    });
    expect(created.status).toBe(303);
    const units = new UnitRepository(testApp.db);
    const unit = await units.findByCode('PHONE-2');
    expect(unit?.phone).toBe('02164123456');
    const id = unit?.id as string;
    expect((await admin.get(`/admin/units/${id}`)).text).toContain('value="021-64123456"');

    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const token = await apiToken(testApp.app, mediator.username);
    const listed = await request(testApp.app).get('/api/v1/units').set('Authorization', `Bearer ${token}`);
    const items = listed.body.items as Array<{ id: string; phone: string | null }>;
    expect(items.find((item) => item.id === id)?.phone).toBe('021-64123456');
    expect(items.find((item) => item.id === tree.street.id)?.phone).toBeNull();

    await admin.get(`/admin/units/${id}`);
    const changed = await admin.post(`/admin/units/${id}`, {
      nameZh: '有电话的工作站',
      nameEn: 'Workstation with a phone',
      parentId: tree.street.id,
      phone: '021-64123456 转 8001',
    });
    expect(changed.status).toBe(303);
    expect((await units.findById(id))?.phone).toBe('02164123456-8001');
    expect(await lastAudit()).toMatchObject({
      action: 'unit.phone_changed',
      targetId: id,
      details: { changed: { phone: { from: '02164123456', to: '02164123456-8001' } } },
    });

    await admin.get(`/admin/units/${id}`);
    const cleared = await admin.post(`/admin/units/${id}`, {
      nameZh: '有电话的工作站',
      nameEn: 'Workstation with a phone',
      parentId: tree.street.id,
      phone: '',
    });
    expect(cleared.status).toBe(303);
    expect((await units.findById(id))?.phone).toBeNull();
    expect(await lastAudit()).toMatchObject({ action: 'unit.phone_changed', targetId: id });
  });
});

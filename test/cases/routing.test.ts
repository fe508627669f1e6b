import request from 'supertest';
import type { Unit } from '../../src/units/unit.entity';
import { apiToken, Browser, createUser } from '../support/auth';
import { createUnit } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  bearer,
  type CaseTeam,
  type CaseView,
  createCaseTeam,
  type Member,
  registerCase,
  sendEvent,
  sendEvents,
} from './case-api';

/**
 * Issue 19 item 5 through the API on PostgreSQL: the right body for each step. The
 * administrative track goes to the type's competent body (its rules' administrativeBody), or
 * elsewhere only with a reason, audited; a unit accepts at its own level; a transfer is named
 * by what it is (委派调解, 委托调解, 移送); days of fact are not after today. The clock starts on
 * a fixed day (2026-12-03, 10:00 Shanghai), so "today" and "tomorrow" are known.
 */

const startAt = new Date('2026-12-03T10:00:00+08:00');

interface Scene {
  testApp: TestApp;
  team: CaseTeam;
  /** 区卫生健康委员会 (卫健委, `health`) and 区人力资源和社会保障局 (人社局, `human_resources`). */
  health: Unit;
  labourBureau: Unit;
  labourMediator: Member;
}

let scene: Scene;

beforeAll(async () => {
  const testApp = await startTestApp({}, { startAt });
  const team = await createCaseTeam(testApp);
  const under = { kind: 'department' as const, parentId: team.units.district.id };
  const health = await createUnit(testApp.db, {
    ...under,
    departmentKey: 'health',
    nameZh: '区卫生健康委员会',
    nameEn: 'District Health Commission',
  });
  const labourBureau = await createUnit(testApp.db, {
    ...under,
    departmentKey: 'human_resources',
    nameZh: '区人力资源和社会保障局',
    nameEn: 'District Human Resources and Social Security Bureau',
  });
  const user = await createUser(testApp.db, { role: 'mediator', unitId: labourBureau.id });
  const labourMediator = { user, token: await apiToken(testApp.app, user.username) };
  scene = { testApp, team, health, labourBureau, labourMediator };
  // the accounts were made by the machine's clock, which may be past the test's: a session
  // signed in on the test's clock would look older than the password (and be refused)
  await testApp.db.query('UPDATE users SET password_changed_at = $1 WHERE password_changed_at > $1', [
    new Date(startAt.getTime() - 60_000),
  ]);
});
afterAll(async () => {
  await scene.testApp.close();
});

/** A case of `type` registered at the community and accepted there on the people's track, a mediator assigned. */
async function inPeoplesMediation(type: string): Promise<CaseView> {
  const { testApp, team } = scene;
  const registered = await registerCase(testApp, team.mediators.community, { type });
  expect(registered.status).toBe(201);
  return sendEvents(testApp, registered.body.id, 0, [
    [team.mediators.community, { type: 'SUBMIT' }],
    [team.mediators.community, { type: 'ACCEPT', track: 'people', level: 'community' }],
    [team.mediators.community, { type: 'ASSIGN', mediatorUsername: team.mediators.community.user.username }],
  ]);
}

async function screened(type: string): Promise<CaseView> {
  const { testApp, team } = scene;
  const registered = await registerCase(testApp, team.mediators.community, { type });
  expect(registered.status).toBe(201);
  return sendEvents(testApp, registered.body.id, 0, [[team.mediators.community, { type: 'SUBMIT' }]]);
}

async function auditEntriesOf(caseId: string) {
  return scene.testApp.db.query(
    `SELECT action, details FROM audit_log WHERE target_type = 'case' AND target_id = $1 AND action = 'case.department_override'`,
    [caseId],
  );
}

describe('the type’s competent administrative body (rules/<type>.ts administrativeBody; 劳动争议调解仲裁法, 医疗纠纷预防和处理条例 第四十条)', () => {
  it('when a labour case is transferred to 区卫生健康委员会, then 422 names unitId and the competent body (人力资源和社会保障局), in Chinese and English, and nothing is written', async () => {
    const { testApp, team, health } = scene;
    const running = await inPeoplesMediation('labour');
    const transfer = {
      type: 'TRANSFER',
      toTrack: 'administrative',
      unitId: health.id,
      reason: '劳动者要求转行政机关处理。',
    };

    const refused = await sendEvent(testApp, team.mediators.community, running.id, running.version, transfer);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('not_competent_body');
    expect(refused.body.error.message).toContain('劳动争议的主管机关是 人力资源和社会保障局');
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ field: 'unitId', message: expect.stringContaining('劳动争议的主管机关是') }),
    ]);
    const inEnglish = await request(testApp.app)
      .post(`/api/v1/cases/${running.id}/events`)
      .set(bearer(team.mediators.community))
      .set('Accept-Language', 'en')
      .send({ expectedVersion: running.version, ...transfer });
    expect(inEnglish.status).toBe(422);
    expect(inEnglish.body.error.details[0]).toMatchObject({ field: 'unitId' });
    expect(inEnglish.body.error.details[0].message).toContain(
      'competent body for Labour dispute is the Human Resources and Social Security Bureau',
    );

    const after = await request(testApp.app)
      .get(`/api/v1/cases/${running.id}`)
      .set(bearer(team.mediators.community));
    expect(after.body).toMatchObject({
      version: running.version,
      track: 'people',
      state: 'mediation.inProgress',
    });
    expect(await auditEntriesOf(running.id)).toEqual([]);
  });

  it('when a labour case is transferred to the 人社局, then it goes without a reason, named 移送, and nothing is audited', async () => {
    const { testApp, team, labourBureau } = scene;
    const running = await inPeoplesMediation('labour');
    const moved = await sendEvent(testApp, team.mediators.community, running.id, running.version, {
      type: 'TRANSFER',
      toTrack: 'administrative',
      unitId: labourBureau.id,
      reason: '劳动者申请人社局调解。',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ track: 'administrative', holdingUnit: { id: labourBureau.id } });
    const events = await request(testApp.app)
      .get(`/api/v1/cases/${running.id}/events`)
      .set(bearer(team.supervisor));
    const transfer = events.body.items.find((event: { type: string }) => event.type === 'TRANSFER');
    expect(transfer.payload).toMatchObject({ transferKind: 'referred' });
    expect(transfer.payload).not.toHaveProperty('departmentOverrideReason');
    expect(await auditEntriesOf(running.id)).toEqual([]);
  });

  it('when another department is chosen with a reason, then the event keeps the reason and the audit log records the override', async () => {
    const { testApp, team, health } = scene;
    const running = await inPeoplesMediation('labour');
    const reason = '争议实为职业病诊断引起的医疗费用，卫健委已组织联合调解。';
    const moved = await sendEvent(testApp, team.mediators.community, running.id, running.version, {
      type: 'TRANSFER',
      toTrack: 'administrative',
      unitId: health.id,
      reason: '联合调解。',
      departmentOverrideReason: reason,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.holdingUnit?.id).toBe(health.id);
    const events = await request(testApp.app)
      .get(`/api/v1/cases/${running.id}/events`)
      .set(bearer(team.supervisor));
    const transfer = events.body.items.find((event: { type: string }) => event.type === 'TRANSFER');
    expect(transfer.payload).toMatchObject({ departmentOverrideReason: reason, unitId: health.id });
    expect(await auditEntriesOf(running.id)).toEqual([
      {
        action: 'case.department_override',
        details: {
          event: 'TRANSFER',
          unitId: health.id,
          competentBody: expect.stringContaining('人力资源和社会保障局'),
          reason,
        },
      },
    ]);
  });

  it('when a medical case is accepted at screening onto the administrative track, then only the 卫健委 takes it without a reason; a generic type takes any department', async () => {
    const { testApp, team, health, labourBureau } = scene;
    const medical = await screened('medical');
    const wrong = await sendEvent(testApp, team.mediators.community, medical.id, medical.version, {
      type: 'ACCEPT',
      track: 'administrative',
      unitId: labourBureau.id,
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details).toEqual([expect.objectContaining({ field: 'unitId' })]);
    expect(wrong.body.error.message).toContain('医疗纠纷的主管机关是 卫生健康委员会');
    const right = await sendEvent(testApp, team.mediators.community, medical.id, medical.version, {
      type: 'ACCEPT',
      track: 'administrative',
      unitId: health.id,
    });
    expect(right.status).toBe(200);

    // 邻里纠纷: no body named by the rules (configurable), so any department
    const neighbours = await screened('neighbourhood');
    const anyDepartment = await sendEvent(
      testApp,
      team.mediators.community,
      neighbours.id,
      neighbours.version,
      {
        type: 'ACCEPT',
        track: 'administrative',
        unitId: labourBureau.id,
      },
    );
    expect(anyDepartment.status).toBe(200);
    expect(await auditEntriesOf(neighbours.id)).toEqual([]);
  });

  it('when a labour case’s page offers the transfer, then the 人社局 comes first and the other departments under their own group, with the field for the reason', async () => {
    const { testApp, team, labourBureau, health } = scene;
    const running = await inPeoplesMediation('labour');
    const browser = new Browser(testApp.app);
    await browser.signIn(team.mediators.community.user.username);
    const page = await browser.get(`/cases/${running.id}`);
    expect(page.status).toBe(200);
    const form = page.text.slice(page.text.indexOf('id="TRANSFER-administrative-unitId"'));
    const select = form.slice(0, form.indexOf('</select>'));
    const competentAt = select.indexOf(`value="${labourBureau.id}"`);
    const groupAt = select.indexOf('<optgroup label="其他部门">');
    expect(competentAt).toBeGreaterThan(0);
    expect(groupAt).toBeGreaterThan(competentAt);
    expect(select.indexOf(`value="${health.id}"`)).toBeGreaterThan(groupAt);
    expect(page.text).toContain('name="departmentOverrideReason"');
  });
});

describe('a unit accepts at its own level (moving up is an ESCALATE, which a supervisor reviews)', () => {
  it('when a community workstation accepts at the street or district level, then 422 names the level and nothing is written; at its own level it accepts', async () => {
    const { testApp, team } = scene;
    const waiting = await screened('neighbourhood');
    for (const level of ['street', 'district']) {
      const refused = await sendEvent(testApp, team.mediators.community, waiting.id, waiting.version, {
        type: 'ACCEPT',
        track: 'people',
        level,
      });
      expect({ level, status: refused.status, code: refused.body.error?.code }).toEqual({
        level,
        status: 422,
        code: 'accept_own_level_only',
      });
      expect(refused.body.error.details).toEqual([
        expect.objectContaining({ field: 'level', message: expect.stringContaining('居村级') }),
      ]);
    }
    const accepted = await sendEvent(testApp, team.mediators.community, waiting.id, waiting.version, {
      type: 'ACCEPT',
      track: 'people',
      level: 'community',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ level: 'community', holdingUnit: { id: team.units.community.id } });
  });
  it('when a department screening a case accepts it for people’s mediation, then 422 names the track and nothing moves to the district centre unrecorded; its page offers its own track only, and it accepts there', async () => {
    const { testApp, labourBureau, labourMediator } = scene;
    const registered = await registerCase(testApp, labourMediator, { type: 'labour' });
    expect(registered.status).toBe(201);
    const waiting = await sendEvents(testApp, registered.body.id, 0, [[labourMediator, { type: 'SUBMIT' }]]);

    const refused = await sendEvent(testApp, labourMediator, waiting.id, waiting.version, {
      type: 'ACCEPT',
      track: 'people',
      level: 'district',
    });
    expect({ status: refused.status, code: refused.body.error?.code }).toEqual({
      status: 422,
      code: 'accept_own_level_only',
    });
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ field: 'track', message: expect.stringContaining('不是人民调解组织') }),
    ]);
    const unchanged = await request(testApp.app)
      .get(`/api/v1/cases/${waiting.id}`)
      .set(bearer(labourMediator));
    expect(unchanged.body).toMatchObject({ state: 'screening', version: waiting.version });

    const browser = new Browser(testApp.app);
    await browser.signIn(labourMediator.user.username);
    const page = await browser.get(`/cases/${waiting.id}`);
    expect(page.text).not.toContain('ACCEPT-people');
    expect(page.text).toContain('ACCEPT-administrative');

    const accepted = await sendEvent(testApp, labourMediator, waiting.id, waiting.version, {
      type: 'ACCEPT',
      track: 'administrative',
      unitId: labourBureau.id,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ track: 'administrative', holdingUnit: { id: labourBureau.id } });
  });
});

describe('transfers named by what they are: 委派调解 from the court, 委托调解 from a department, 移送 otherwise', () => {
  it('when a case goes people → court (移送), court → people (委派调解), then the escalation list says so', async () => {
    const { testApp, team } = scene;
    const running = await inPeoplesMediation('neighbourhood');
    const atCourt = await sendEvents(testApp, running.id, running.version, [
      [
        team.mediators.community,
        { type: 'TRANSFER', toTrack: 'judicial', unitId: team.units.court.id, reason: '诉调对接。' },
      ],
      [team.mediators.court, { type: 'ASSIGN', mediatorUsername: team.mediators.court.user.username }],
      [
        team.mediators.court,
        { type: 'TRANSFER', toTrack: 'people', unitId: team.units.street.id, reason: '立案前委派街镇调解。' },
      ],
    ]);
    expect(atCourt).toMatchObject({ track: 'people', level: 'street' });
    const events = await request(testApp.app)
      .get(`/api/v1/cases/${running.id}/events`)
      .set(bearer(team.supervisor));
    const kinds = events.body.items
      .filter((event: { type: string }) => event.type === 'TRANSFER')
      .map((event: { payload: { transferKind: string } }) => event.payload.transferKind);
    expect(kinds).toEqual(['referred', 'delegated']);

    const browser = new Browser(testApp.app);
    await browser.signIn(team.supervisor.user.username);
    const list = await browser.get('/escalations');
    expect(list.status).toBe(200);
    expect(list.text).toContain('委派调解');
    expect(list.text).toContain('移送');
  });
});

describe('days of fact are not after today (Asia/Shanghai, the app’s clock): 422 naming the field', () => {
  it('when a session is logged as held tomorrow, then 422 names heldAt; held late tonight (the same day) it is taken', async () => {
    const { testApp, team } = scene;
    const running = await inPeoplesMediation('neighbourhood');
    const session = { type: 'LOG_SESSION', kind: 'session', minutes: '双方到场。' };
    const tomorrow = await sendEvent(testApp, team.mediators.community, running.id, running.version, {
      ...session,
      heldAt: '2026-12-04T00:00:00+08:00',
    });
    expect(tomorrow.status).toBe(422);
    expect(tomorrow.body.error.details).toEqual([expect.objectContaining({ field: 'heldAt' })]);
    const farFuture = await sendEvent(testApp, team.mediators.community, running.id, running.version, {
      ...session,
      heldAt: '9999-12-31T09:00:00+08:00',
    });
    expect(farFuture.status).toBe(422);
    // 2026-12-03 15:59 UTC is 23:59 in Shanghai: still today
    const tonight = await sendEvent(testApp, team.mediators.community, running.id, running.version, {
      ...session,
      heldAt: '2026-12-03T15:59:00Z',
    });
    expect(tonight.status).toBe(200);
  });

  it('when a case is registered with the dispute arising on 9999-12-31 or tomorrow, then 422 names occurredOn; today is taken', async () => {
    const { testApp, team } = scene;
    for (const occurredOn of ['9999-12-31', '2026-12-04']) {
      const refused = await registerCase(testApp, team.mediators.community, { occurredOn });
      expect({ occurredOn, status: refused.status }).toEqual({ occurredOn, status: 422 });
      expect(refused.body.error.details).toEqual([
        expect.objectContaining({
          field: 'occurredOn',
          message: '不能晚于今天（2026-12-03）：这里填写已经发生的事情的日期',
        }),
      ]);
    }
    const today = await registerCase(testApp, team.mediators.community, { occurredOn: '2026-12-03' });
    expect(today.status).toBe(201);
  });

  it('when judicial confirmation is applied for tomorrow (人民调解法 第三十三条), then 422 names appliedOn', async () => {
    const { testApp, team } = scene;
    const running = await inPeoplesMediation('neighbourhood');
    const agreed = await sendEvents(testApp, running.id, running.version, [
      [team.mediators.community, { type: 'REACH_AGREEMENT', form: 'written', terms: '分两期支付维修费。' }],
    ]);
    const refused = await sendEvent(testApp, team.mediators.community, running.id, agreed.version, {
      type: 'REQUEST_JUDICIAL_CONFIRMATION',
      court: team.units.court.id,
      appliedOn: '2026-12-04',
      // both parties applied (人民调解法 §33): only the date is wrong
      jointlyApplied: true,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'appliedOn' })]);
  });
});

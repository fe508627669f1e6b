import request from 'supertest';
import { rulesFor } from '../../src/workflows/rules';
import { apiToken, Browser, createUser } from '../support/auth';
import { residentId } from '../support/identifiers';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  bearer,
  type CaseTeam,
  createCaseTeam,
  type Member,
  registerCase,
  sendEvent,
  sendEvents,
} from './case-api';

/**
 * One forum per dispute (DOMAIN.md; 人民调解工作若干规定 第二十二条; 医疗纠纷预防和处理条例
 * 第三十一条、第四十条), through the API: parties matched whatever their roles, the matter by
 * type or a confirmed link, referrals out still holding the forum, and the check on every
 * path that opens or accepts a case. The refusal names the unit; the number only to whom
 * may see that case.
 */

let serial = 0;
/** Two parties of a dispute of their own: a person (with an ID number) and an organisation. */
function twoParties() {
  serial += 1;
  return {
    person: {
      kind: 'person',
      name: `患者${serial}`,
      idNumber: residentId(`31010419800101${String(100 + serial)}`),
    },
    organisation: { kind: 'organisation', name: `某区第${serial}人民医院` },
  };
}
type Sides = ReturnType<typeof twoParties>;
const asApplicantAndRespondent = (sides: Sides, swapped = false) =>
  swapped
    ? [
        { role: 'applicant', ...sides.organisation },
        { role: 'respondent', ...sides.person },
      ]
    : [
        { role: 'applicant', ...sides.person },
        { role: 'respondent', ...sides.organisation },
      ];

describe('one forum per dispute (一案一处), on every path that opens or accepts a case', () => {
  let testApp: TestApp;
  let team: CaseTeam;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt: new Date('2026-12-03T10:00:00+08:00') });
    team = await createCaseTeam(testApp);
  });
  afterAll(() => testApp.close());

  const casesCount = async () =>
    (await testApp.db.query('SELECT count(*)::int AS n FROM cases'))[0].n as number;

  async function registered(
    who: Member,
    type: string,
    parties: unknown[],
    extra: Record<string, unknown> = {},
  ) {
    const response = await registerCase(testApp, who, { type, parties, ...extra });
    expect(response.status).toBe(201);
    return response.body as { id: string; number: string };
  }

  async function acceptedAtCommunity(type: string, parties: unknown[]) {
    const row = await registered(team.mediators.community, type, parties);
    await sendEvents(testApp, row.id, 0, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [team.mediators.community, { type: 'ACCEPT', track: 'people', level: 'community' }],
    ]);
    return row;
  }

  it('人民调解工作若干规定 第二十二条: two units accepting the same dispute at the same moment — one accepts, the other is refused (the check is serialised per party)', async () => {
    const sides = twoParties();
    const atCommunity = await registered(
      team.mediators.community,
      'neighbourhood',
      asApplicantAndRespondent(sides),
    );
    const atStreet = await registered(
      team.mediators.street,
      'neighbourhood',
      asApplicantAndRespondent(sides, true),
    );
    await sendEvents(testApp, atCommunity.id, 0, [[team.mediators.community, { type: 'SUBMIT' }]]);
    await sendEvents(testApp, atStreet.id, 0, [[team.mediators.street, { type: 'SUBMIT' }]]);

    const answers = await Promise.all([
      sendEvent(testApp, team.mediators.community, atCommunity.id, 1, {
        type: 'ACCEPT',
        track: 'people',
        level: 'community',
      }),
      sendEvent(testApp, team.mediators.street, atStreet.id, 1, {
        type: 'ACCEPT',
        track: 'people',
        level: 'street',
      }),
    ]);

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 422]);
    expect(answers.find((answer) => answer.status === 422)?.body.error.code).toBe('already_in_forum');
    const [{ n }] = await testApp.db.query(
      `SELECT count(*)::int AS n FROM cases WHERE id = ANY($1::uuid[]) AND state LIKE 'mediation.%'`,
      [[atCommunity.id, atStreet.id]],
    );
    expect(n).toBe(1);
  });

  it('人民调解工作若干规定 第二十二条、医疗纠纷预防和处理条例 第三十一条: the same two parties with swapped roles, same type, are refused on ACCEPT — naming the unit, the number only to whom may see that case', async () => {
    const sides = twoParties();
    // the patient applies at the community; the hospital applies at the street, before either is accepted
    const patientFirst = await registered(
      team.mediators.community,
      'medical',
      asApplicantAndRespondent(sides),
    );
    const hospitalFirst = await registered(
      team.mediators.street,
      'medical',
      asApplicantAndRespondent(sides, true),
    );
    const sameUnit = await registered(
      team.mediators.community,
      'medical',
      asApplicantAndRespondent(sides, true),
    );
    await sendEvents(testApp, patientFirst.id, 0, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [team.mediators.community, { type: 'ACCEPT', track: 'people', level: 'community' }],
    ]);

    // the street mediator may see its own case, not the community's: the unit, not the number
    await sendEvents(testApp, hospitalFirst.id, 0, [[team.mediators.street, { type: 'SUBMIT' }]]);
    const refused = await sendEvent(testApp, team.mediators.street, hospitalFirst.id, 1, {
      type: 'ACCEPT',
      track: 'people',
      level: 'street',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('already_in_forum');
    expect(refused.body.error.message).toContain(team.units.community.nameZh);
    expect(refused.body.error.message).toContain('医疗纠纷预防和处理条例 第三十一条、第四十条');
    expect(refused.body.error.message).not.toContain(patientFirst.number);
    const unchanged = await request(testApp.app)
      .get(`/api/v1/cases/${hospitalFirst.id}`)
      .set(bearer(team.mediators.street));
    expect(unchanged.body).toMatchObject({ state: 'screening', version: 1 });

    // in English, to a mediator of the community (who may see the other case): with its number
    await sendEvents(testApp, sameUnit.id, 0, [[team.mediators.community, { type: 'SUBMIT' }]]);
    const inEnglish = await request(testApp.app)
      .post(`/api/v1/cases/${sameUnit.id}/events`)
      .set({ ...bearer(team.mediators.community), 'Accept-Language': 'en' })
      .send({ expectedVersion: 1, type: 'ACCEPT', track: 'people', level: 'community' });
    expect(inEnglish.status).toBe(422);
    expect(inEnglish.body.error.code).toBe('already_in_forum');
    expect(inEnglish.body.error.message).toContain(team.units.community.nameEn);
    expect(inEnglish.body.error.message).toContain(`(case ${patientFirst.number})`);
    expect(inEnglish.body.error.message).toContain(
      'Regulations on the Prevention and Handling of Medical Disputes',
    );
  });

  it('人民调解工作若干规定 第二十二条: the same two parties in a case of another type are accepted — the matter matches by type', async () => {
    const sides = twoParties();
    await acceptedAtCommunity('labour', asApplicantAndRespondent(sides));
    const medical = await registered(team.mediators.street, 'medical', asApplicantAndRespondent(sides, true));
    const accepted = await sendEvents(testApp, medical.id, 0, [
      [team.mediators.street, { type: 'SUBMIT' }],
      [team.mediators.street, { type: 'ACCEPT', track: 'people', level: 'street' }],
    ]);
    expect(accepted.state).toBe('mediation.awaitingMediator');
  });

  it('人民调解工作若干规定 第二十二条: a case of another type the user confirms is the same matter (sameMatterCaseId) holds the forum; a link to a case the caller may not see is refused by field', async () => {
    const sides = twoParties();
    const labour = await acceptedAtCommunity('labour', asApplicantAndRespondent(sides));
    const before = await casesCount();
    const linked = await registerCase(testApp, team.mediators.community, {
      type: 'neighbourhood',
      parties: asApplicantAndRespondent(sides, true),
      sameMatterCaseId: labour.id,
    });
    expect(linked.status).toBe(422);
    expect(linked.body.error.code).toBe('already_in_forum');
    expect(linked.body.error.message).toContain(labour.number);

    const unseen = await registerCase(testApp, team.mediators.street, {
      type: 'neighbourhood',
      parties: asApplicantAndRespondent(twoParties()),
      sameMatterCaseId: labour.id,
    });
    expect(unseen.status).toBe(400);
    expect(unseen.body.error.details).toEqual([expect.objectContaining({ field: 'sameMatterCaseId' })]);
    expect(await casesCount()).toBe(before);
  });

  it('人民调解工作若干规定 第二十二条: POST /cases of a dispute another forum has accepted is refused and writes nothing; a party in common on one side only is no duplicate', async () => {
    const sides = twoParties();
    const first = await acceptedAtCommunity('neighbourhood', asApplicantAndRespondent(sides));
    const before = await casesCount();
    const again = await registerCase(testApp, team.mediators.street, {
      type: 'neighbourhood',
      parties: asApplicantAndRespondent(sides, true),
    });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('already_in_forum');
    expect(again.body.error.message).not.toContain(first.number);
    expect(await casesCount()).toBe(before);

    // the same person against someone else is another dispute
    const other = twoParties();
    const another = await registerCase(testApp, team.mediators.street, {
      type: 'neighbourhood',
      parties: [
        { role: 'applicant', ...sides.person },
        { role: 'respondent', ...other.organisation },
      ],
    });
    expect(another.status).toBe(201);
  });

  it('人民调解工作若干规定 第二十二条: a case referred out to a court still holds the forum — ACCEPT warns until the mediator acknowledges it; a referral to the police does not', async () => {
    expect(rulesFor('neighbourhood').oneForum.afterReferral).toEqual([
      expect.objectContaining({ agency: 'court', effect: 'warn' }),
      expect.objectContaining({ agency: 'arbitration', effect: 'warn' }),
    ]);
    const sides = twoParties();
    const referred = await registered(
      team.mediators.community,
      'neighbourhood',
      asApplicantAndRespondent(sides),
    );
    await sendEvents(testApp, referred.id, 0, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [team.mediators.community, { type: 'REFER_OUT', agency: 'court', reason: '当事人已起诉。' }],
    ]);

    const again = await registered(
      team.mediators.community,
      'neighbourhood',
      asApplicantAndRespondent(sides, true),
    );
    await sendEvents(testApp, again.id, 0, [[team.mediators.community, { type: 'SUBMIT' }]]);
    const warned = await sendEvent(testApp, team.mediators.community, again.id, 1, {
      type: 'ACCEPT',
      track: 'people',
      level: 'community',
    });
    expect(warned.status).toBe(422);
    expect(warned.body.error.code).toBe('forum_referred_out');
    expect(warned.body.error.message).toContain('人民法院');
    expect(warned.body.error.message).toContain(referred.number);
    expect(warned.body.error.details).toEqual([expect.objectContaining({ field: 'forumAcknowledged' })]);
    const acknowledged = await sendEvent(testApp, team.mediators.community, again.id, 1, {
      type: 'ACCEPT',
      track: 'people',
      level: 'community',
      forumAcknowledged: true,
    });
    expect(acknowledged.status).toBe(200);
    const [event] = await testApp.db.query(
      `SELECT payload FROM case_events WHERE case_id = $1 AND type = 'ACCEPT'`,
      [again.id],
    );
    expect(event.payload.forumAcknowledged).toBe(true);

    // referred to the police: not a forum for the civil dispute
    const policeSides = twoParties();
    const toPolice = await registered(
      team.mediators.community,
      'neighbourhood',
      asApplicantAndRespondent(policeSides),
    );
    await sendEvents(testApp, toPolice.id, 0, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [team.mediators.community, { type: 'REFER_OUT', agency: 'police', reason: '涉嫌治安案件。' }],
    ]);
    await acceptedAtCommunity('neighbourhood', asApplicantAndRespondent(policeSides, true));
  });

  it('医疗纠纷预防和处理条例 第三十一条、第四十条: a medical dispute referred to a court is not taken again — registration and ACCEPT are refused, not merely warned', async () => {
    expect(rulesFor('medical').oneForum.afterReferral).toEqual([
      expect.objectContaining({ agency: 'court', effect: 'refuse' }),
      expect.objectContaining({ agency: 'arbitration', effect: 'warn' }),
    ]);
    expect(rulesFor('medical').oneForum.source.zh).toBe('医疗纠纷预防和处理条例 第三十一条、第四十条');
    const sides = twoParties();
    const pending = await registered(team.mediators.street, 'medical', asApplicantAndRespondent(sides, true));
    const referred = await registered(team.mediators.community, 'medical', asApplicantAndRespondent(sides));
    await sendEvents(testApp, referred.id, 0, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [
        team.mediators.community,
        { type: 'REFER_OUT', agency: 'court', reason: '患方已向法院起诉并被受理。' },
      ],
    ]);

    const registering = await registerCase(testApp, team.mediators.street, {
      type: 'medical',
      parties: asApplicantAndRespondent(sides),
    });
    expect(registering.status).toBe(422);
    expect(registering.body.error.code).toBe('forum_referred_out_barred');

    await sendEvents(testApp, pending.id, 0, [[team.mediators.street, { type: 'SUBMIT' }]]);
    const accepting = await sendEvent(testApp, team.mediators.street, pending.id, 1, {
      type: 'ACCEPT',
      track: 'people',
      level: 'street',
      forumAcknowledged: true,
    });
    expect(accepting.status).toBe(422);
    expect(accepting.body.error.code).toBe('forum_referred_out_barred');
    // it names the unit that referred it and where to — not a claim that that unit accepted it
    expect(accepting.body.error.message).toContain(`${team.units.community.nameZh}移送人民法院`);
    expect(accepting.body.error.message).not.toContain(`已由${team.units.community.nameZh}受理`);
  });

  it('人民调解工作若干规定 第二十二条: a petition’s new case (诉访分离) is checked too — refused, the petition left as it was', async () => {
    const sides = twoParties();
    await acceptedAtCommunity('property_management', asApplicantAndRespondent(sides));
    const agent = await createUser(testApp.db, { role: 'petition_agent', unitId: team.units.street.id });
    const token = await apiToken(testApp.app, agent.username);
    const petition = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(bearer(token))
      .send({
        subject: '物业费争议',
        content: '业主反映物业公司多收费用。',
        petitioners: [{ kind: 'person', name: sides.person.name, idNumber: sides.person.idNumber }],
        receivedOn: '2026-12-01',
      });
    expect(petition.status).toBe(201);
    const before = await casesCount();
    const linked = await request(testApp.app)
      .post(`/api/v1/petitions/${petition.body.id}/events`)
      .set(bearer(token))
      .send({
        expectedVersion: petition.body.version,
        type: 'LINK_CASE',
        openCase: {
          type: 'property_management',
          title: '物业费争议',
          description: '业主与物业公司之间的收费争议。',
          parties: asApplicantAndRespondent(sides, true),
        },
      });
    expect(linked.status).toBe(422);
    expect(linked.body.error.code).toBe('already_in_forum');
    expect(await casesCount()).toBe(before);
    const after = await request(testApp.app).get(`/api/v1/petitions/${petition.body.id}`).set(bearer(token));
    expect(after.body.version).toBe(petition.body.version);
  });

  it('人民调解工作若干规定 第二十二条: the cases of one group dispute (a master case and its individual cases) are one forum, not rivals', async () => {
    const sides = twoParties();
    const master = await registered(team.mediators.community, 'labour', asApplicantAndRespondent(sides), {
      groupSize: 12,
    });
    const member = await registered(team.mediators.community, 'labour', asApplicantAndRespondent(sides), {
      masterCaseId: master.id,
    });
    for (const row of [member, master]) {
      const accepted = await sendEvents(testApp, row.id, 0, [
        [team.mediators.community, { type: 'SUBMIT' }],
        [team.mediators.community, { type: 'ACCEPT', track: 'people', level: 'community' }],
      ]);
      expect(accepted.state).toBe('mediation.awaitingMediator');
    }
  });

  it('人民调解工作若干规定 第二十二条: on the case page, the ACCEPT form offers the acknowledgement a referral out asks for', async () => {
    const sides = twoParties();
    const referred = await registered(team.mediators.community, 'family', asApplicantAndRespondent(sides));
    await sendEvents(testApp, referred.id, 0, [
      [team.mediators.community, { type: 'SUBMIT' }],
      [team.mediators.community, { type: 'REFER_OUT', agency: 'arbitration', reason: '已申请仲裁。' }],
    ]);
    const again = await registered(team.mediators.community, 'family', asApplicantAndRespondent(sides, true));
    await sendEvents(testApp, again.id, 0, [[team.mediators.community, { type: 'SUBMIT' }]]);

    // the test's users were made with the machine's clock; the app's clock starts on the day
    await testApp.db.query(`UPDATE users SET password_changed_at = '2026-01-01' WHERE id = $1`, [
      team.mediators.community.user.id,
    ]);
    const browser = new Browser(testApp.app);
    await browser.signIn(team.mediators.community.user.username);
    const page = await browser.get(`/cases/${again.id}`);
    expect(page.text).toContain('name="forumAcknowledged"');
    const accept = {
      type: 'ACCEPT',
      formKey: 'ACCEPT-people',
      expectedVersion: '1',
      track: 'people',
      level: 'community',
    };
    const warned = await browser.post(`/cases/${again.id}/events`, accept);
    expect(warned.status).toBe(422);
    expect(warned.text).toContain('仲裁机构');
    const accepted = await browser.post(`/cases/${again.id}/events`, { ...accept, forumAcknowledged: 'on' });
    expect(accepted.status).toBe(303);
  });
});

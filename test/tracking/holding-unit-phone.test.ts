import { type CaseTeam, createCaseTeam } from '../cases/case-api';
import { Browser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';
import { acceptedCase, startAt, track } from './tracking-support';

/** The answer's keys for an accepted case: a fixed list, whether or not the unit has a phone. */
const answerKeys = ['deadline', 'holdingUnit', 'number', 'state', 'stateLabel', 'type', 'updatedAt'].sort();

/**
 * Issue 20 (API.md, Additions: `holdingUnit: {name, phone?}`): a party who has looked up their
 * case wants to call the unit that holds it. The unit's public contact phone (联系电话, set by
 * an admin) is given when it has one and left out when it has none; it is the unit's own number,
 * never a party's or a mediator's.
 */
describe('the holding unit’s contact phone in the progress lookup', () => {
  let testApp: TestApp;
  let team: CaseTeam;

  beforeAll(async () => {
    testApp = await startTestApp({}, { startAt });
    team = await createCaseTeam(testApp);
  });
  afterAll(() => testApp.close());

  const setPhoneOfCommunity = (phone: string | null) =>
    testApp.db.query('UPDATE units SET phone = $2 WHERE id = $1', [team.units.community.id, phone]);

  it('a unit with no phone: holdingUnit is {name} alone; once an admin gives it one, {name, phone} as people write it — the other keys unchanged', async () => {
    await setPhoneOfCommunity(null);
    const dispute = await acceptedCase(testApp, team);
    const without = await track(testApp, { number: dispute.number, code: dispute.code });
    expect(without.status).toBe(200);
    expect(Object.keys(without.body).sort()).toEqual(answerKeys);
    expect(without.body.holdingUnit).toEqual({ name: team.units.community.nameZh });

    await setPhoneOfCommunity('02164123456');
    const withPhone = await track(testApp, { number: dispute.number, code: dispute.code });
    expect(withPhone.status).toBe(200);
    expect(Object.keys(withPhone.body).sort()).toEqual(answerKeys);
    expect(withPhone.body.holdingUnit).toEqual({ name: team.units.community.nameZh, phone: '021-64123456' });
    const inEnglish = await track(testApp, { number: dispute.number, code: dispute.code }, { lang: 'en' });
    expect(inEnglish.body.holdingUnit).toEqual({ name: team.units.community.nameEn, phone: '021-64123456' });
  });

  it('/track shows the phone as 联系电话, a link that dials it; without one, no such line', async () => {
    await setPhoneOfCommunity('02164123456-8001');
    const dispute = await acceptedCase(testApp, team);
    const party = new Browser(testApp.app);
    await party.get('/track');
    const result = await party.post('/track', { number: dispute.number, code: dispute.code });
    expect(result.status).toBe(200);
    expect(result.text).toMatch(
      // (Handlebars writes the = of the extension as &#x3D;, which the browser reads as =)
      /<dt>联系电话<\/dt><dd><a href="tel:\+862164123456;ext(=|&#x3D;)8001">021-64123456-8001<\/a><\/dd>/,
    );

    await setPhoneOfCommunity(null);
    await party.get('/track');
    const without = await party.post('/track', { number: dispute.number, code: dispute.code });
    expect(without.status).toBe(200);
    expect(without.text).toContain(team.units.community.nameZh);
    expect(without.text).not.toContain('联系电话');
    expect(without.text).not.toContain('tel:');
  });
});

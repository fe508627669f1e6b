import { addDays, startOfShanghaiDay } from '../../src/deadlines/plain-date';
import { todayInShanghai } from '../../src/deadlines/working-calendar';
import type { RunningWorker } from '../../src/worker';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { SmtpPeer, sendEvents, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/** Issue 7: a person who chose the daily digest gets one mail a day listing the items, not one per item. */
describe('the daily digest', () => {
  let testApp: TestApp;
  let smtp: SmtpPeer;
  let worker: RunningWorker;

  beforeAll(async () => {
    smtp = await new SmtpPeer().start(0);
    testApp = await startTestApp({ smtpUrl: smtp.url });
    worker = await startTestWorker(testApp);
  });
  afterAll(async () => {
    await worker.stop();
    await smtp.stop();
    await testApp.close();
  });

  /** Moves the test clock to 09:00 (Asia/Shanghai) of the next day: after the digest hour. */
  function nextMorning() {
    const now = testApp.clock.now();
    const nine = startOfShanghaiDay(addDays(todayInShanghai(now), 1)).getTime() + 9 * 3600_000;
    testApp.clock.advanceMinutes(Math.ceil((nine - now.getTime()) / 60_000));
  }

  const pendingRows = async (userId: string) =>
    (
      await testApp.db.query(
        `SELECT count(*)::int AS n FROM outbox WHERE recipient_user_id = $1 AND kind <> 'digest'
         AND sent_at IS NULL AND (delivery IS NULL OR delivery <> 'digest')`,
        [userId],
      )
    )[0].n;

  it('when three cases are assigned to a digest reader, then one mail lists all three, and the next day’s lists the next', async () => {
    const tree = await createDistrictTree(testApp.db);
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.community.id });
    const reader = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    await testApp.services.notificationPreferences.save(
      (await testApp.services.actors.load(reader.id)) as never,
      {
        'case.assigned': 'digest',
      },
    );
    const assign = async () => {
      const dispute = await createCase(testApp.services, reader.id);
      await sendEvents(
        testApp.services,
        testApp.db,
        reader.id,
        dispute.id,
        { type: 'SUBMIT' },
        { type: 'ACCEPT', track: 'people', level: 'community' },
      );
      await sendEvents(testApp.services, testApp.db, supervisor.id, dispute.id, {
        type: 'ASSIGN',
        mediatorId: reader.id,
      });
      return dispute;
    };
    const first = [await assign(), await assign(), await assign()];
    await waitFor(
      'the three notices to wait for the digest',
      async () => (await pendingRows(reader.id)) === 0,
    );
    expect(smtp.to(reader.email as string)).toHaveLength(0);

    nextMorning();
    expect(await testApp.services.digests.assembleDue()).toBe(1);
    expect(await testApp.services.digests.assembleDue()).toBe(0); // a second run that day makes none
    const digest = await waitFor('the digest mail', () => smtp.to(reader.email as string)[0]);
    expect(digest.subject).toBe(`每日通知摘要 ${todayInShanghai(testApp.clock.now())}（3 条）`);
    for (const dispute of first) {
      expect(digest.text).toContain(dispute.number);
      expect(digest.html).toContain(`http://mediation.test/cases/${dispute.id}`);
    }

    // later that day: it waits for tomorrow's digest
    const later = await assign();
    await waitFor('the new notice to wait for the digest', async () => (await pendingRows(reader.id)) === 0);
    expect(await testApp.services.digests.assembleDue()).toBe(0);

    nextMorning();
    expect(await testApp.services.digests.assembleDue()).toBe(1);
    await waitFor('the second digest mail', () => smtp.to(reader.email as string).length === 2);
    await worker.drainNow();

    const mails = smtp.to(reader.email as string);
    expect(mails).toHaveLength(2);
    expect(mails[1].subject).toMatch(/（1 条）$/);
    expect(mails[1].text).toContain(later.number);
    expect(mails[1].text).not.toContain(first[0].number);
  });
});

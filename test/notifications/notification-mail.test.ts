import type { RunningWorker } from '../../src/worker';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { SmtpPeer, sendEvents, startTestWorker, waitFor } from '../support/mail';
import { startTestApp, type TestApp } from '../support/test-app';

/** Issue 7: notices leave as mails through a real SMTP server (smtp-server on loopback). */
describe('notification mails, through a real SMTP server', () => {
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

  const outboxRows = (caseId: string, kind: string) =>
    testApp.db.query(
      `SELECT id, recipient_user_id, delivery, sent_at, message_id, sent_to FROM outbox
       WHERE subject_id = $1 AND kind = $2 ORDER BY id`,
      [caseId, kind],
    );

  it('when a supervisor assigns a case, then the mediator gets one mail in their language, with the case number and a link', async () => {
    const tree = await createDistrictTree(testApp.db);
    const supervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.street.id });
    const mediator = await createUser(testApp.db, {
      role: 'mediator',
      unitId: tree.community.id,
      locale: 'en',
      displayName: 'Zhang Li',
    });
    const dispute = await createCase(testApp.services, mediator.id, { type: 'labour' });
    await sendEvents(
      testApp.services,
      testApp.db,
      mediator.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
    );

    await sendEvents(testApp.services, testApp.db, supervisor.id, dispute.id, {
      type: 'ASSIGN',
      mediatorId: mediator.id,
    });

    const mail = await waitFor('the assignment mail', () => smtp.to(mediator.email as string)[0]);
    const [row] = await waitFor('its outbox row marked sent', async () => {
      const rows = await outboxRows(dispute.id, 'case.assigned');
      return rows[0]?.sent_at ? rows : null;
    });
    await worker.drainNow(); // nothing else is due: no second mail can follow
    expect(smtp.to(mediator.email as string)).toHaveLength(1);
    expect(row).toMatchObject({ delivery: 'mail', sent_to: mediator.email });
    expect(mail.messageId).toBe(`<outbox-${row.id}@test.example>`);
    expect(row.message_id).toBe(mail.messageId);
    expect(mail.subject).toBe(`[${dispute.number}] Case assigned to you: ${dispute.title}`);
    expect(mail.text).toContain('Hello Zhang Li,');
    expect(mail.text).toContain(`assigned dispute case ${dispute.number} to you`);
    expect(mail.text).toContain(`http://mediation.test/cases/${dispute.id}`);
    expect(mail.html).toContain(`href="http://mediation.test/cases/${dispute.id}"`);
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('when a case is escalated, then the receiving unit’s active mediators and its supervisor each get one mail, in Chinese', async () => {
    const tree = await createDistrictTree(testApp.db);
    const escalating = await createUser(testApp.db, { role: 'mediator', unitId: tree.community.id });
    const streetMediator = await createUser(testApp.db, { role: 'mediator', unitId: tree.street.id });
    const retired = await createUser(testApp.db, { role: 'mediator', unitId: tree.street.id });
    await testApp.db.query('UPDATE users SET active = false WHERE id = $1', [retired.id]);
    // no supervisor at the street centre itself: the district's hears of it (the nearest above)
    const districtSupervisor = await createUser(testApp.db, { role: 'supervisor', unitId: tree.district.id });
    const elsewhere = await createUser(testApp.db, { role: 'mediator', unitId: tree.otherStreet.id });
    const dispute = await createCase(testApp.services, escalating.id, { type: 'labour' });
    await sendEvents(
      testApp.services,
      testApp.db,
      escalating.id,
      dispute.id,
      { type: 'SUBMIT' },
      { type: 'ACCEPT', track: 'people', level: 'community' },
      { type: 'ASSIGN', mediatorId: escalating.id },
      { type: 'ESCALATE', reasonCode: 'other', reason: '涉及多个社区，需街镇协调。' },
    );

    const mediatorMail = await waitFor(
      'the street mediator’s mail',
      () => smtp.to(streetMediator.email as string)[0],
    );
    const supervisorMail = await waitFor(
      'the supervisor’s mail',
      () => smtp.to(districtSupervisor.email as string)[0],
    );
    // a mail reaches the SMTP server before the worker's transaction marks its row sent
    const rows = await waitFor('the hand-off rows marked', async () => {
      const found = await outboxRows(dispute.id, 'case.handed_off');
      return found.length >= 3 && found.every((row: { delivery: string | null }) => row.delivery)
        ? found
        : null;
    });
    await worker.drainNow(); // nothing else is due: no second mail can follow
    // the unit's row, expanded when sent into one row (one Message-ID) per person
    expect(rows.map((row: { delivery: string }) => row.delivery).sort()).toEqual(['fanout', 'mail', 'mail']);
    expect(
      new Set(rows.filter((r: { sent_to: string }) => r.sent_to).map((r: { sent_to: string }) => r.sent_to)),
    ).toEqual(new Set([streetMediator.email, districtSupervisor.email]));
    expect(smtp.to(streetMediator.email as string)).toHaveLength(1);
    expect(smtp.to(districtSupervisor.email as string)).toHaveLength(1);
    expect(smtp.to(retired.email as string)).toHaveLength(0);
    expect(smtp.to(elsewhere.email as string)).toHaveLength(0);
    expect(mediatorMail.messageId).not.toBe(supervisorMail.messageId);
    expect(mediatorMail.subject).toBe(`【${dispute.number}】案件已移交至您的单位：${dispute.title}`);
    expect(mediatorMail.text).toContain('上报至您所在的单位');
    expect(mediatorMail.text).toContain(`http://mediation.test/cases/${dispute.id}`);
  });
});

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { attachmentMaxBytes } from '../../src/cases/attachment.rules';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { apiToken, Browser } from '../support/auth';
import { actorNamed, caseInState } from '../support/case-steps';
import { linkCaseToAgent } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** A tiny but real PNG (the signature is what the allow-list checks). */
const png = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

describe('attachments: evidence and documents on a case', () => {
  let testApp: TestApp;
  let dataDir: string;
  let mediator: Browser;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-attachments-'));
    testApp = await startTestApp({ demoMode: true, dataDir });
    await seedDemoOrganisation(testApp.db);
    mediator = new Browser(testApp.app);
    await mediator.signIn('mediator', demoPassword);
  });
  afterAll(async () => {
    await testApp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function upload(
    browser: Browser,
    caseId: string,
    file: Buffer,
    name: string,
    fields: Record<string, string> = {},
  ) {
    await browser.get(`/cases/${caseId}`);
    let call = browser.agent.post(`/cases/${caseId}/attachments`).field('_csrf', browser.csrf);
    for (const [key, value] of Object.entries(fields)) call = call.field(key, value);
    return call.attach('file', file, name);
  }

  it('a mediator uploads a photo: it is stored under DATA_DIR, listed, on the timeline, and the chain still verifies', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    const response = await upload(mediator, row.id, png, '现场照片.png', { description: '漏水现场' });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(
      `/cases/${row.id}?uploaded=${encodeURIComponent('现场照片.png')}#attachments`,
    );

    const page = await mediator.get(response.headers.location);
    expect(page.text).toContain('附件已上传：现场照片.png。');
    expect(page.text).toMatch(/data-event="ATTACHMENT_ADDED"[\s\S]*现场照片\.png/);
    expect(page.text).toContain('漏水现场');
    const [stored] = await testApp.db.query('SELECT * FROM case_attachments WHERE case_id = $1', [row.id]);
    expect(stored).toMatchObject({
      file_name: '现场照片.png',
      content_type: 'image/png',
      size_bytes: png.length,
    });
    expect(fs.readFileSync(path.join(dataDir, 'uploads', stored.storage_key))).toEqual(png);

    const token = await apiToken(testApp.app, 'mediator', demoPassword);
    const verify = await request(testApp.app)
      .get(`/api/v1/cases/${row.id}/verify`)
      .set('Authorization', `Bearer ${token}`);
    expect(verify.body).toEqual({ valid: true, events: 5 });
    const timeline = await request(testApp.app)
      .get(`/api/v1/cases/${row.id}/events`)
      .set('Authorization', `Bearer ${token}`);
    const added = timeline.body.items.at(-1);
    expect(added).toMatchObject({
      type: 'ATTACHMENT_ADDED',
      fromState: 'mediation.inProgress',
      toState: 'mediation.inProgress',
      payload: { attachmentId: stored.id, fileName: '现场照片.png', sha256: stored.sha256 },
    });
    // a recorded action, not a state change: the state stays, the version counts it like any event
    const current = await request(testApp.app)
      .get(`/api/v1/cases/${row.id}`)
      .set('Authorization', `Bearer ${token}`);
    expect(current.body).toMatchObject({ state: 'mediation.inProgress', version: row.version + 1 });
  });

  it('downloads are streamed back, as attachments, only to those who may see the case', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const agent = await actorNamed(testApp.services, testApp.db, 'agent');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    await linkCaseToAgent(testApp.services, testApp.db, row.id, agent.id);
    await upload(mediator, row.id, Buffer.from('借条：今借到人民币五千元整。'), '借条.txt');
    const [stored] = await testApp.db.query('SELECT id FROM case_attachments WHERE case_id = $1', [row.id]);
    const url = `/cases/${row.id}/attachments/${stored.id}`;

    const download = await mediator.agent.get(url);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="__.txt"; filename*=UTF-8''${encodeURIComponent('借条.txt')}`,
    );
    expect(download.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.text).toBe('借条：今借到人民币五千元整。');

    const agentBrowser = new Browser(testApp.app);
    await agentBrowser.signIn('agent', demoPassword);
    expect((await agentBrowser.agent.get(url)).status).toBe(200); // the agent follows the case
    const upload403 = await upload(agentBrowser, row.id, png, 'x.png');
    expect(upload403.status).toBe(403); // but does not add to it

    const outsider = new Browser(testApp.app);
    await outsider.signIn('mediator.medical', demoPassword);
    expect((await outsider.agent.get(url)).status).toBe(404);
    expect(
      (await mediator.agent.get(`/cases/${row.id}/attachments/00000000-0000-4000-8000-000000000000`)).status,
    ).toBe(404);
  });

  it('a file of a type not on the allow-list, or one posing as another type, is refused next to the field', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    const html = await upload(mediator, row.id, Buffer.from('<script>alert(1)</script>'), 'evil.html');
    expect(html.status).toBe(400);
    expect(html.text).toMatch(/id="attachment-file-error" class="field-error">不允许上传这种类型的文件/);
    expect(html.text).toMatch(/<details open>\s*<summary class="action-summary secondary">上传附件/);
    const fakePdf = await upload(mediator, row.id, Buffer.from('MZ this is not a PDF'), '合同.pdf');
    expect(fakePdf.status).toBe(400);
    const [{ count }] = await testApp.db.query(
      'SELECT count(*)::int AS count FROM case_attachments WHERE case_id = $1',
      [row.id],
    );
    expect(count).toBe(0);
    expect(
      fs.existsSync(path.join(dataDir, 'uploads', row.id))
        ? fs.readdirSync(path.join(dataDir, 'uploads', row.id))
        : [],
    ).toEqual([]);
  });

  it('a file over the size limit is refused, and nothing is stored', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    const big = Buffer.alloc(attachmentMaxBytes + 1, 0x20);
    big.write('%PDF', 0);
    const response = await upload(mediator, row.id, big, '卷宗.pdf');
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/id="attachment-file-error" class="field-error">文件太大/);
    const [{ count }] = await testApp.db.query(
      'SELECT count(*)::int AS count FROM case_attachments WHERE case_id = $1',
      [row.id],
    );
    expect(count).toBe(0);
  });

  it('an upload without the form’s CSRF token is refused', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    const response = await mediator.agent.post(`/cases/${row.id}/attachments`).attach('file', png, 'a.png');
    expect(response.status).toBe(403);
    const [{ count }] = await testApp.db.query(
      'SELECT count(*)::int AS count FROM case_attachments WHERE case_id = $1',
      [row.id],
    );
    expect(count).toBe(0);
  });

  it('a multipart body sent to any other form is refused for want of a CSRF token', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'registered');
    await mediator.get(`/cases/${row.id}`);
    const response = await mediator.agent
      .post(`/cases/${row.id}/events`)
      .field('_csrf', mediator.csrf)
      .field('type', 'SUBMIT')
      .field('expectedVersion', '0');
    expect(response.status).toBe(403);
  });

  it('when 16 uploads to one case arrive at once, then every one succeeds, each on its own link of a chain that verifies', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    await mediator.get(`/cases/${row.id}`);

    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, index) =>
        mediator.agent
          .post(`/cases/${row.id}/attachments`)
          .field('_csrf', mediator.csrf)
          .attach('file', png, `照片${index + 1}.png`),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array(16).fill(303));
    const events: Array<{ seq: number; type: string }> = await testApp.db.query(
      'SELECT seq, type FROM case_events WHERE case_id = $1 ORDER BY seq',
      [row.id],
    );
    expect(events.map((event) => event.seq)).toEqual(
      Array.from({ length: row.version + 17 }, (_, i) => i + 1),
    );
    expect(events.filter((event) => event.type === 'ATTACHMENT_ADDED')).toHaveLength(16);
    const token = await apiToken(testApp.app, 'mediator', demoPassword);
    const verify = await request(testApp.app)
      .get(`/api/v1/cases/${row.id}/verify`)
      .set('Authorization', `Bearer ${token}`);
    expect(verify.body).toEqual({ valid: true, events: row.version + 17 });
    const stored: Array<{ id: string }> = await testApp.db.query(
      'SELECT id FROM case_attachments WHERE case_id = $1',
      [row.id],
    );
    expect(stored).toHaveLength(16);
    // every file under its permanent name, none left half-way
    expect(fs.readdirSync(path.join(dataDir, 'uploads', row.id)).sort()).toEqual(
      stored.map((attachment) => attachment.id).sort(),
    );
  });

  it('the sweep removes files no row records once they are old, keeps an upload in flight, and finishes a rename a crash cut short', async () => {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    await upload(mediator, row.id, png, '存证.png');
    const [kept] = await testApp.db.query('SELECT id FROM case_attachments WHERE case_id = $1', [row.id]);
    const folder = path.join(dataDir, 'uploads', row.id);
    const file = (name: string) => path.join(folder, name);
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    const orphan = randomUUID();
    const abandoned = randomUUID();
    const inFlight = randomUUID();
    fs.writeFileSync(file(orphan), png); // written by the code before issue 17, then its transaction failed
    fs.writeFileSync(file(`${abandoned}.part`), png); // an upload whose process died before it committed
    fs.writeFileSync(file(`${inFlight}.part`), png); // an upload still on its way to its commit
    for (const name of [orphan, `${abandoned}.part`]) fs.utimesSync(file(name), twoHoursAgo, twoHoursAgo);
    // committed, but the process died before the rename
    fs.renameSync(file(kept.id), file(`${kept.id}.part`));

    const swept = await testApp.services.attachments.sweep(60);

    expect(swept).toEqual({ removed: 2, completed: 1 });
    expect(fs.readdirSync(folder).sort()).toEqual([kept.id, `${inFlight}.part`].sort());
    expect(fs.readFileSync(file(kept.id))).toEqual(png);
    const download = await mediator.agent.get(`/cases/${row.id}/attachments/${kept.id}`);
    expect(download.status).toBe(200);
  });
});

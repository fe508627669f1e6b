import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { AuditKeys } from '../../src/shared/crypto/audit-keys';
import { projectRoot } from '../../src/shared/paths';
import { digestEvent, genesisHash, sealEvent } from '../../src/workflows/event-chain';
import { CaseEventRecord, PetitionEventRecord } from '../../src/workflows/workflow-event.entity';
import { apiToken, Browser } from '../support/auth';
import { actorNamed, caseInState, send } from '../support/case-steps';
import { startTestApp, type TestApp } from '../support/test-app';
import { type CaseTeam, createCaseTeam, registerCase, sendEvents, verifyCase } from './case-api';

/**
 * `npm run audit:verify [caseNumber]` as an operator runs it: the built command in a
 * child process, against a PostgreSQL database where history has been rewritten
 * behind the app's back (the append-only trigger switched off by the table's owner).
 */

// built apart from dist/, so that the server spec building dist/ at the same time cannot race with it
const buildDir = path.join(projectRoot, 'var', `test-build-audit-verify-${process.pid}`);
const command = path.join(buildDir, 'src', 'cli', 'audit-verify.js');

beforeAll(() => {
  execFileSync(
    path.join(projectRoot, 'node_modules/.bin/tsc'),
    ['-p', 'tsconfig.build.json', '--outDir', buildDir],
    { cwd: projectRoot },
  );
}, 120_000);
afterAll(() => fs.rmSync(buildDir, { recursive: true, force: true }));

/** The built command in a child process, with no environment but what is given. */
function runCommand(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [command, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The command as the operator runs it, with the app's configuration (its secrets included). */
function withAppSecrets(testApp: TestApp) {
  return {
    DATABASE_URL: testApp.config.databaseUrl,
    SESSION_SECRET: testApp.config.sessionSecret,
    DATA_KEY: testApp.config.dataKey.toString('hex'),
    AUDIT_KEY: testApp.config.auditKey.toString('hex'),
  };
}

/** Runs `statement` as only the table's owner can: the append-only triggers are off for it. */
async function asTableOwner(
  db: DataSource,
  tables: string[],
  statement: (tx: DataSource['manager']) => Promise<unknown>,
) {
  await db.transaction(async (tx) => {
    for (const table of tables) await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
    await statement(tx);
    for (const table of tables) await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
  });
}

describe('the audit:verify command', () => {
  let testApp: TestApp;
  let team: CaseTeam;
  const numbers: Record<'agreed' | 'failed' | 'fresh', string> = { agreed: '', failed: '', fresh: '' };
  const ids: Record<'agreed' | 'failed' | 'fresh', string> = { agreed: '', failed: '', fresh: '' };

  function audit(args: string[], env: NodeJS.ProcessEnv = {}) {
    return runCommand(args, { ...withAppSecrets(testApp), ...env });
  }

  /** Rewrites stored events as only the table's owner can: the trigger is off for this one statement. */
  async function tamper(statement: string, parameters: unknown[]) {
    await testApp.db.transaction(async (tx) => {
      await tx.query('ALTER TABLE case_events DISABLE TRIGGER case_events_append_only');
      await tx.query(statement, parameters);
      await tx.query('ALTER TABLE case_events ENABLE TRIGGER case_events_append_only');
    });
  }

  beforeAll(async () => {
    testApp = await startTestApp();
    team = await createCaseTeam(testApp);
    const mediator = team.mediators.community;
    const inMediation: Array<[typeof mediator, Record<string, unknown>]> = [
      [mediator, { type: 'SUBMIT' }],
      [mediator, { type: 'ACCEPT', track: 'people', level: 'community' }],
      [mediator, { type: 'ASSIGN', mediatorUsername: mediator.user.username }],
      [
        mediator,
        { type: 'LOG_SESSION', kind: 'session', heldAt: '2026-11-20T10:00:00+08:00', minutes: '双方到场。' },
      ],
    ];
    for (const key of ['agreed', 'failed', 'fresh'] as const) {
      const registered = await registerCase(testApp, mediator);
      numbers[key] = registered.body.number;
      ids[key] = registered.body.id;
    }
    await sendEvents(testApp, ids.agreed, 0, [
      ...inMediation,
      [mediator, { type: 'REACH_AGREEMENT', form: 'written', terms: '赔偿维修费 3,000 元。' }],
      [mediator, { type: 'FULFILLED' }],
    ]);
    await sendEvents(testApp, ids.failed, 0, [
      ...inMediation,
      [mediator, { type: 'FAIL', reason: '被申请人拒绝调解。', guidance: 'litigation' }],
    ]);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('when every chain is intact, then it says so for all cases, or for the one asked for, and exits 0', () => {
    const all = audit([]);
    expect(all).toMatchObject({ status: 0, stderr: '' });
    expect(all.stdout).toBe('Checked 3 case chains and 0 petition chains: 3 intact, 0 broken.\n');

    const one = audit([numbers.agreed]);
    expect(one).toMatchObject({ status: 0, stdout: 'Checked 1 case chain: 1 intact, 0 broken.\n' });
  });

  it('when usage or configuration is wrong, or the case does not exist, then it explains and exits 2', () => {
    expect(audit([numbers.agreed, numbers.failed])).toMatchObject({ status: 2 });
    expect(audit(['--all'])).toMatchObject({ status: 2 });
    const unknown = audit(['XX-2026-999999']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('No case or petition numbered XX-2026-999999');
    const noSecret = audit([], { SESSION_SECRET: '' });
    expect(noSecret.status).toBe(2);
    expect(noSecret.stderr.trim()).toBe(
      'Configuration error: SESSION_SECRET: is required when DATABASE_URL is set',
    );
    expect(audit(['--help'])).toMatchObject({ status: 0 });
  });

  it('when an event’s payload is rewritten behind the app’s back, then it names that case, exits 1, and the others stay intact', async () => {
    await tamper(
      `UPDATE case_events SET payload = jsonb_set(payload, '{reason}', '"双方均同意终止调解。"') WHERE case_id = $1 AND seq = 6`,
      [ids.failed],
    );

    const all = audit([]);
    expect(all.status).toBe(1);
    expect(all.stdout.split('\n').filter((line) => line.startsWith('BROKEN'))).toEqual([
      `BROKEN ${numbers.failed}: chain broken at event 6 (6 events stored, 6 expected)`,
    ]);
    expect(all.stdout).toContain('Checked 3 case chains and 0 petition chains: 2 intact, 1 broken.');
    expect(audit([numbers.failed]).status).toBe(1);
    expect(audit([numbers.agreed]).status).toBe(0);
    expect((await verifyCase(testApp, team.supervisor, ids.failed)).body).toEqual({
      valid: false,
      events: 6,
      firstBrokenSeq: 6,
    });
  });

  it('when the last events of a case are deleted, then the case’s own count of events gives it away', async () => {
    await tamper('DELETE FROM case_events WHERE case_id = $1 AND seq >= 6', [ids.agreed]);

    const one = audit([numbers.agreed]);
    expect(one.status).toBe(1);
    expect(one.stdout).toContain(
      `BROKEN ${numbers.agreed}: chain broken at event 6 (5 events stored, 7 expected)`,
    );
    expect(audit([numbers.fresh])).toMatchObject({ status: 0 });
    expect(audit([]).stdout).toContain('Checked 3 case chains and 0 petition chains: 1 intact, 2 broken.');
  });
});

/**
 * What someone who can write the database does to history, as issue 17 found it done:
 * rewrite one event's payload, then relink every event from there on — with the public
 * function (all a database administrator has), or with the chain key (someone who holds
 * the app's configuration as well).
 */
async function rewriteEvent(
  db: DataSource,
  kind: 'case' | 'petition',
  ownerId: string,
  seq: number,
  change: (payload: Record<string, unknown>) => Record<string, unknown>,
  relink: { withKey?: Buffer } = {},
) {
  const table = kind === 'case' ? 'case_events' : 'petition_events';
  const events =
    kind === 'case'
      ? await db.getRepository(CaseEventRecord).find({ where: { caseId: ownerId }, order: { seq: 'ASC' } })
      : await db
          .getRepository(PetitionEventRecord)
          .find({ where: { petitionId: ownerId }, order: { seq: 'ASC' } });
  let prevHash = events[seq - 2]?.hash ?? genesisHash;
  let prevDigest = events[seq - 2]?.digest ?? genesisHash;
  await asTableOwner(db, [table], async (tx) => {
    for (const event of events.slice(seq - 1)) {
      const content = {
        ...event,
        ownerId,
        payload: event.seq === seq ? change(event.payload) : event.payload,
      };
      const hash = relink.withKey
        ? sealEvent(relink.withKey, content, prevHash)
        : digestEvent(content, prevHash);
      const digest = digestEvent(content, prevDigest);
      await tx.query(
        `UPDATE ${table} SET payload = $2, prev_hash = $3, hash = $4, digest = $5 WHERE id = $1`,
        [event.id, content.payload, prevHash, hash, digest],
      );
      prevHash = hash;
      prevDigest = digest;
    }
  });
}

describe('the audit:verify command on the anchored trail (issue 17)', () => {
  let testApp: TestApp;
  let dataDir: string;
  const tokens: Record<string, string> = {};
  const as = (username: string) => ({ Authorization: `Bearer ${tokens[username]}` });

  const audit = (args: string[]) => runCommand(args, withAppSecrets(testApp));
  /** An outside auditor: the database (read) and the public key — no secret of the app at all. */
  const asOutsideAuditor = (args: string[]) =>
    runCommand(args, { DATABASE_URL: testApp.config.databaseUrl, DATA_DIR: dataDir });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-audit-anchor-'));
    testApp = await startTestApp({ demoMode: true, dataDir });
    await seedDemoOrganisation(testApp.db);
    for (const username of ['mediator', 'supervisor', 'supervisor.street', 'agent'])
      tokens[username] = await apiToken(testApp.app, username, demoPassword);
  });
  afterAll(async () => {
    await testApp?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const seqOf = async (caseId: string, type: string): Promise<number> =>
    (
      await testApp.db.query('SELECT max(seq) AS seq FROM case_events WHERE case_id = $1 AND type = $2', [
        caseId,
        type,
      ])
    )[0].seq;

  /** A case mediated to an agreement on `terms`, which was then fulfilled. */
  async function agreedCase(terms: string) {
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const row = await caseInState(testApp.services, actor, 'mediation.inProgress');
    return send(
      testApp.services,
      actor,
      row,
      {
        type: 'LOG_SESSION',
        kind: 'session',
        heldAt: '2026-11-20T10:00:00+08:00',
        minutes: '双方到场，就维修费用达成一致。',
      },
      { type: 'REACH_AGREEMENT', form: 'written', terms },
      { type: 'FULFILLED' },
    );
  }

  it('when an agreement’s amount is rewritten in its event and every later hash recomputed with the public function, then /verify, the supervisors’ check and audit:verify report the chain broken there', async () => {
    const row = await agreedCase('被申请人赔偿维修费 36,000 元。');
    const seq = await seqOf(row.id, 'REACH_AGREEMENT');
    const events = row.version + 1;

    await rewriteEvent(testApp.db, 'case', row.id, seq, (payload) => ({
      ...payload,
      terms: '被申请人赔偿维修费 1 元。',
    }));
    // a thorough forger changes the agreement's own row to match
    await testApp.db.query(`UPDATE agreements SET terms = '被申请人赔偿维修费 1 元。' WHERE case_id = $1`, [
      row.id,
    ]);

    // from the rewritten event on, every link is what the public function gives: what every check computed before
    const stored = await testApp.db
      .getRepository(CaseEventRecord)
      .find({ where: { caseId: row.id }, order: { seq: 'ASC' } });
    const linksHold = stored
      .slice(seq - 1)
      .every(
        (event) =>
          event.prevHash === stored[event.seq - 2].hash &&
          event.hash === digestEvent({ ...event, ownerId: row.id }, event.prevHash),
      );
    expect(linksHold).toBe(true);

    const verify = await request(testApp.app).get(`/api/v1/cases/${row.id}/verify`).set(as('supervisor'));
    expect(verify.body).toEqual({ valid: false, events, firstBrokenSeq: seq });
    const one = audit([row.number]);
    expect(one).toMatchObject({ status: 1, stderr: '' });
    expect(one.stdout).toBe(
      `BROKEN ${row.number}: chain broken at event ${seq} (${events} events stored, ${events} expected)\n` +
        'Checked 1 case chain: 0 intact, 1 broken.\n',
    );
    const supervisor = new Browser(testApp.app);
    await supervisor.signIn('supervisor', demoPassword);
    await supervisor.get('/supervision/verify');
    const page = await supervisor.post('/supervision/verify');
    expect(page.text).toContain(row.number);
    expect(page.text).toContain(`自第 ${seq} 条事件起不一致`);
  });

  it('when records mirrored from events are edited in their tables, then audit:verify names each record and field, though the chain itself is intact', async () => {
    const agreed = await agreedCase('被申请人赔偿维修费 36,000 元。');
    const agreementSeq = await seqOf(agreed.id, 'REACH_AGREEMENT');
    const sessionSeq = await seqOf(agreed.id, 'LOG_SESSION');
    const actor = await actorNamed(testApp.services, testApp.db, 'mediator');
    const handedUp = await send(
      testApp.services,
      actor,
      await caseInState(testApp.services, actor, 'mediation.inProgress'),
      { type: 'ESCALATE', reasonCode: 'multi_party', reason: '涉及多个楼组，需街镇协调。' },
    );
    const handOffSeq = await seqOf(handedUp.id, 'ESCALATE');
    const [agreement] = await testApp.db.query('SELECT id FROM agreements WHERE case_id = $1', [agreed.id]);
    const [session] = await testApp.db.query('SELECT id FROM mediation_sessions WHERE case_id = $1', [
      agreed.id,
    ]);

    await testApp.db.query(`UPDATE agreements SET terms = '被申请人赔偿维修费 1 元。' WHERE id = $1`, [
      agreement.id,
    ]);
    await testApp.db.query(`UPDATE mediation_sessions SET minutes = '申请人未到场。' WHERE id = $1`, [
      session.id,
    ]);
    await testApp.db.query('DELETE FROM escalations WHERE case_id = $1', [handedUp.id]);
    await testApp.db.query(`UPDATE cases SET state = 'closed' WHERE id = $1`, [handedUp.id]);

    const agreedAudit = audit([agreed.number]);
    expect(agreedAudit.status).toBe(1);
    expect(agreedAudit.stdout).toBe(
      `MISMATCH ${agreed.number}: agreement ${agreement.id} (event ${agreementSeq}): terms differs from its event\n` +
        `MISMATCH ${agreed.number}: session ${session.id} (event ${sessionSeq}): minutes differs from its event\n` +
        'Checked 1 case chain: 0 intact, 1 broken.\n',
    );
    const handedUpAudit = audit([handedUp.number]);
    expect(handedUpAudit.status).toBe(1);
    expect(handedUpAudit.stdout).toBe(
      `MISMATCH ${handedUp.number}: case (event ${handOffSeq}): state differs from its event\n` +
        `MISMATCH ${handedUp.number}: hand-off of event ${handOffSeq}: missing\n` +
        'Checked 1 case chain: 0 intact, 1 broken.\n',
    );
    // the chains themselves were not touched
    for (const row of [agreed, handedUp]) {
      const verify = await request(testApp.app).get(`/api/v1/cases/${row.id}/verify`).set(as('supervisor'));
      expect(verify.body).toMatchObject({ valid: true });
    }
  });

  it('petitions are covered: a rewritten petition event and a visit edited in its table are reported by the petition’s number', async () => {
    const registered = await request(testApp.app)
      .post('/api/v1/petitions')
      .set(as('agent'))
      .send({
        subject: '小区加装电梯补偿分摊争议',
        content: '一楼住户反映加装电梯后采光受影响，要求补偿。',
        petitioners: [{ kind: 'person', name: '李秀英' }],
      });
    const id = registered.body.id as string;
    const number = registered.body.number as string;
    const accepted = await request(testApp.app)
      .post(`/api/v1/petitions/${id}/events`)
      .set(as('supervisor.street'))
      .send({ type: 'ACCEPT', expectedVersion: 0 });
    expect(accepted.status).toBe(200);
    const visit = await request(testApp.app).post(`/api/v1/petitions/${id}/visits`).set(as('agent')).send({
      visitedAt: '2026-11-22T15:30:00+08:00',
      place: '莘松小区 12 号楼',
      metWith: '李秀英',
      summary: '了解加装电梯对采光的影响。',
      demands: '一次性补偿 2 万元',
    });
    expect(visit.status).toBe(201);
    expect(audit([number])).toMatchObject({
      status: 0,
      stdout: 'Checked 1 petition chain: 1 intact, 0 broken.\n',
    });

    await rewriteEvent(testApp.db, 'petition', id, 2, (payload) => ({ ...payload, type: 'DECLINE' }));
    await testApp.db.query(`UPDATE petition_visits SET demands = '无' WHERE petition_id = $1`, [id]);

    const one = audit([number]);
    expect(one.status).toBe(1);
    expect(one.stdout).toBe(
      `BROKEN ${number}: chain broken at event 2 (3 events stored, 3 expected)\n` +
        `MISMATCH ${number}: visit ${visit.body.id} (event 3): demands differs from its event\n` +
        'Checked 1 petition chain: 0 intact, 1 broken.\n',
    );
    const all = audit([]);
    expect(all.status).toBe(1);
    expect(all.stdout).toContain(`BROKEN ${number}: chain broken at event 2`);
    expect(all.stdout).toMatch(/Checked \d+ case chains and 1 petition chain: \d+ intact, \d+ broken\.\n$/);
    const verify = await request(testApp.app).get(`/api/v1/petitions/${id}/verify`).set(as('agent'));
    expect(verify.body).toEqual({ valid: false, events: 3, firstBrokenSeq: 2 });
  });

  it('a checkpoint is checked by an outside auditor with the public key alone, and history rewritten before it — even relinked with the key — is caught', async () => {
    const mediator = await actorNamed(testApp.services, testApp.db, 'mediator');
    const before = await caseInState(testApp.services, mediator, 'mediation.inProgress');
    const keyAnswer = await request(testApp.app).get('/api/v1/audit/public-key').set(as('supervisor'));
    expect(keyAnswer.body).toEqual({
      algorithm: 'Ed25519',
      publicKey: testApp.services.auditKeys.publicKeyText,
      format: 'raw-base64',
    });
    const publicKey: string = keyAnswer.body.publicKey;
    const [{ chains }] = await testApp.db.query(
      'SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM petitions) AS chains',
    );

    const first = await request(testApp.app).post('/api/v1/audit/checkpoints').set(as('supervisor')).send({});
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      number: 1,
      chains: Number(chains),
      changed: Number(chains),
      publicKey,
    });
    const file = path.join(dataDir, 'audit', 'checkpoints.jsonl');
    const held = path.join(dataDir, 'held-by-the-auditor.jsonl');
    fs.copyFileSync(file, held);
    const clean = asOutsideAuditor(['--checkpoints', held, '--public-key', publicKey]);
    expect(clean).toMatchObject({ status: 0, stderr: '' });
    expect(clean.stdout).toBe(
      `Checked 1 checkpoint (the last: 1, signed ${first.body.signedAt}) with the public key, and ${chains} chains ` +
        `against them: ${chains} intact, 0 broken, 0 problems in the file.\n`,
    );

    // life goes on: a session on a checkpointed case and a new case; the next checkpoint lists just those two
    const moved = await send(testApp.services, mediator, before, {
      type: 'LOG_SESSION',
      kind: 'session',
      heldAt: '2026-11-21T10:00:00+08:00',
      minutes: '申请人要求赔偿 36,000 元。',
    });
    const sessionSeq = moved.version + 1;
    const added = await caseInState(testApp.services, mediator, 'screening');
    const second = await request(testApp.app)
      .post('/api/v1/audit/checkpoints')
      .set(as('supervisor.street'))
      .send({});
    expect(second.body).toMatchObject({ number: 2, chains: Number(chains) + 1, changed: 2 });
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(
      JSON.parse(lines[1])
        .checkpoint.heads.map(([, ownerId]: [string, string]) => ownerId)
        .sort(),
    ).toEqual([moved.id, added.id].sort());
    fs.copyFileSync(file, held);
    expect(asOutsideAuditor(['--checkpoints', held, '--public-key', publicKey]).status).toBe(0);
    // each checkpoint went to the district's supervisors, and each request is in the audit log
    const [{ notices, logged }] = await testApp.db.query(
      `SELECT (SELECT count(*) FROM outbox WHERE kind = 'audit.checkpoint_signed' AND parent_id IS NULL)::int AS notices,
              (SELECT count(*) FROM audit_log WHERE action = 'audit.checkpoint_signed')::int AS logged`,
    );
    expect({ notices, logged }).toEqual({ notices: 2, logged: 2 });

    // someone holding the key and the database rewrites the session and relinks every hash with the key
    const chainKey = new AuditKeys(testApp.config.auditKey).chainKey;
    await rewriteEvent(
      testApp.db,
      'case',
      moved.id,
      sessionSeq,
      (payload) => ({ ...payload, minutes: '申请人要求赔偿 1 元。' }),
      { withKey: chainKey },
    );
    await testApp.db.query(
      `UPDATE mediation_sessions SET minutes = '申请人要求赔偿 1 元。' WHERE case_id = $1`,
      [moved.id],
    );
    // … and cuts the last event off another checkpointed case, its count of events lowered to match
    await asTableOwner(testApp.db, ['case_events'], (tx) =>
      tx.query('DELETE FROM case_events WHERE case_id = $1 AND seq = $2', [added.id, added.version + 1]),
    );
    await testApp.db.query('UPDATE cases SET version = version - 1, state = $2 WHERE id = $1', [
      added.id,
      'registered',
    ]);
    // with the key, both histories hold together: the keyed check cannot tell
    expect(audit([moved.number])).toMatchObject({ status: 0 });
    expect(audit([added.number])).toMatchObject({ status: 0 });

    const caught = asOutsideAuditor(['--checkpoints', held, '--public-key', publicKey]);
    expect(caught.status).toBe(1);
    expect(
      caught.stdout
        .split('\n')
        .filter((line) => line.startsWith('BROKEN'))
        .sort(),
    ).toEqual(
      [
        `BROKEN ${moved.number}: its events up to ${sessionSeq} no longer match checkpoint 2`,
        `BROKEN ${added.number}: its events up to ${added.version + 1} no longer match checkpoint 2`,
      ].sort(),
    );
    expect(caught.stdout).toContain(
      `${Number(chains) + 1} chains against them: ${Number(chains) - 1} intact, 2 broken`,
    );
  });

  it('a checkpoint file altered after it was signed, or checked with another key, is refused line by line', () => {
    const held = path.join(dataDir, 'held-by-the-auditor.jsonl');
    const publicKey = testApp.services.auditKeys.publicKeyText;
    const lines = fs.readFileSync(held, 'utf8').trimEnd().split('\n');
    const altered = JSON.parse(lines[1]);
    altered.checkpoint.heads[0][2] += 1;
    const alteredFile = path.join(dataDir, 'altered.jsonl');
    fs.writeFileSync(alteredFile, `${lines[0]}\n${JSON.stringify(altered)}\n`);
    const refused = asOutsideAuditor(['--checkpoints', alteredFile, '--public-key', publicKey]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(
      'PROBLEM line 2: checkpoint 2: the signature does not verify with the public key',
    );

    const withoutFirst = path.join(dataDir, 'without-first.jsonl');
    fs.writeFileSync(withoutFirst, `${lines[1]}\n`);
    expect(asOutsideAuditor(['--checkpoints', withoutFirst, '--public-key', publicKey]).stdout).toContain(
      'PROBLEM line 1: checkpoint 2 does not follow the start of the file',
    );

    const otherKey = new AuditKeys(Buffer.alloc(32, 99)).publicKeyText;
    const wrongKey = asOutsideAuditor(['--checkpoints', held, '--public-key', otherKey]);
    expect(wrongKey.status).toBe(2);
    expect(wrongKey.stdout).toContain('PROBLEM line 1: checkpoint 1 names another public key');
    expect(wrongKey.stderr).toContain('No checkpoint in');

    expect(asOutsideAuditor(['--checkpoints', held]).status).toBe(2);
    expect(asOutsideAuditor(['--checkpoints', held, '--public-key', 'not-a-key']).stderr).toContain(
      '--public-key',
    );
  });
});

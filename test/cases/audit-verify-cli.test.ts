import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/shared/paths';
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

describe('the audit:verify command', () => {
  let testApp: TestApp;
  let team: CaseTeam;
  const numbers: Record<'agreed' | 'failed' | 'fresh', string> = { agreed: '', failed: '', fresh: '' };
  const ids: Record<'agreed' | 'failed' | 'fresh', string> = { agreed: '', failed: '', fresh: '' };

  function audit(args: string[], env: NodeJS.ProcessEnv = {}) {
    const result = spawnSync(process.execPath, [command, ...args], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: testApp.config.databaseUrl,
        SESSION_SECRET: testApp.config.sessionSecret,
        DATA_KEY: testApp.config.dataKey.toString('hex'),
        AUDIT_KEY: testApp.config.auditKey.toString('hex'),
        ...env,
      },
      encoding: 'utf8',
      timeout: 30000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
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
    execFileSync(
      path.join(projectRoot, 'node_modules/.bin/tsc'),
      ['-p', 'tsconfig.build.json', '--outDir', buildDir],
      { cwd: projectRoot },
    );
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
    fs.rmSync(buildDir, { recursive: true, force: true });
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

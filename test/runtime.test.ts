import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../src/shared/paths';
import { runtimeProblem, runtimeRequirement } from '../src/shared/runtime/node-runtime';

/** The machines' own Node.js (20, past its end of life): what the app must refuse. */
const machineNode = '/usr/bin/node';

describe('the Node.js runtime the project brings', () => {
  const requirement = runtimeRequirement();

  it('is the pinned LTS major: the tests themselves run on it, not on the machine’s Node 20', () => {
    expect(requirement.major).toBe(26);
    expect(Number(process.versions.node.split('.')[0])).toBe(requirement.major);
  });

  it('when the Node.js is older than the pinned major, then the check names both in one line', () => {
    const problem = runtimeProblem('v20.20.2', requirement);
    expect(problem).toMatch(/^Node\.js v20\.20\.2 is not supported: this app needs Node\.js 26 /);
    expect(problem).not.toContain('\n');
    expect(runtimeProblem('v26.0.0', requirement)).toBeNull();
    expect(runtimeProblem('v28.1.0', requirement)).toBeNull();
  });

  it('when the built app is started on the machine’s Node 20, then it refuses in one line with exit code 2 before loading anything else', () => {
    execFileSync(path.join(projectRoot, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: projectRoot,
    });
    const old = spawnSync(machineNode, ['--version'], { encoding: 'utf8' });
    expect(old.stdout.trim()).toMatch(/^v20\./);

    for (const entry of ['dist/src/main.js', 'dist/src/cli/seed-demo.js', 'dist/src/cli/audit-verify.js']) {
      const result = spawnSync(machineNode, [entry], {
        cwd: projectRoot,
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
        timeout: 20000,
      });
      expect({ entry, status: result.status }).toEqual({ entry, status: 2 });
      const lines = result.stderr.trim().split('\n');
      expect(lines).toEqual([
        expect.stringMatching(/^Node\.js v20\.\d+\.\d+ is not supported: .*Node\.js 26/),
      ]);
      expect(result.stdout).toBe('');
    }
  });
});

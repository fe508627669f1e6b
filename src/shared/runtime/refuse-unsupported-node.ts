import { runtimeProblem, runtimeRequirement } from './node-runtime';

/**
 * Imported first by every entry point (the server, the CLI scripts, the benchmark):
 * on a Node.js older than the pinned major it says so in one line and exits 2, before
 * any other module is loaded (some need a newer Node just to load).
 */
const problem = runtimeProblem(process.version, runtimeRequirement());
if (problem) {
  process.stderr.write(`${problem}\n`);
  process.exit(2);
}

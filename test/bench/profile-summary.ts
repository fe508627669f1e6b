import fs from 'node:fs';

/**
 * Summarises a V8 `.cpuprofile` of the app under the benchmark's load
 * (`BENCH_APP_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR"`, see README "How to run it"):
 * self time by package or `src/` folder, self time by function, and the inclusive time of
 * the app's own functions (`dist/src`), each as a share of the busy (not idle) time.
 *
 *   npx node dist/test/bench/profile-summary.js DIR/CPU….cpuprofile [top=40] [lastSeconds] [butTheLast]
 *
 * `lastSeconds` keeps only the profile's last seconds: the load phases, without the app's
 * start-up and its deadline sweep (the bench's log says how long the phases took);
 * `butTheLast` leaves out that many seconds at the very end, so that one phase can be taken
 * alone (the case page's, without the "hello" and floor phases after it).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function main() {
  const [file, topArg, lastArg, skipArg] = process.argv.slice(2);
  if (!file)
    throw new Error('usage: profile-summary FILE.cpuprofile [top] [lastSeconds] [butTheLastSeconds]');
  const top = Number(topArg ?? 40);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const { samples, deltas } = window(profile, Number(lastArg ?? 0), Number(skipArg ?? 0));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idle = 0;
  let total = 0;
  samples.forEach((id, index) => {
    const us = deltas[index];
    total += us;
    const node = byId.get(id) as ProfileNode;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      return;
    }
    add(self, label(node), us);
    add(areas, areaOf(node), us);
    // each of our functions once per sample, however deep it recurs
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at) as ProfileNode;
      if (!frame.callFrame.url.includes('/dist/src/')) continue;
      const name = label(frame);
      if (!seen.has(name)) add(inclusive, name, us);
      seen.add(name);
    }
  });
  const busy = total - idle;
  const line = (us: number, name: string) =>
    `${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`;
  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n-- ${title} --`);
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(line(us, name));
  };
  console.log(
    `${file}\n${ms(total)} profiled, ${ms(idle)} idle, ${ms(busy)} busy (the shares are of busy time)`,
  );
  print('self time by area', areas);
  print('self time by function', self);
  print('inclusive time of our own functions (dist/src)', inclusive);
}

function window(
  profile: Profile,
  lastSeconds: number,
  skipSeconds: number,
): { samples: number[]; deltas: number[] } {
  if (!(lastSeconds > 0)) return { samples: profile.samples, deltas: profile.timeDeltas };
  const end = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  const from = end - lastSeconds * 1e6;
  const to = end - Math.max(0, skipSeconds) * 1e6;
  const samples: number[] = [];
  const deltas: number[] = [];
  let at = 0;
  profile.samples.forEach((id, index) => {
    at += profile.timeDeltas[index];
    if (at >= from && at <= to) {
      samples.push(id);
      deltas.push(profile.timeDeltas[index]);
    }
  });
  return { samples, deltas };
}

function add(map: Map<string, number>, key: string, us: number) {
  map.set(key, (map.get(key) ?? 0) + us);
}

function ms(us: number): string {
  return `${(us / 1000).toFixed(0)} ms`;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, '');
  return `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
}

/** The package, the `src/` folder or the runtime part a frame belongs to. */
function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.match(/dist\/(src\/[^/]+)/)?.[1] ?? url;
}

main();

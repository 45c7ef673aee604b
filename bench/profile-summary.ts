// Summarises the .cpuprofile files of a folder (bench/profile-decision.ts):
// per profile, self time by where the code lives (a package under
// node_modules, the project's own folders, Node internals, GC, idle) and the
// functions with the most self time.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

function where(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node internals';
  const m = /\/work\/[^/]+\/([^/]+)\//.exec(url);
  return m ? `project ${m[1]}/` : url.includes('workflow-bundle') ? 'workflow bundle' : url;
}

const dir = process.argv[2] ?? '/tmp/prof';
for (const file of (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const p = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = [...self.entries()].filter(([id]) => byId.get(id)?.callFrame.functionName !== '(idle)').reduce((a, [, v]) => a + v, 0);
  const byWhere = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const w = where(n.callFrame.url, n.callFrame.functionName);
    byWhere.set(w, (byWhere.get(w) ?? 0) + us);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${w}:${n.callFrame.lineNumber}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
  }
  const ms = (us: number) => (us / 1000).toFixed(0);
  console.log(`\n## ${file}: ${ms(total)} ms sampled, ${ms(busy)} ms busy`);
  console.log('| where | self ms | % of busy |\n|---|---|---|');
  for (const [w, us] of [...byWhere].sort((a, b) => b[1] - a[1]).slice(0, 15)) if (w !== '(idle)') console.log(`| ${w} | ${ms(us)} | ${((100 * us) / busy).toFixed(1)} |`);
  console.log('\n| function | self ms |\n|---|---|');
  for (const [f, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 15)) if (!f.startsWith('(idle)')) console.log(`| ${f} | ${ms(us)} |`);
}

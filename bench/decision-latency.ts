// Decision latency (issue 8.1): an officer's decision through the HTTP API
// (auth, validation, Update, read-model write, response) at 1, 10 and 50
// concurrent clients, beside the raw Temporal Update round trip on a trivial
// workflow, on the same dev server in the same run.
//
//   npx tsx bench/decision-latency.ts            # full: 200 decisions per level
//   npx tsx bench/decision-latency.ts --smoke    # CI: a handful per level
import { randomUUID } from 'node:crypto';
import { signDevToken } from '../api/auth';
import { applicationWorkflow, type ApplicationInput } from '../workflows/application';
import { rawStop, rawUpdate, rawUpdateWorkflow } from './bench-workflows';
import { BENCH_SECRET, percentiles, startStack, timedPool, type Stack } from './stack';

const smoke = process.argv.includes('--smoke');
const LEVELS = [1, 10, 50];
const perLevel = (c: number) => (smoke ? Math.max(2, c) : Math.max(200, c * 4));

async function startApplications(stack: Stack, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  await Promise.all(
    ids.map((applicationId, n) => {
      const input: ApplicationInput = {
        applicationId,
        year: 2027,
        unit: { name: `基准县${n}`, type: 'county', prefectures: ['520300'], terrain: 'mountain' },
        applicant: { name: `基准县${n}人民政府`, contactEmail: `bench-${n}@unit.example`, sub: `bench-applicant-${n}` },
        materials: [],
        submittedAt: new Date().toISOString(),
      };
      return stack.env.client.workflow.start(applicationWorkflow, { taskQueue: stack.taskQueue, workflowId: `application-${applicationId}`, args: [input] });
    }),
  );
  // The API decides only on recorded applications whose pre-review task is open.
  for (;;) {
    const open = await stack.db.task.count({ where: { applicationId: { in: ids }, step: 'prefectureReview', status: 'open' } });
    if (open === ids.length) return ids;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function ours(stack: Stack, ids: string[], concurrency: number): Promise<number[]> {
  const token = await signDevToken(BENCH_SECRET, { sub: 'bench-officer', role: 'prefectureOfficer', prefecture: '520300' });
  return timedPool(ids.length, concurrency, async (i) => {
    const res = await fetch(`${stack.apiBase}/api/applications/${ids[i]}/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decisionId: `bench-${randomUUID()}`, action: 'prefectureAccept', reason: '材料齐全' }),
    });
    if (res.status !== 200) throw new Error(`decision answered ${res.status}: ${await res.text()}`);
  });
}

async function raw(stack: Stack, count: number, concurrency: number): Promise<number[]> {
  const handles = await Promise.all(
    Array.from({ length: count }, () => stack.env.client.workflow.start(rawUpdateWorkflow, { taskQueue: stack.rawTaskQueue, workflowId: `raw-${randomUUID()}` })),
  );
  const durations = await timedPool(count, concurrency, async (i) => {
    await handles[i]!.executeUpdate(rawUpdate, { args: [i] });
  });
  await Promise.all(handles.map((h) => h.executeUpdate(rawStop)));
  return durations;
}

const stack = await startStack();
try {
  // Warm both paths (bundles loaded, connections open, JIT) before measuring.
  await ours(stack, await startApplications(stack, 5), 5);
  await raw(stack, 5, 5);
  const rows = [];
  for (const c of LEVELS) {
    const n = perLevel(c);
    const ids = await startApplications(stack, n);
    const rawStats = percentiles(await raw(stack, n, c));
    const ourStats = percentiles(await ours(stack, ids, c));
    rows.push({ concurrency: c, n, ours: ourStats, raw: rawStats, ratioP50: +(ourStats.p50 / rawStats.p50).toFixed(2), ratioP95: +(ourStats.p95 / rawStats.p95).toFixed(2) });
  }
  console.log('| clients | n | ours p50 / p95 / p99 (ms) | raw Update p50 / p95 / p99 (ms) | ratio p50 | ratio p95 |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.concurrency} | ${r.n} | ${r.ours.p50} / ${r.ours.p95} / ${r.ours.p99} | ${r.raw.p50} / ${r.raw.p95} / ${r.raw.p99} | ${r.ratioP50}× | ${r.ratioP95}× |`);
  }
  console.log(JSON.stringify({ bench: 'decision-latency', smoke, rows }));
} finally {
  await stack.stop();
}

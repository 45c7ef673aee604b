// Decision latency (issue 8.1): an officer's decision through the HTTP API
// (auth, validation, Update, read-model write, response) at 1, 10 and 50
// concurrent clients, beside the raw Temporal Update round trip on a trivial
// workflow, on the same dev server in the same run. A third column splits
// the difference: the same decision as a Workflow Update sent straight to
// the application workflow (its checks and its local-activity writes, no
// HTTP, no API reads); a fourth, the raw Update whose handler awaits one
// local activity that does nothing (what a local activity alone adds); a
// fifth, the raw Update whose handler records one act through our real write
// path (activities/record-act.ts): the floor of any decision that answers
// after its write is committed.
//
// The target (issue 24) is ours against the floor, at p50 in one run; on a
// shared machine, measure each level several times in the run (--rounds)
// and read the median of the rounds' ratios.
//
//   npx tsx bench/decision-latency.ts            # full: 200 decisions per level, 1, 10 and 50 clients
//   npx tsx bench/decision-latency.ts --levels 1,10 --rounds 3 [--n 100]
//   npx tsx bench/decision-latency.ts --worker in-process   # the worker beside the API and the load, as before issue 24
//   npx tsx bench/decision-latency.ts --smoke    # CI: a handful per level
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../activities/audit';
import { signDevToken } from '../api/auth';
import { decideUpdate, type Actor } from '../workflows/messages';
import { rawLocalUpdate, rawRecordUpdate, rawStop, rawUpdate, rawUpdateWorkflow } from './bench-workflows';
import { BENCH_SECRET, cpuByRole, cpuDelta, percentiles, settled, startApplications, startStack, timedPool, type Stack } from './stack';

const smoke = process.argv.includes('--smoke');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
/** Concurrent clients, e.g. `--levels 1,10` (default 1, 10 and 50). */
const LEVELS = (arg('levels') ?? '1,10,50').split(',').map(Number);
/** Each level measured this many times in the run (`--rounds 3`); the tables give each round and the median. */
const ROUNDS = Number(arg('rounds') ?? 1);
/** Where the worker runs: `process` (default: its own, as in production) or `in-process` (beside the API and the load, as before issue 24). */
const WORKER = arg('worker') === 'in-process' ? 'inProcess' : 'process';
const perLevel = (c: number) => (smoke ? Math.max(2, c) : Number(arg('n') ?? Math.max(200, c * 4)));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Decisions answered 503 and retried by the load generator (counted in their time). */
let retried503 = 0;

async function ours(stack: Stack, ids: string[], concurrency: number): Promise<number[]> {
  const token = await signDevToken(BENCH_SECRET, { sub: 'bench-officer', role: 'prefectureOfficer', prefecture: '520300' });
  return timedPool(ids.length, concurrency, async (i) => {
    const body = JSON.stringify({ decisionId: `bench-${randomUUID()}`, action: 'prefectureAccept', reason: '材料齐全' });
    for (;;) {
      const res = await fetch(`${stack.apiBase}/api/applications/${ids[i]}/decisions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      // 503: the Update's deadline passed (an overloaded machine); a client retries with the same id, which is safe, and the time counts.
      if (res.status === 503) {
        retried503 += 1;
        continue;
      }
      if (res.status !== 200) throw new Error(`decision answered ${res.status}: ${await res.text()}`);
      return;
    }
  });
}

interface Sent {
  workflowId: string;
  updateId: string;
}

/**
 * From the workflow histories: how long the worker held the workflow task(s)
 * that accepted and completed each Update (WorkflowTaskStarted before the
 * UpdateAccepted event → WorkflowTaskCompleted before UpdateCompleted); the
 * rest of the round trip is the client, the server and the network.
 */
async function workerHeld(stack: Stack, sent: Sent[]) {
  const ms: number[] = [];
  const at = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  for (const { workflowId, updateId } of sent) {
    const events = (await stack.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === updateId);
    const completed = events.findIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId);
    if (accepted < 0 || completed < 0) continue;
    const started = events.slice(0, accepted).findLast((e) => e.workflowTaskStartedEventAttributes);
    const done = events.slice(0, completed).findLast((e) => e.workflowTaskCompletedEventAttributes);
    if (started && done) ms.push(at(done) - at(started));
  }
  return percentiles(ms);
}

const officer: Actor = { sub: 'bench-officer', role: 'prefectureOfficer', prefecture: '520300' };

/** The same decision as a Workflow Update straight to the application workflow. */
async function direct(stack: Stack, ids: string[], concurrency: number, sent: Sent[] = []): Promise<number[]> {
  return timedPool(ids.length, concurrency, async (i) => {
    const decisionId = `bench-${randomUUID()}`;
    sent.push({ workflowId: `application-${ids[i]}`, updateId: decisionId });
    await stack.env.client.workflow
      .getHandle(`application-${ids[i]}`)
      .executeUpdate(decideUpdate, { updateId: decisionId, args: [{ decisionId, action: 'prefectureAccept', actor: officer, reason: '材料齐全', payload: {} }] });
  });
}

/**
 * The raw Update on a trivial workflow; with `local: true`, its handler first
 * awaits one no-op local activity; with `local: 'record'`, one local activity
 * that records an act through the real write path.
 */
async function raw(stack: Stack, count: number, concurrency: number, local: boolean | 'record' = false, sent: Sent[] = []): Promise<number[]> {
  const handles = await Promise.all(
    Array.from({ length: count }, () => stack.env.client.workflow.start(rawUpdateWorkflow, { taskQueue: stack.rawTaskQueue, workflowId: `raw-${randomUUID()}` })),
  );
  const durations = await timedPool(count, concurrency, async (i) => {
    const updateId = `raw-${randomUUID()}`;
    sent.push({ workflowId: handles[i]!.workflowId, updateId });
    await handles[i]!.executeUpdate(local === 'record' ? rawRecordUpdate : local ? rawLocalUpdate : rawUpdate, { updateId, args: [i] });
  });
  await Promise.all(handles.map((h) => h.executeUpdate(rawStop)));
  return durations;
}

/**
 * The audit chain's append alone (activities/audit.ts appendAudit, which
 * every decision's `recordAct` local activity runs, after its read-model writes): a transaction that
 * takes one advisory lock for the whole chain, reads the last hash, inserts.
 */
async function auditAppends(stack: Stack, count: number, concurrency: number) {
  const started = performance.now();
  const durations = await timedPool(count, concurrency, async (i) => {
    await appendAudit(stack.db, {
      decisionId: `bench-audit-${randomUUID()}`, subjectType: 'base', subjectId: `bench-${i}`, action: 'bench',
      actorSub: 'bench-officer', actorRole: 'provinceOfficer', payload: {}, outcome: 'applied', at: new Date().toISOString(),
    });
  });
  return { concurrency, ...percentiles(durations), perSecond: Math.round((count / ((performance.now() - started) / 1000)) * 10) / 10 };
}

const stack = await startStack({ worker: WORKER });
try {
  // Warm both paths (bundles loaded, connections open, JIT) before measuring.
  await ours(stack, await startApplications(stack, 5), 5);
  await direct(stack, await startApplications(stack, 5), 5);
  await raw(stack, 5, 5);
  await raw(stack, 5, 5, true);
  await raw(stack, 5, 5, 'record');
  type Stats = ReturnType<typeof percentiles>;
  const rows: Array<{
    round: number; concurrency: number; n: number; ours: Stats; direct: Stats; raw: Stats; rawLocal: Stats; rawRecord: Stats;
    floorRatioP50: number; ratioP50: number; ratioP95: number; ratioP99: number; directRatioP50: number; rawLocalRatioP50: number; rawRecordRatioP50: number;
    oursPerSecond: number; oursCpuMs: Record<string, number>; rawCpuMs: Record<string, number>;
  }> = [];
  for (let round = 1; round <= ROUNDS; round++) for (const c of LEVELS) {
    const n = perLevel(c);
    const ids = await startApplications(stack, n);
    const directIds = await startApplications(stack, n);
    // CPU of every process (this one: API, client, and the worker unless it has its own; the worker; the Temporal server; PostgreSQL) per decision.
    const cpuPer = (before: Record<string, number>) =>
      Object.fromEntries(Object.entries(cpuDelta(before, cpuByRole(stack.workerPid))).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round((v * 1000) / n)]));
    await settled(stack);
    let cpu = cpuByRole(stack.workerPid);
    const rawStats = percentiles(await raw(stack, n, c));
    const rawCpuMs = cpuPer(cpu);
    await settled(stack);
    const recordStats = percentiles(await raw(stack, n, c, 'record'));
    cpu = cpuByRole(stack.workerPid);
    const t = performance.now();
    const ourStats = percentiles(await ours(stack, ids, c));
    const oursPerSecond = Math.round(n / ((performance.now() - t) / 1000));
    const oursCpuMs = cpuPer(cpu);
    await settled(stack);
    const directStats = percentiles(await direct(stack, directIds, c));
    await settled(stack);
    const localStats = percentiles(await raw(stack, n, c, true));
    const ratio = (a: number, b: number) => +(a / b).toFixed(2);
    rows.push({
      round, concurrency: c, n, ours: ourStats, direct: directStats, raw: rawStats, rawLocal: localStats, rawRecord: recordStats,
      floorRatioP50: ratio(ourStats.p50, recordStats.p50),
      ratioP50: ratio(ourStats.p50, rawStats.p50), ratioP95: ratio(ourStats.p95, rawStats.p95), ratioP99: ratio(ourStats.p99, rawStats.p99),
      directRatioP50: ratio(directStats.p50, rawStats.p50),
      rawLocalRatioP50: ratio(localStats.p50, rawStats.p50),
      rawRecordRatioP50: ratio(recordStats.p50, rawStats.p50),
      oursPerSecond, oursCpuMs, rawCpuMs,
    });
    // Each round as it ends, on stderr: a slow run on a busy machine shows its progress.
    const r = rows.at(-1)!;
    console.error(`round ${round}, ${c} clients: ours p50 ${r.ours.p50} ms, floor ${r.rawRecord.p50} ms (ours / floor ${r.floorRatioP50}×), raw ${r.raw.p50} ms`);
  }
  console.log(`worker: ${WORKER === 'process' ? 'a process of its own (bench/decision-worker.ts)' : "in the benchmark's process"}; ${ROUNDS} round(s)`);
  console.log('');
  console.log('| round | clients | n | ours (HTTP API) p50 / p95 / p99 (ms) | **floor**: raw Update + our one write (recordAct) p50 / p95 / p99 (ms) | **ours / floor** p50 | raw Update p50 / p95 / p99 (ms) | ours / raw p50 / p95 / p99 | Update on the application workflow, no HTTP: p50 (ms) (/ raw) | raw Update + 1 no-op local activity p50 (ms) (/ raw) | floor / raw p50 |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.round} | ${r.concurrency} | ${r.n} | ${r.ours.p50} / ${r.ours.p95} / ${r.ours.p99} | ${r.rawRecord.p50} / ${r.rawRecord.p95} / ${r.rawRecord.p99} | **${r.floorRatioP50}×** | ${r.raw.p50} / ${r.raw.p95} / ${r.raw.p99} | ${r.ratioP50}× / ${r.ratioP95}× / ${r.ratioP99}× | ${r.direct.p50} (${r.directRatioP50}×) | ${r.rawLocal.p50} (${r.rawLocalRatioP50}×) | ${r.rawRecordRatioP50}× |`,
    );
  }
  const medians = LEVELS.map((c) => {
    const of = rows.filter((r) => r.concurrency === c);
    return {
      concurrency: c, rounds: of.length, oursP50: median(of.map((r) => r.ours.p50)), floorP50: median(of.map((r) => r.rawRecord.p50)),
      rawP50: median(of.map((r) => r.raw.p50)), floorRatioP50: median(of.map((r) => r.floorRatioP50)),
    };
  });
  console.log('');
  console.log('| clients | rounds | median of p50s: ours (ms) | floor (ms) | raw Update (ms) | **median of the rounds\' ours / floor** |');
  console.log('|---|---|---|---|---|---|');
  for (const m of medians) console.log(`| ${m.concurrency} | ${m.rounds} | ${m.oursP50} | ${m.floorP50} | ${m.rawP50} | **${m.floorRatioP50}×** |`);
  console.log('');
  const audit = [];
  for (const c of LEVELS) audit.push(await auditAppends(stack, perLevel(c), c));
  console.log(`decisions answered 503 and retried with the same id: ${retried503}`);
  console.log(`our decisions /s: ${rows.map((r) => `${r.concurrency} clients ${r.oursPerSecond}`).join('; ')}`);
  console.log('CPU ms per decision, all processes, during each phase (ours: incl. the follow-up activities and mails that ran meanwhile) · per raw Update (incl. starting and stopping its workflow):');
  for (const r of rows) console.log(`  round ${r.round}, ${r.concurrency} clients: ${JSON.stringify(r.oursCpuMs)} · ${JSON.stringify(r.rawCpuMs)}`);
  console.log('');
  console.log('| audit chain append alone: concurrent | n | p50 / p95 / p99 (ms) | appends /s |');
  console.log('|---|---|---|---|');
  for (const a of audit) console.log(`| ${a.concurrency} | ${a.n} | ${a.p50} / ${a.p95} / ${a.p99} | ${a.perSecond} |`);
  // One client, one decision at a time: where an Update's time goes.
  const n1 = perLevel(1);
  const sentDirect: Sent[] = [];
  const sentRaw: Sent[] = [];
  const sentLocal: Sent[] = [];
  const sentRecord: Sent[] = [];
  const aloneIds = await startApplications(stack, n1);
  await settled(stack);
  const directAlone = percentiles(await direct(stack, aloneIds, 1, sentDirect));
  const rawAlone = percentiles(await raw(stack, n1, 1, false, sentRaw));
  const localAlone = percentiles(await raw(stack, n1, 1, true, sentLocal));
  const recordAlone = percentiles(await raw(stack, n1, 1, 'record', sentRecord));
  const held = {
    direct: await workerHeld(stack, sentDirect), raw: await workerHeld(stack, sentRaw), rawLocal: await workerHeld(stack, sentLocal), rawRecord: await workerHeld(stack, sentRecord),
  };
  console.log('');
  console.log('| one client, p50 (ms) | round trip | worker holds the workflow task (from the history) | rest: client, server, network |');
  console.log('|---|---|---|---|');
  const split = (name: string, total: { p50: number }, w: { p50: number }) => console.log(`| ${name} | ${total.p50} | ${w.p50} | ${Math.round((total.p50 - w.p50) * 10) / 10} |`);
  split('decision Update on the application workflow', directAlone, held.direct);
  split('raw Update', rawAlone, held.raw);
  split('raw Update + 1 no-op local activity', localAlone, held.rawLocal);
  split('raw Update + our one write (recordAct)', recordAlone, held.rawRecord);
  console.log(JSON.stringify({ bench: 'decision-latency', smoke, worker: WORKER, rounds: ROUNDS, retried503, rows, medians, audit, oneClient: { direct: directAlone, raw: rawAlone, rawLocal: localAlone, rawRecord: recordAlone, workerHeld: held } }));
} finally {
  await stack.stop();
}

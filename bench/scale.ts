// Scale (issue 8.4): N open base workflows (workflows/base.ts, each waiting
// on its timers) on ONE worker, a process of its own (bench/scale-worker.ts)
// whose memory is read from /proc, so that the load generator, the SMTP
// sink and the servers are not counted.
//
// Two parts:
//
// A. The dev server (real time): N bases named today are started; the
//    start rate (starts accepted by the server per second, and bases
//    initialised per second: first workflow task and the `recordBase`
//    activity done), then the worker's RSS with all N open and idle on
//    their timers: its peak and its steady value over a hold period.
//
// B. One year of reminders: on the dev server a year takes a year, so this
//    part runs on the time-skipping test server (infra/temporal-test-server.ts),
//    the same worker process and real activities (PostgreSQL, SMTP). Its
//    clock is moved to the next 1 December, 10:00 CST; M bases are named
//    that day and the clock then moves one day at a time for 365 days.
//    Nobody acts, so each base's year is: continue-as-new at 24:00 CST on
//    31 December, the annual summary's reminders 30 and 7 days before
//    31 January (1 and 24 January, 09:00 CST; all M at the same instant),
//    the overdue summary's task for the prefecture on 1 February (mail),
//    its reminder before the due date and its escalation to the province:
//    5 mails per base. The figure is the wall time of that year, until the
//    last mail is in the SMTP server. The test server advances its clock
//    only when no workflow or activity task is outstanding, so the time
//    measured is the time the work took.
//
//   npx tsx bench/scale.ts                  # full: 10,000 bases in A and in B
//   npx tsx bench/scale.ts --smoke          # CI: 200 in A, 100 in B, short hold
//   npx tsx bench/scale.ts --n 2000 [--year-n 1000] [--hold 60] [--no-year] [--max-cached <n|sdk>] [--heap <MiB|none>] [--trivial]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addDays, cstDateOf, startOfCstDayMs } from '../domain/dates';
import { PREFECTURES } from '../prisma/seed';
import { baseWorkflow } from '../workflows/base';
import { rawUpdateWorkflow } from './bench-workflows';
import type { BaseInput } from '../workflows/base-messages';
import type { WorkerMessage, WorkerStats } from './scale-worker';
import { advanceClock, cpuByRole, cpuDelta, percentiles, startServices, timedPool, type Services } from './stack';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const MiB = 1024 * 1024;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function count(name: string, fallback: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
}
const smoke = process.argv.includes('--smoke');
const N = count('--n', smoke ? 200 : 10_000);
const YEAR_N = process.argv.includes('--no-year') || process.argv.includes('--trivial') ? 0 : count('--year-n', smoke ? 100 : N);
const HOLD_SECONDS = count('--hold', smoke ? 5 : 60);
/** Variant: the worker with another sticky cache size than production's default; `sdk`: the SDK's own default. */
const MAX_CACHED = option('--max-cached');
/** Variant: part A with the benchmarks' trivial workflow (bench/bench-workflows.ts) instead of bases: what the SDK alone costs per open workflow. */
const TRIVIAL = process.argv.includes('--trivial');
/**
 * V8's heap limit of the worker process in MiB, as `npm run worker` sets it
 * (WORKER_HEAP_MIB, default 512); `--heap none`: V8's own default (about
 * 4 GiB on this machine), for comparison.
 */
const HEAP = option('--heap') ?? process.env.WORKER_HEAP_MIB ?? '512';
if (HEAP !== 'none' && !/^\d+$/.test(HEAP)) throw new Error(`--heap must be MiB or none, got "${HEAP}"`);
/** Starts in flight at once from the load generator. */
const START_CONCURRENCY = 64;

const WORKER = fileURLToPath(new URL('./scale-worker.ts', import.meta.url));
const BENCH_WORKFLOWS = fileURLToPath(new URL('./bench-workflows.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Sample {
  at: number;
  /** VmRSS of the worker process, bytes. */
  rss: number;
  cachedWorkflows: number | null;
}

/** /proc/<pid>/status VmRSS and VmHWM (peak), in bytes. */
function procMemory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

const mib = (bytes: number) => Math.round(bytes / MiB);

/** The worker as a child process, sampled every 500 ms. */
async function startWorker(services: Services, taskQueue: string) {
  const child = spawn(process.execPath, [...(HEAP === 'none' ? [] : [`--max-old-space-size=${HEAP}`]), '--import', 'tsx', WORKER], {
    cwd: ROOT,
    env: {
      ...process.env,
      BENCH_TEMPORAL_ADDRESS: services.env.address,
      BENCH_TASK_QUEUE: taskQueue,
      BENCH_DATABASE_URL: services.databaseUrl,
      BENCH_SMTP_URL: services.sink.url,
      ...(MAX_CACHED ? { BENCH_MAX_CACHED_WORKFLOWS: MAX_CACHED } : {}),
      ...(TRIVIAL ? { BENCH_WORKFLOWS_PATH: BENCH_WORKFLOWS } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid!;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stats: WorkerStats | null = null;
  const samples: Sample[] = [];
  const ready = new Promise<{ startupMs: number; maxCachedWorkflows: number }>((resolve, reject) => {
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') resolve(m);
      else stats = m;
    });
    void exited.then((code) => reject(new Error(`the worker exited (${code}) before it was ready`)));
  });
  const { startupMs, maxCachedWorkflows } = await ready;
  const timer = setInterval(() => {
    const mem = procMemory(pid);
    if (mem) samples.push({ at: performance.now(), rss: mem.rss, cachedWorkflows: stats?.cachedWorkflows ?? null });
  }, 500);
  return {
    pid,
    startupMs,
    maxCachedWorkflows,
    samples,
    stats: () => stats,
    /** True once the worker has had nothing in flight for `forMs`. */
    async idle(forMs = 3000, timeoutMs = 30 * 60_000): Promise<void> {
      const end = Date.now() + timeoutMs;
      let since: number | null = null;
      for (;;) {
        const s = stats;
        const quiet = s !== null && s.inFlightActivations === 0 && s.inFlightActivities === 0;
        since = quiet ? (since ?? Date.now()) : null;
        if (since !== null && Date.now() - since >= forMs) return;
        if (Date.now() > end) throw new Error('the worker did not become idle');
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    /** VmHWM: the process's peak RSS since it started (includes bundling the workflows). */
    hwm: () => procMemory(pid)?.hwm ?? NaN,
    async stop(): Promise<number | null> {
      clearInterval(timer);
      if (child.exitCode === null && child.connected) child.send('stop');
      const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}
type WorkerProcess = Awaited<ReturnType<typeof startWorker>>;

/** The worker's RSS samples taken since `from` (performance.now()). */
function rssSince(worker: WorkerProcess, from: number) {
  const inWindow = worker.samples.filter((s) => s.at >= from);
  const rss = inWindow.map((s) => s.rss).sort((a, b) => a - b);
  return {
    samples: rss.length,
    peakMiB: mib(rss.at(-1) ?? NaN),
    medianMiB: mib(rss[Math.floor(rss.length / 2)] ?? NaN),
    cachedWorkflows: inWindow.at(-1)?.cachedWorkflows ?? null,
  };
}

function baseInput(runId: string, i: number, namedOn: string): BaseInput {
  const prefecture = PREFECTURES[i % PREFECTURES.length]!.code;
  return {
    baseId: randomUUID(),
    unit: { name: `基准县${i}`, type: 'county', prefectures: [prefecture] },
    applicant: { name: `基准县${i}人民政府`, contactEmail: `base-${runId}-${i}@scale.example`, sub: `scale-${runId}-${i}` },
    namedOn,
  };
}

/** Starts `n` bases named on `namedOn` (or trivial workflows); answers the start latencies and rates. */
async function startBases(services: Services, worker: WorkerProcess, taskQueue: string, n: number, namedOn: string) {
  const runId = randomUUID().slice(0, 8);
  const started = performance.now();
  const latencies = await timedPool(n, START_CONCURRENCY, async (i) => {
    if (TRIVIAL) {
      await services.env.client.workflow.start(rawUpdateWorkflow, { taskQueue, workflowId: `trivial-${runId}-${i}` });
      return;
    }
    const input = baseInput(runId, i, namedOn);
    await services.env.client.workflow.start(baseWorkflow, { taskQueue, workflowId: `base-${input.baseId}`, args: [input] });
  });
  const acceptedSeconds = (performance.now() - started) / 1000;
  // Initialised: each base's first workflow task ran and its `recordBase` activity wrote the row.
  if (!TRIVIAL) {
    for (;;) {
      if ((await services.db.base.count()) >= n) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await worker.idle();
  const recordedSeconds = (performance.now() - started) / 1000;
  return { latencies: percentiles(latencies), acceptedSeconds, recordedSeconds };
}

async function partA() {
  const services = await startServices({ server: 'dev' });
  const taskQueue = `scale-${randomUUID()}`;
  const worker = await startWorker(services, taskQueue);
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idleRss = rssSince(worker, 0);
    const from = performance.now();
    const cpuBefore = cpuByRole(worker.pid);
    const namedOn = cstDateOf(Date.now());
    const starts = await startBases(services, worker, taskQueue, N, namedOn);
    const cpu = cpuDelta(cpuBefore, cpuByRole(worker.pid));
    const loaded = performance.now();
    const type = TRIVIAL ? 'rawUpdateWorkflow' : 'baseWorkflow';
    const open = await services.env.client.workflow.count(`WorkflowType = "${type}" AND ExecutionStatus = "Running" AND TaskQueue = "${taskQueue}"`);
    await new Promise((r) => setTimeout(r, HOLD_SECONDS * 1000));
    const steady = rssSince(worker, loaded);
    const peak = rssSince(worker, from);
    return {
      n: N,
      workflow: type,
      heapMiB: HEAP,
      maxCachedWorkflows: `${worker.maxCachedWorkflows}${MAX_CACHED === 'sdk' ? ' (the SDK default)' : MAX_CACHED ? '' : ' (WORKER_MAX_CACHED_WORKFLOWS default)'}`,
      open: open.count,
      workerStartupSeconds: worker.startupMs / 1000,
      acceptedPerSecond: N / starts.acceptedSeconds,
      initialisedPerSecond: N / starts.recordedSeconds,
      acceptedSeconds: starts.acceptedSeconds,
      initialisedSeconds: starts.recordedSeconds,
      startLatencyMs: starts.latencies,
      cpuSecondsDuringStarts: cpu,
      idleRssMiB: idleRss.peakMiB,
      peakRssMiB: peak.peakMiB,
      steadyRssMiB: steady.medianMiB,
      steadySamples: steady.samples,
      vmHwmMiB: mib(worker.hwm()),
      cachedWorkflows: steady.cachedWorkflows,
      /** The worker's main thread only: the workflows run in a worker thread of their own. */
      mainHeapUsedMiB: mib(worker.stats()?.heapUsed ?? NaN),
    };
  } finally {
    await worker.stop();
    await services.stop();
  }
}

async function partB() {
  const services = await startServices({ server: 'timeSkipping' });
  const { env, db, sink } = services;
  const taskQueue = `scale-year-${randomUUID()}`;
  const worker = await startWorker(services, taskQueue);
  try {
    // To the next 1 December, 10:00 CST: the year ahead is the same whatever the day of the run.
    const now = await env.currentTimeMs();
    let day = `${cstDateOf(now).slice(0, 4)}-12-01`;
    if (startOfCstDayMs(day) + 10 * HOUR <= now) day = `${Number(day.slice(0, 4)) + 1}-12-01`;
    await env.sleep(startOfCstDayMs(day) + 10 * HOUR - now);
    const starts = await startBases(services, worker, taskQueue, YEAR_N, day);
    const clockAfterStarts = await env.currentTimeMs();

    const mailsBefore = sink.messages().length;
    const from = performance.now();
    const cpuBefore = cpuByRole(worker.pid);
    const busyDays: Array<{ day: string; seconds: number; mails: number }> = [];
    for (let d = 0; d < 365; d++) {
      const t = performance.now();
      const before = sink.messages().length;
      await advanceClock(env, DAY);
      const seconds = (performance.now() - t) / 1000;
      if (seconds >= 1) busyDays.push({ day: addDays(day, d + 1), seconds: Math.round(seconds * 10) / 10, mails: sink.messages().length - before });
    }
    const clockSeconds = (performance.now() - from) / 1000;
    // The year is over on the server's clock; done when every mail it caused is out.
    await worker.idle();
    for (;;) {
      const pending = await db.notification.count({ where: { status: { not: 'sent' } } });
      const sent = await db.notification.count({ where: { status: 'sent' } });
      if (pending === 0 && sink.messages().length - mailsBefore >= sent) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const yearSeconds = (performance.now() - from) / 1000;
    const cpu = cpuDelta(cpuBefore, cpuByRole(worker.pid));
    const rss = rssSince(worker, from);
    const rows = await db.notification.findMany({ select: { key: true, status: true } });
    const byKind: Record<string, number> = {};
    for (const r of rows) {
      const kind = r.key.replace(/\d{4}/, 'Y');
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
    const mails = sink.messages().length - mailsBefore;
    return {
      n: YEAR_N,
      namedOn: day,
      maxCachedWorkflows: worker.maxCachedWorkflows,
      initialisedPerSecond: YEAR_N / starts.recordedSeconds,
      clockMovedDuringStartsMs: clockAfterStarts - (startOfCstDayMs(day) + 10 * HOUR),
      yearSeconds,
      clockSeconds,
      mails,
      mailsPerBase: mails / (YEAR_N || 1),
      mailsPerSecond: mails / yearSeconds,
      byKind,
      busyDays,
      cpuSecondsDuringYear: cpu,
      peakRssMiB: rss.peakMiB,
      cachedWorkflows: rss.cachedWorkflows,
      vmHwmMiB: mib(worker.hwm()),
    };
  } finally {
    await worker.stop();
    await services.stop();
  }
}

const a = N > 0 ? await partA() : null;
if (a) {
  console.log(`A. ${a.n} × ${a.workflow} on the dev server, one worker process (bench/scale-worker.ts), sticky cache: ${a.maxCachedWorkflows}, heap limit: ${a.heapMiB === 'none' ? 'V8 default' : `${a.heapMiB} MiB`}`);
  console.log('| open | accepted starts /s | initialised /s | start p50 / p99 (ms) | worker RSS idle | peak | steady (median over hold) | VmHWM (incl. bundling) | cached workflows |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${a.open} | ${a.acceptedPerSecond.toFixed(1)} | ${a.initialisedPerSecond.toFixed(1)} | ${a.startLatencyMs.p50} / ${a.startLatencyMs.p99} | ${a.idleRssMiB} MiB | ${a.peakRssMiB} MiB | ${a.steadyRssMiB} MiB (${HOLD_SECONDS} s) | ${a.vmHwmMiB} MiB | ${a.cachedWorkflows} |`,
  );
  console.log(`CPU seconds while starting: ${JSON.stringify(a.cpuSecondsDuringStarts)} (over ${a.initialisedSeconds.toFixed(0)} s)`);
}
const b = YEAR_N > 0 ? await partB() : null;
if (b) {
  console.log(`B. one year of ${b.n} bases named on ${b.namedOn}, time-skipping server, the same worker process, sticky cache: ${b.maxCachedWorkflows}`);
  console.log('| bases | year: wall time | mails | mails per base | mails /s | worker peak RSS | VmHWM | cached workflows |');
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(`| ${b.n} | ${b.yearSeconds.toFixed(1)} s | ${b.mails} | ${b.mailsPerBase.toFixed(2)} | ${b.mailsPerSecond.toFixed(1)} | ${b.peakRssMiB} MiB | ${b.vmHwmMiB} MiB | ${b.cachedWorkflows} |`);
  console.log(`mails by kind: ${JSON.stringify(b.byKind)}`);
  console.log(`days that took ≥ 1 s: ${b.busyDays.map((d) => `${d.day} ${d.seconds} s (${d.mails} mails)`).join('; ')}`);
  console.log(`CPU seconds during the year: ${JSON.stringify(b.cpuSecondsDuringYear)}`);
}
console.log(JSON.stringify({ bench: 'scale', smoke, dev: a, year: b }));
const failures = [
  ...(a && a.open !== a.n ? [`${a.open} of ${a.n} workflows open`] : []),
  ...(b && b.mailsPerBase !== 5 ? [`${b.mailsPerBase} mails per base in the year, expected 5`] : []),
];
if (failures.length) {
  console.error(`scale: ${failures.join('; ')}`);
  process.exitCode = 1;
}

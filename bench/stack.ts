// What a benchmark runs against, all on this machine: the Temporal dev
// server (the `temporal` CLI from PyPI), an embedded PostgreSQL, the SMTP
// sink, one worker with the real activities (plus the raw comparison
// workflow on a queue of its own) and, when asked, the API on a free port.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDbCalendar } from '../activities/calendar';
import { createSmtpMailer } from '../activities/mailer';
import { createApp } from '../api/app';
import { createVerifier } from '../api/auth';
import { createDb, type Db } from '../infra/database';
import { createLogger } from '../infra/logger';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { applyMigrations } from '../infra/migrate';
import { freePort } from '../infra/ports';
import { startSmtpSink, type SmtpSink } from '../infra/smtp-sink';
import { WORKFLOWS_PATH } from '../infra/temporal';
import { devServerExecutable } from '../infra/temporal-binaries';
import { timeSkippingEnv } from '../infra/temporal-test-server';
import { seed } from '../prisma/seed';
import { applicationWorkflow, type ApplicationInput } from '../workflows/application';
import { searchAttributeKeys } from '../workflows/search-attributes';

export const BENCH_SECRET = 'bench-secret-0123456789abcdef0123456789';
const BENCH_WORKFLOWS = fileURLToPath(new URL('./bench-workflows.ts', import.meta.url));
const DECISION_WORKER = fileURLToPath(new URL('./decision-worker.ts', import.meta.url));

export interface Stack {
  env: TestWorkflowEnvironment;
  db: Db;
  sink: SmtpSink;
  taskQueue: string;
  /** The queue of bench/bench-workflows.ts. */
  rawTaskQueue: string;
  apiBase: string;
  /** The worker's process when it runs in one of its own (startStack({ worker: 'process' })). */
  workerPid?: number;
  stop(): Promise<void>;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

// Only warnings and errors from the SDK: its INFO lines would drown the figures.
Runtime.install({ logger: new DefaultLogger('WARN') });

export interface Services {
  env: TestWorkflowEnvironment;
  db: Db;
  /** The benchmark's database, for processes of its own (bench/scale-worker.ts). */
  databaseUrl: string;
  sink: SmtpSink;
  /** A temporary folder of this run, removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

/** The servers without a worker: Temporal (dev or time-skipping), a migrated and seeded PostgreSQL, the SMTP sink. */
export async function startServices(options: { server?: 'dev' | 'timeSkipping' } = {}): Promise<Services> {
  const dir = await mkdtemp(path.join(tmpdir(), 'liangshan-bench-'));
  const [pg, env, sink] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, persistent: false })),
    options.server === 'timeSkipping'
      ? timeSkippingEnv()
      : TestWorkflowEnvironment.createLocal({ server: { executable: devServerExecutable(), searchAttributes: searchAttributeKeys, ip: '127.0.0.1' } }),
    startSmtpSink(),
  ]);
  await pg.createDatabase('bench');
  const databaseUrl = pg.urlFor('bench');
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  await seed(db);
  return {
    env, db, databaseUrl, sink, dir,
    async stop() {
      await db.$disconnect();
      await Promise.all([env.teardown(), sink.close()]);
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The worker in a process of its own, as in production (bench/decision-worker.ts), until stop(). */
async function startWorkerProcess(services: Services, taskQueue: string, rawTaskQueue: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', DECISION_WORKER], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      ...process.env,
      BENCH_TEMPORAL_ADDRESS: services.env.address,
      BENCH_TASK_QUEUE: taskQueue,
      BENCH_RAW_TASK_QUEUE: rawTaskQueue,
      BENCH_DATABASE_URL: services.databaseUrl,
      BENCH_SMTP_URL: services.sink.url,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    void exited.then((code) => reject(new Error(`the worker process exited (${code}) before it was ready`)));
  });
  return {
    pid: child.pid!,
    async stop() {
      if (child.connected) child.send('stop');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

/**
 * The services, the worker and the API. `worker: 'process'` runs the worker
 * in a process of its own (bench/decision-worker.ts, as in production);
 * `'inProcess'` (the default) in this one, beside the API and the load.
 */
export async function startStack(options: { server?: 'dev' | 'timeSkipping'; worker?: 'process' | 'inProcess' } = {}): Promise<Stack> {
  const services = await startServices(options);
  const { env, db, sink, dir } = services;
  const mailer = createSmtpMailer(sink.url);
  const taskQueue = `bench-${randomUUID()}`;
  const rawTaskQueue = `bench-raw-${randomUUID()}`;
  let stopWorkers: () => Promise<void>;
  let workerPid: number | undefined;
  if (options.worker === 'process') {
    const child = await startWorkerProcess(services, taskQueue, rawTaskQueue);
    workerPid = child.pid;
    stopWorkers = () => child.stop();
  } else {
    const activities = createActivities({ db, mailer, mailFrom: 'bench@liangshan.example', calendar: createDbCalendar(db) });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet }),
      activities,
    });
    // The benchmarks' own workflows (raw Update, reminder at an instant) with the same activities.
    const rawWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: rawTaskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath: BENCH_WORKFLOWS, logger: quiet }),
      activities: { ...activities, benchNoop: async () => {} },
    });
    const running = [worker.run(), rawWorker.run()];
    stopWorkers = async () => {
      worker.shutdown();
      rawWorker.shutdown();
      await Promise.all(running);
    };
  }
  // The API's request log (one JSON line per request, as in production) is
  // written, but to /dev/null: it would drown the figures on stdout.
  const logger = createLogger({ name: 'api', level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });
  const app = createApp({ db, temporal: env.client, taskQueue, verify: createVerifier({ jwtSecret: BENCH_SECRET }), filesDir: path.join(dir, 'files'), logger });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env, db, sink, taskQueue, rawTaskQueue, apiBase, workerPid,
    async stop() {
      await new Promise((r) => server.close(r));
      await stopWorkers();
      mailer.close();
      await services.stop();
    },
  };
}

/**
 * CPU seconds (user + system) so far of this process and every process
 * under it, by role: `bench` (this process: load generator, SMTP sink, and
 * in startStack() also the API and the worker), `worker` (bench/scale.ts's
 * worker process), `temporal` (the server), `postgres`. From /proc: Linux only.
 */
export function cpuByRole(workerPid?: number): Record<string, number> {
  const tick = 100; // USER_HZ
  const procs = new Map<number, { ppid: number; comm: string; cpu: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      procs.set(Number(name), { ppid: Number(fields[1]), comm, cpu: (Number(fields[11]) + Number(fields[12])) / tick });
    } catch {
      // gone meanwhile
    }
  }
  const under = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = procs.get(p)?.ppid ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  const roles: Record<string, number> = {};
  for (const [pid, p] of procs) {
    if (!under(pid)) continue;
    const role = pid === workerPid ? 'worker' : pid === process.pid ? 'bench' : p.comm.startsWith('temporal') ? 'temporal' : p.comm.startsWith('postgres') ? 'postgres' : p.comm;
    roles[role] = (roles[role] ?? 0) + p.cpu;
  }
  return roles;
}

/** CPU seconds by role between two cpuByRole() readings. */
export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) out[k] = Math.round((v - (before[k] ?? 0)) * 10) / 10;
  return out;
}

/**
 * The time-skipping server's env.sleep(ms), robust to a lost answer: a day
 * with thousands of reminders, or a year of a base, can take minutes of wall
 * time, and the Java test server answers the SDK connection's keepalive
 * pings (every 30 s) with GOAWAY ("excess pings") after a few minutes; the
 * sleep's answer can then never come (seen: bench/history-cost.ts waited
 * for good on an idle machine). So the server's clock is polled too. Its
 * clock runs in real time while work is in flight, so a stuck server shows
 * only as a sleep that never ends: an hour fails the run.
 */
export async function advanceClock(env: TestWorkflowEnvironment, ms: number): Promise<void> {
  const target = (await env.currentTimeMs()) + ms;
  const giveUp = Date.now() + 60 * 60_000;
  let done = false;
  const sleeping = env.sleep(ms).then(() => void (done = true));
  sleeping.catch(() => undefined);
  while (!done) {
    await Promise.race([sleeping, new Promise((r) => setTimeout(r, 10_000))]);
    if (done || (await env.currentTimeMs()) >= target) return;
    if (Date.now() > giveUp) throw new Error(`moving the test server's clock by ${ms} ms took over an hour (at ${new Date(await env.currentTimeMs()).toISOString()})`);
  }
}

/**
 * Waits until the system has nothing left to do from earlier steps: no mail
 * pending in the outbox and none arriving at the SMTP server for a second.
 * A phase measured while the previous phase's follow-up mails still ran
 * would be charged for them.
 */
export async function settled(stack: Pick<Stack, 'db' | 'sink'>, timeoutMs = 10 * 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const pending = await stack.db.notification.count({ where: { status: { not: 'sent' } } });
    const delivered = stack.sink.messages().length;
    if (pending === 0 && delivered === last) return;
    last = delivered;
    if (Date.now() > end) throw new Error(`the outbox did not settle (${pending} mails pending)`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** p50/p95/p99 and mean of a list of milliseconds. */
export function percentiles(ms: number[]): { n: number; p50: number; p95: number; p99: number; mean: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), mean: round(s.reduce((a, b) => a + b, 0) / (s.length || 1)) };
}

/** Runs `task(i)` for i in [0, total) with at most `concurrency` at once; answers each duration in ms. */
export async function timedPool(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const i = next++;
        const started = performance.now();
        await task(i);
        durations.push(performance.now() - started);
      }
    }),
  );
  return durations;
}

/** `count` applications of one prefecture, started and waiting for their pre-review task (the decision benchmarks decide on them). */
export async function startApplications(stack: Stack, count: number): Promise<string[]> {
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

// What a benchmark runs against, all on this machine: the Temporal dev
// server (the `temporal` CLI from PyPI), an embedded PostgreSQL, the SMTP
// sink, one worker with the real activities (plus the raw comparison
// workflow on a queue of its own) and, when asked, the API on a free port.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDbCalendar } from '../activities/calendar';
import { createSmtpMailer } from '../activities/mailer';
import { createApp } from '../api/app';
import { createVerifier } from '../api/auth';
import { createDb, type Db } from '../infra/database';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { applyMigrations } from '../infra/migrate';
import { freePort } from '../infra/ports';
import { startSmtpSink, type SmtpSink } from '../infra/smtp-sink';
import { WORKFLOWS_PATH } from '../infra/temporal';
import { devServerExecutable } from '../infra/temporal-binaries';
import { timeSkippingEnv } from '../infra/temporal-test-server';
import { seed } from '../prisma/seed';
import { searchAttributeKeys } from '../workflows/search-attributes';

export const BENCH_SECRET = 'bench-secret-0123456789abcdef0123456789';
const BENCH_WORKFLOWS = fileURLToPath(new URL('./bench-workflows.ts', import.meta.url));

export interface Stack {
  env: TestWorkflowEnvironment;
  db: Db;
  sink: SmtpSink;
  taskQueue: string;
  /** The queue of bench/bench-workflows.ts. */
  rawTaskQueue: string;
  apiBase: string;
  stop(): Promise<void>;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };

// Only warnings and errors from the SDK: its INFO lines would drown the figures.
Runtime.install({ logger: new DefaultLogger('WARN') });

export async function startStack(options: { server?: 'dev' | 'timeSkipping' } = {}): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'liangshan-bench-'));
  const [pg, env, sink] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, persistent: false })),
    options.server === 'timeSkipping'
      ? timeSkippingEnv()
      : TestWorkflowEnvironment.createLocal({ server: { executable: devServerExecutable(), searchAttributes: searchAttributeKeys, ip: '127.0.0.1' } }),
    startSmtpSink(),
  ]);
  await pg.createDatabase('bench');
  await applyMigrations(pg.urlFor('bench'));
  const db = createDb(pg.urlFor('bench'));
  await seed(db);
  const mailer = createSmtpMailer(sink.url);
  const taskQueue = `bench-${randomUUID()}`;
  const rawTaskQueue = `bench-raw-${randomUUID()}`;
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
  const app = createApp({ db, temporal: env.client, taskQueue, verify: createVerifier({ jwtSecret: BENCH_SECRET }), filesDir: path.join(dir, 'files') });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    env, db, sink, taskQueue, rawTaskQueue, apiBase,
    async stop() {
      await new Promise((r) => server.close(r));
      worker.shutdown();
      rawWorker.shutdown();
      await Promise.all(running);
      mailer.close();
      await db.$disconnect();
      await Promise.all([env.teardown(), sink.close()]);
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
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

// The worker of bench/scale.ts, as a process of its own so that its memory
// is the worker's alone (the load generator, the SMTP sink and the API are
// in the parent). It is what worker/main.ts runs: `createWorker` of
// infra/temporal.ts with its defaults (the workflows bundled at start,
// the sticky cache bounded as in production, the SDK's default slots) and the real activities on
// PostgreSQL and SMTP. Left out: the Schedules worker/main.ts creates (the
// time-skipping server has no Schedules API), migrations (the parent ran
// them) and the metrics exporter.
//
// Started by bench/scale.ts with BENCH_TEMPORAL_ADDRESS, BENCH_TASK_QUEUE,
// BENCH_DATABASE_URL and BENCH_SMTP_URL; talks to it over IPC: `ready` once
// polling, `stats` every second (memory and the worker's cache), and
// stops on `stop`.
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDbCalendar } from '../activities/calendar';
import { createSmtpMailer } from '../activities/mailer';
import { createDb } from '../infra/database';
import { createWorker, NativeConnection, WORKFLOWS_PATH } from '../infra/temporal';

export interface WorkerStats {
  type: 'stats';
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  cachedWorkflows: number;
  inFlightActivations: number;
  inFlightActivities: number;
}
export type WorkerMessage = { type: 'ready'; startupMs: number; maxCachedWorkflows: number } | WorkerStats;

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (bench/scale-worker.ts is started by bench/scale.ts)`);
  return value;
};
const send = (message: WorkerMessage) => process.send?.(message);

const started = performance.now();
Runtime.install({ logger: new DefaultLogger('WARN') });
const db = createDb(need('BENCH_DATABASE_URL'));
const mailer = createSmtpMailer(need('BENCH_SMTP_URL'));
const connection = await NativeConnection.connect({ address: need('BENCH_TEMPORAL_ADDRESS') });
const activities = createActivities({ db, mailer, mailFrom: 'bench@liangshan.example', calendar: createDbCalendar(db) });
const taskQueue = need('BENCH_TASK_QUEUE');
// Variants for comparison only (bench/scale.ts --max-cached, --trivial):
// another sticky cache size ("sdk": the SDK's own default, sized from the
// V8 heap), or the benchmarks' own tiny bundle.
const maxCached = process.env.BENCH_MAX_CACHED_WORKFLOWS;
const workflowsPath = process.env.BENCH_WORKFLOWS_PATH;
const worker =
  maxCached === 'sdk' || workflowsPath
    ? await Worker.create({
        connection,
        namespace: 'default',
        taskQueue,
        activities: { ...activities, benchNoop: async () => {} },
        workflowsPath: workflowsPath ?? WORKFLOWS_PATH,
        ...(maxCached && maxCached !== 'sdk' ? { maxCachedWorkflows: Number(maxCached) } : {}),
      })
    : await createWorker({ connection, namespace: 'default', taskQueue, activities, ...(maxCached ? { maxCachedWorkflows: Number(maxCached) } : {}) });
const running = worker.run();
send({ type: 'ready', startupMs: Math.round(performance.now() - started), maxCachedWorkflows: worker.options.maxCachedWorkflows });
const timer = setInterval(() => {
  const m = process.memoryUsage();
  const s = worker.getStatus();
  send({
    type: 'stats',
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    cachedWorkflows: s.numCachedWorkflows,
    inFlightActivations: s.numInFlightWorkflowActivations,
    inFlightActivities: s.numInFlightActivities,
  });
}, 1000);
process.on('message', (message) => {
  if (message === 'stop') worker.shutdown();
});
// The parent gone (killed or crashed): stop too rather than poll on alone.
process.on('disconnect', () => {
  if (worker.getState() === 'RUNNING') worker.shutdown();
});
try {
  await running;
} finally {
  clearInterval(timer);
  mailer.close();
  await db.$disconnect();
  await connection.close();
}
process.exit(0);

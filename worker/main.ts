// `npm run worker`: one Temporal worker running the workflows and their
// activities, against the configuration of README.md "Configuration". Stateless:
// run as many as the load needs. SIGINT/SIGTERM drain it gracefully.
//
// Observability: the Temporal SDK's Runtime is installed first, before any
// connection, with
// - its logger on pino (infra/logger.ts, LOG_LEVEL): the SDK's messages, the
//   Rust core's (forwarded: WARN and up) and the workflow and activity
//   context loggers, as JSON lines that carry the SDK's metadata
//   (taskQueue, workflowId, runId, workflowType, activityId, …);
// - its Prometheus exporter on WORKER_METRICS_ADDRESS (default
//   0.0.0.0:9464, GET /metrics; empty disables it): the core's `temporal_*`
//   metrics (polls, task latencies, schedule-to-start, slots, sticky cache,
//   request failures). The worker has no prom-client metrics of its own: the
//   SDK's describe what it does, and a second exporter would need a second
//   port. If the address cannot be bound (taken by another worker on the same
//   host) the worker logs an error and runs without the endpoint: its work
//   matters more than its metrics.
import { Context } from '@temporalio/activity';
import { Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDbCalendar } from '../activities/calendar';
import { createSmtpMailer } from '../activities/mailer';
import { ensureAcceptanceWindowSchedules } from '../infra/acceptance-window-schedule';
import { ensureHistoryArchiveSchedule, HISTORY_ARCHIVE_SCHEDULE_ID } from '../infra/history-archive-schedule';
import { loadConfigOrExit } from '../infra/config';
import { createDb } from '../infra/database';
import { createLogger, temporalLogger } from '../infra/logger';
import { applyMigrations } from '../infra/migrate';
import { describeWorkerVersion } from '../infra/worker-deployment';
import { guardProcess, type Attribution } from '../infra/process-guard';
import { connectClient, connectWorker, createWorker } from '../infra/temporal';

const config = loadConfigOrExit();
const logger = createLogger({ name: 'worker', level: config.logLevel });

const runtimeLogging = { logger: temporalLogger(logger), telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } } } as const;
if (config.workerMetricsAddress) {
  try {
    Runtime.install({ ...runtimeLogging, telemetryOptions: { ...runtimeLogging.telemetryOptions, metrics: { prometheus: { bindAddress: config.workerMetricsAddress } } } });
    logger.info({ metricsAddress: config.workerMetricsAddress }, `worker metrics on http://${config.workerMetricsAddress}/metrics`);
  } catch (error) {
    // The exporter binds inside Runtime.install, which then installs nothing: try again without it.
    logger.error({ err: error, metricsAddress: config.workerMetricsAddress }, 'worker metrics endpoint could not start; running without it (WORKER_METRICS_ADDRESS)');
    Runtime.install(runtimeLogging);
  }
} else {
  Runtime.install(runtimeLogging);
}

const applied = await applyMigrations(config.databaseUrl);
if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
const db = createDb(config.databaseUrl);
const mailer = createSmtpMailer(config.smtpUrl);
const connection = await connectWorker(config.temporal);
// The worker's own client: it owns the Schedules (acceptance window, history
// archive) and the history archive's activity reads closed runs through it.
const client = connectClient(config.temporal);
const worker = await createWorker({
  connection,
  namespace: config.temporalNamespace,
  taskQueue: config.taskQueue,
  activities: createActivities({ db, mailer, mailFrom: config.mailFrom, publicUrl: config.publicUrl, calendar: createDbCalendar(db), temporal: client }),
  maxCachedWorkflows: config.workerMaxCachedWorkflows,
  version: config.workerVersion,
});
// The yearly acceptance-window schedules (Art. 11): their runs execute here,
// so the task queue they name is this worker's.
for (const s of await ensureAcceptanceWindowSchedules(client, config.taskQueue)) {
  logger.info({ scheduleId: s.scheduleId, outcome: s.outcome }, `schedule ${s.scheduleId} ${s.outcome} (Asia/Shanghai)`);
}
const archive = await ensureHistoryArchiveSchedule(client, config.taskQueue);
logger.info({ scheduleId: HISTORY_ARCHIVE_SCHEDULE_ID, outcome: archive }, `schedule ${HISTORY_ARCHIVE_SCHEDULE_ID} ${archive} (hourly)`);
logger.info(
  { taskQueue: config.taskQueue, temporalAddress: config.temporalAddress, namespace: config.temporalNamespace, workerVersion: config.workerVersion ?? null },
  `worker polling task queue "${config.taskQueue}" on ${config.temporalAddress} (${config.temporalNamespace}) ${describeWorkerVersion(config.workerVersion)}`,
);
// The last resort (infra/process-guard.ts): an error no handler caught inside
// an activity is logged with the activity and counted, and that attempt is
// left to its start-to-close timeout (Temporal then retries it); outside any
// activity the worker stops polling, finishes its tasks and exits (code 70)
// for its process manager to restart it. Counted in the SDK's exporter as
// liangshan_worker_uncaught_errors{outcome}.
const uncaught = Runtime.instance().metricMeter.createCounter('liangshan_worker_uncaught_errors', '1', 'Errors no handler caught: contained (in one activity attempt) or fatal (the worker drained and exited)');
const running = worker.run().finally(async () => {
  mailer.close();
  await db.$disconnect();
  await client.connection.close();
  await connection.close();
  logger.info('worker stopped');
});
guardProcess({
  logger,
  attribute: currentActivity,
  count: (outcome) => uncaught.add(1, { outcome }),
  drain: async () => {
    worker.shutdown();
    await running.catch(() => undefined);
  },
  // A worker drains its activities for up to their own timeouts; past a minute the server reschedules them anyway.
  drainTimeoutMs: 60_000,
});

/** The activity the code raising an error belongs to (the SDK keeps its context in an AsyncLocalStorage). */
function currentActivity(): Attribution | undefined {
  let info: Context['info'];
  try {
    info = Context.current().info;
  } catch {
    return undefined;
  }
  return { context: { activityType: info.activityType, activityId: info.activityId, attempt: info.attempt, workflowId: info.workflowExecution?.workflowId }, contain: () => {} };
}

await running;

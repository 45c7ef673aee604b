// The worker of bench/decision-latency.ts as a process of its own, as it
// runs in production (worker/main.ts): `createWorker` of infra/temporal.ts
// with the real activities on PostgreSQL and SMTP, and beside it, in the same
// process, the benchmarks' own workflows (bench/bench-workflows.ts: the raw
// Update and its variants) on their queue with the same activities, so that
// our decisions and the floor they are compared with run on the same kind of
// worker. Left out: the Schedules, migrations (the parent ran them) and the
// metrics exporter.
//
// Started by bench/stack.ts (startStack({ worker: 'process' })) with
// BENCH_TEMPORAL_ADDRESS, BENCH_TASK_QUEUE, BENCH_RAW_TASK_QUEUE,
// BENCH_DATABASE_URL and BENCH_SMTP_URL; says `ready` over IPC once both
// workers poll, and stops on `stop` (or when the parent is gone).
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDbCalendar } from '../activities/calendar';
import { createSmtpMailer } from '../activities/mailer';
import { createDb } from '../infra/database';
import { createWorker, NativeConnection } from '../infra/temporal';

const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (bench/decision-worker.ts is started by bench/stack.ts)`);
  return value;
};

Runtime.install({ logger: new DefaultLogger('WARN') });
const db = createDb(need('BENCH_DATABASE_URL'));
const mailer = createSmtpMailer(need('BENCH_SMTP_URL'));
const connection = await NativeConnection.connect({ address: need('BENCH_TEMPORAL_ADDRESS') });
const activities = createActivities({ db, mailer, mailFrom: 'bench@liangshan.example', calendar: createDbCalendar(db) });
const worker = await createWorker({ connection, namespace: 'default', taskQueue: need('BENCH_TASK_QUEUE'), activities });
const rawWorker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue: need('BENCH_RAW_TASK_QUEUE'),
  activities: { ...activities, benchNoop: async () => {} },
  workflowsPath: fileURLToPath(new URL('./bench-workflows.ts', import.meta.url)),
});
const running = Promise.all([worker.run(), rawWorker.run()]);
process.send?.('ready');
const stop = () => {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  if (rawWorker.getState() === 'RUNNING') rawWorker.shutdown();
};
process.on('message', (message) => {
  if (message === 'stop') stop();
});
process.on('disconnect', stop);
try {
  await running;
} finally {
  mailer.close();
  await db.$disconnect();
  await connection.close();
}
process.exit(0);

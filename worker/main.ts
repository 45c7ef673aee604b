// `npm run worker`: one Temporal worker running the workflows and their
// activities, against the configuration of ../shared/API.md. Stateless:
// run as many as the load needs. SIGINT/SIGTERM drain it gracefully.
import { createActivities } from '../activities';
import { createDbCalendar } from '../activities/calendar';
import { createSmtpMailer } from '../activities/mailer';
import { ensureAcceptanceWindowSchedules } from '../infra/acceptance-window-schedule';
import { ensureHistoryArchiveSchedule, HISTORY_ARCHIVE_SCHEDULE_ID } from '../infra/history-archive-schedule';
import { loadConfigOrExit } from '../infra/config';
import { createDb } from '../infra/database';
import { applyMigrations } from '../infra/migrate';
import { connectClient, createWorker, NativeConnection } from '../infra/temporal';

const config = loadConfigOrExit();
await applyMigrations(config.databaseUrl);
const db = createDb(config.databaseUrl);
const mailer = createSmtpMailer(config.smtpUrl);
const connection = await NativeConnection.connect({ address: config.temporalAddress });
// The worker's own client: it owns the Schedules (acceptance window, history
// archive) and the history archive's activity reads closed runs through it.
const client = connectClient(config.temporalAddress, config.temporalNamespace);
const worker = await createWorker({
  connection,
  namespace: config.temporalNamespace,
  taskQueue: config.taskQueue,
  activities: createActivities({ db, mailer, mailFrom: config.mailFrom, calendar: createDbCalendar(db), temporal: client }),
});
// The yearly acceptance-window schedules (Art. 11): their runs execute here,
// so the task queue they name is this worker's.
for (const s of await ensureAcceptanceWindowSchedules(client, config.taskQueue)) {
  console.log(`schedule ${s.scheduleId} ${s.outcome} (Asia/Shanghai)`);
}
console.log(`schedule ${HISTORY_ARCHIVE_SCHEDULE_ID} ${await ensureHistoryArchiveSchedule(client, config.taskQueue)} (hourly)`);
console.log(`worker polling task queue "${config.taskQueue}" on ${config.temporalAddress} (${config.temporalNamespace})`);
try {
  await worker.run();
} finally {
  mailer.close();
  await db.$disconnect();
  await client.connection.close();
  await connection.close();
}

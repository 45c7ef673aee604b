// `npm run reconcile`: compares the read model with Temporal's running
// workflows (infra/reconcile.ts) and prints each difference in plain words:
// a workflow the read model has no row for, an open row whose workflow is
// not running, a stage that differs. Exit 0 when they agree, 1 when any
// difference, 2 when it cannot run. Read-only. Against the embedded default
// (`npm start`) unless DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and
// TEMPORAL_TASK_QUEUE say otherwise, as `npm run ops`.
import { parseArgs } from 'node:util';
import { createDb } from '../infra/database';
import { databaseUrlOrEmbeddedDefault } from '../infra/embedded-default';
import { describeDifference, reconcile } from '../infra/reconcile';
import { connectClient } from '../infra/temporal';
import { temporalConnection } from '../infra/temporal-connection';
import { runScript } from './run-script';

const USAGE = `npm run reconcile -- [--json] [--settle-ms N]

  Compares the read model (DATABASE_URL, default the embedded database of npm start)
  with the workflows running in Temporal (TEMPORAL_ADDRESS, default 127.0.0.1:7233;
  TEMPORAL_NAMESPACE, default "default"; TEMPORAL_TASK_QUEUE, default "liangshan").
  A difference is reported when it is still there after --settle-ms (default 3000).`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, 'settle-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const settleMs = values['settle-ms'] === undefined ? undefined : Number(values['settle-ms']);
  if (settleMs !== undefined && (!Number.isInteger(settleMs) || settleMs < 0)) {
    console.error(`--settle-ms must be a whole number of milliseconds\n\n${USAGE}`);
    return 2;
  }
  const env = process.env;
  const taskQueue = env.TEMPORAL_TASK_QUEUE || 'liangshan';
  const db = createDb(databaseUrlOrEmbeddedDefault(env));
  const client = connectClient(temporalConnection(env, '127.0.0.1:7233'), { callDeadlineMs: 30_000 });
  try {
    const result = await reconcile(client, db, taskQueue, settleMs === undefined ? {} : { settleMs });
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else for (const d of result.differences) console.log(describeDifference(d));
    const { running, open } = result;
    console.error(
      `compared ${running.application} running application, ${running.base} base and ${running.notice} notice workflows of task queue ${taskQueue} ` +
        `(and ${running.other} of other types) with ${open.application} open applications, ${open.base} bases and ${open.notice} notices in the read model: ` +
        (result.differences.length ? `${result.differences.length} difference(s)` : 'they agree'),
    );
    return result.differences.length ? 1 : 0;
  } finally {
    await Promise.allSettled([db.$disconnect(), client.connection.close()]);
  }
}

runScript('reconcile', main);

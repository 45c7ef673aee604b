// `npm run ops -- <command>`: what ops staff ask, from a terminal (the same
// answers as the API's ops routes, infra/ops.ts). Against the embedded
// default (`npm start`) by default; set DATABASE_URL, TEMPORAL_ADDRESS,
// TEMPORAL_NAMESPACE, TEMPORAL_UI_URL, SMTP_URL and MAIL_FROM for any other.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createSmtpMailer } from '../activities/mailer';
import { createDb } from '../infra/database';
import { databaseUrlOrEmbeddedDefault } from '../infra/embedded-default';
import { listNotifications, listWorkflows, resendNotification, workflowHistory } from '../infra/ops';
import { connectClient } from '../infra/temporal';
import { temporalConnection } from '../infra/temporal-connection';

const USAGE = `npm run ops -- <command> [options]

  workflows [--stage S] [--prefecture 520300] [--year 2027] [--status running|closed] [--type applicationWorkflow] [--limit N]
      workflows through the typed search attributes (LsStage, LsPrefecture, LsYear)
  history <workflowId> [--json]
      the event history in words, from Temporal or, once it is gone, from the archive
  notifications [--status pending|sent|failed] [--subject <id>] [--limit N]
      the mail outbox
  resend <notificationId> [--to a@b,c@d] [--request-id ID]
      send a pending or failed mail now (to corrected recipients if given); a sent or
      undeliverable mail with --to is re-sent as a new mail (the same --request-id again sends nothing more)

Defaults fit \`npm start\`: DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:54329/liangshan,
TEMPORAL_ADDRESS=127.0.0.1:7233, TEMPORAL_UI_URL=http://localhost:8233, SMTP_URL=smtp://127.0.0.1:1025.`;

const env = process.env;
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    stage: { type: 'string' },
    prefecture: { type: 'string' },
    year: { type: 'string' },
    status: { type: 'string' },
    type: { type: 'string' },
    limit: { type: 'string' },
    subject: { type: 'string' },
    to: { type: 'string' },
    'request-id': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
const [command, argument] = positionals;
if (values.help || !command) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 2);
}

const fail = (message: string): never => {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
};
const numberOption = (name: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isInteger(n) ? n : fail(`--${name} must be a whole number, got "${raw}"`);
};

const temporal = temporalConnection(env, '127.0.0.1:7233');
const namespace = temporal.namespace;
const db = createDb(databaseUrlOrEmbeddedDefault(env));
const client = connectClient(temporal);

try {
  switch (command) {
    case 'workflows': {
      const status = values.status;
      if (status !== undefined && status !== 'running' && status !== 'closed') fail('--status is running or closed');
      const rows = await listWorkflows(client, {
        stage: values.stage,
        prefecture: values.prefecture,
        year: numberOption('year', values.year),
        status: status as 'running' | 'closed' | undefined,
        type: values.type,
        limit: numberOption('limit', values.limit),
      }, db);
      if (values.json) console.log(JSON.stringify(rows, null, 2));
      else for (const r of rows) console.log(`${r.workflowId}\t${r.type}\t${r.status}\t${r.stage ?? '-'}\t${r.prefectures.join(',') || '-'}\t${r.year ?? '-'}\t${r.historyLength} events\tstarted ${r.startTime}`);
      if (!values.json) console.error(`${rows.length} workflow(s)`);
      break;
    }
    case 'history': {
      if (!argument) fail('history needs a workflow id');
      const view = await workflowHistory(client, db, argument!, { namespace, webUiBase: env.TEMPORAL_UI_URL || 'http://localhost:8233' });
      if (!view) fail(`no workflow ${argument} in Temporal or in the archive`);
      if (values.json) console.log(JSON.stringify(view, null, 2));
      else {
        console.log(`${view!.workflowId} (run ${view!.runId ?? '-'}), from ${view!.source}: ${view!.events} events, ${view!.omitted} bookkeeping events not listed`);
        if (view!.webUiUrl) console.log(`Temporal Web UI: ${view!.webUiUrl}`);
        for (const line of view!.lines) console.log(`#${line.eventId}\t${line.at ?? ''}\t${line.text}`);
      }
      break;
    }
    case 'notifications': {
      const rows = await listNotifications(db, { status: values.status, subjectId: values.subject, limit: numberOption('limit', values.limit) });
      if (values.json) console.log(JSON.stringify(rows, null, 2));
      else for (const n of rows) console.log(`${n.id}\t${n.status}\t${n.attempts} attempt(s)\t${n.to.join(',') || '(no recipients)'}\t${n.subject}${n.lastError ? `\t${n.lastError}` : ''}`);
      break;
    }
    case 'resend': {
      if (!argument) fail('resend needs a notification id');
      const mailer = createSmtpMailer(env.SMTP_URL || 'smtp://127.0.0.1:1025');
      try {
        const to = values.to?.split(',').map((a) => a.trim()).filter(Boolean);
        const requestId = values['request-id'] ?? (to?.length ? randomUUID() : undefined);
        const result = await resendNotification(db, mailer, env.MAIL_FROM || '贵州省生态环境厅 <noreply@sthjt.guizhou.example>', argument!, to, requestId);
        if (!result) fail(`no notification ${argument}`);
        console.log(result!.resendId ? `${result!.status} as ${result!.resendId}` : result!.status);
      } finally {
        mailer.close();
      }
      break;
    }
    default:
      fail(`unknown command "${command}"`);
  }
} finally {
  await db.$disconnect();
  await client.connection.close();
}

// `npm run dev:sample-base -- [--name 赤水市] [--prefecture 520300] [--sub chishui]
// [--email gov@chishui.example] [--named-on 2026-06-01]`: development only.
// A base's workflow exists only after an application has been named, which
// takes two public notices of at least five working days each (Art. 13, 15):
// weeks of real time on `npm start`. This starts the base workflow the naming
// would start (workflows/base.ts), for the named unit, so the base routes, the
// ops routes and the Temporal Web UI can be tried at once. It is not an API:
// nothing in production can create a base without an application.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cstDateOf } from '../domain/dates';
import { connectClient } from '../infra/temporal';
import { temporalConnection } from '../infra/temporal-connection';
import type { BaseInput } from '../workflows/base-messages';

const env = process.env;
if (env.NODE_ENV === 'production') {
  console.error('dev:sample-base is for development: a base is created by naming an application (Art. 16).');
  process.exit(2);
}
const { values } = parseArgs({
  options: {
    name: { type: 'string', default: '赤水市' },
    prefecture: { type: 'string', default: '520300' },
    sub: { type: 'string', default: 'chishui' },
    email: { type: 'string', default: 'gov@chishui.example' },
    'named-on': { type: 'string' },
  },
});
const namedOn = values['named-on'] ?? cstDateOf(Date.now());
if (!/^\d{4}-\d{2}-\d{2}$/.test(namedOn)) {
  console.error(`--named-on is a date like 2026-06-01, got "${namedOn}"`);
  process.exit(2);
}
const baseId = randomUUID();
const input: BaseInput = {
  baseId,
  unit: { name: values.name, type: 'county', prefectures: [values.prefecture] },
  applicant: { name: `${values.name}人民政府`, contactEmail: values.email, sub: values.sub },
  namedOn,
};
const client = connectClient(temporalConnection(env, '127.0.0.1:7233'));
try {
  const handle = await client.workflow.start('baseWorkflow', {
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'liangshan',
    workflowId: `base-${baseId}`,
    args: [input],
  });
  console.log(`base ${baseId} (${values.name}, named ${namedOn}): workflow ${handle.workflowId}`);
  console.log(`  GET /api/bases/${baseId}  (token: npm run -s token -- --role applicant --prefecture ${values.prefecture} --sub ${values.sub})`);
  console.log(`  GET /api/ops/workflows/${handle.workflowId}/history  (token: npm run -s token -- --role ops)`);
} finally {
  await client.connection.close();
}

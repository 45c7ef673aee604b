// Reminder fan-out (issue 8.2): N reminders due at the same instant, each a
// workflow's durable timer → the `notify` activity → outbox → SMTP, to a
// local SMTP server; beside it, raw nodemailer (pooled) sending the same
// number of mails to the same server, in the same run.
//
//   npx tsx bench/reminder-fanout.ts            # 1,000 reminders
//   npx tsx bench/reminder-fanout.ts --smoke    # CI: 50
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { engineOnlyAtWorkflow, reminderAtWorkflow } from './bench-workflows';
import { cpuByRole, cpuDelta, startStack } from './stack';

const smoke = process.argv.includes('--smoke');
const N = smoke ? 50 : 1000;

const stack = await startStack();
try {
  // Ours: every workflow started and waiting well before the instant.
  const runId = randomUUID().slice(0, 8);
  const startedAt = performance.now();
  const at = Date.now() + (smoke ? 10_000 : 40_000);
  for (let i = 0; i < N; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, N - i) }, (_, k) =>
        stack.env.client.workflow.start(reminderAtWorkflow, { taskQueue: stack.rawTaskQueue, workflowId: `reminder-${runId}-${i + k}`, args: [{ at, n: i + k, runId }] }),
      ),
    );
  }
  const startSeconds = (performance.now() - startedAt) / 1000;
  if (Date.now() >= at) throw new Error('starting took longer than the lead time; raise it');
  const before = stack.sink.messages().length;
  // CPU per reminder, all processes, from the instant to the last mail (waiting until the instant first).
  await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
  let cpu = cpuByRole();
  await stack.sink.waitFor((m) => m.length >= before + N, 10 * 60_000);
  const oursSeconds = (Date.now() - at) / 1000;
  const cpuMs = (since: Record<string, number>) =>
    Object.fromEntries(Object.entries(cpuDelta(since, cpuByRole())).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round((v * 1000 * 10) / N) / 10]));
  const oursCpu = cpuMs(cpu);

  // The engine alone: the same timers and an activity that does nothing.
  const engineAt = Date.now() + (smoke ? 10_000 : 40_000);
  const engineHandles = [];
  for (let i = 0; i < N; i += 100) {
    engineHandles.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, N - i) }, (_, k) =>
          stack.env.client.workflow.start(engineOnlyAtWorkflow, { taskQueue: stack.rawTaskQueue, workflowId: `engine-${runId}-${i + k}`, args: [{ at: engineAt }] }),
        ),
      )),
    );
  }
  await new Promise((r) => setTimeout(r, Math.max(0, engineAt - Date.now())));
  cpu = cpuByRole();
  await Promise.all(engineHandles.map((h) => h.result()));
  const engineSeconds = (Date.now() - engineAt) / 1000;
  const engineCpu = cpuMs(cpu);

  // Raw: the same number of mails through one pooled nodemailer transport.
  const transport = nodemailer.createTransport({ host: new URL(stack.sink.url).hostname, port: Number(new URL(stack.sink.url).port), pool: true, maxConnections: 5 });
  cpu = cpuByRole();
  const rawStarted = Date.now();
  await Promise.all(
    Array.from({ length: N }, (_, n) =>
      transport.sendMail({ from: 'bench@liangshan.example', to: `raw-${n}@bench.example`, subject: `【催办提醒】基准县${n}：市（州）预审即将到期`, text: '基准测试' }),
    ),
  );
  await stack.sink.waitFor((m) => m.length >= before + 2 * N, 10 * 60_000);
  const rawSeconds = (Date.now() - rawStarted) / 1000;
  const rawCpu = cpuMs(cpu);
  transport.close();

  const ours = N / oursSeconds;
  const raw = N / rawSeconds;
  const engine = N / engineSeconds;
  console.log(`| reminders | ours: due → last mail | ours /s | engine alone (timer + no-op activity) /s | raw nodemailer (pooled) /s | ours / raw | ours / engine |`);
  console.log(`|---|---|---|---|---|---|---|`);
  console.log(`| ${N} | ${oursSeconds.toFixed(1)} s | ${ours.toFixed(1)} | ${engine.toFixed(1)} | ${raw.toFixed(1)} | ${((100 * ours) / raw).toFixed(0)}% | ${((100 * ours) / engine).toFixed(0)}% |`);
  console.log(`(${N} workflows started in ${startSeconds.toFixed(1)} s)`);
  console.log(`CPU ms per reminder, all processes (bench = this process: worker, SMTP sink, client): ours ${JSON.stringify(oursCpu)}; engine alone ${JSON.stringify(engineCpu)}; raw ${JSON.stringify(rawCpu)}`);
  console.log(JSON.stringify({ bench: 'reminder-fanout', smoke, n: N, startSeconds, oursSeconds, engineSeconds, rawSeconds, ratioToRaw: ours / raw, ratioToEngine: ours / engine, cpuMsPerMail: { ours: oursCpu, engine: engineCpu, raw: rawCpu } }));
} finally {
  await stack.stop();
}

// Where a decision's time goes in the worker (issue 14.7): one client sends
// decisions as Updates straight to application workflows (as
// bench/decision-latency.ts's "no HTTP" column), with the worker in this
// process, while Node's CPU profiler writes one profile per thread:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-decision.ts [count]
//   npx tsx bench/profile-summary.ts /tmp/prof
//
// With --setup-only it starts the applications and decides nothing: the same
// profile without the decisions, to subtract (the summary's second folder).
//
// The summary gives self time by package and the top functions, per thread
// (the workflows run in the SDK's workflow thread, activities on the main one).
import { randomUUID } from 'node:crypto';
import { decideUpdate, type Actor } from '../workflows/messages';
import { percentiles, startApplications, startStack } from './stack';

const count = Number(process.argv[2] ?? 150);
/** `--setup-only`: start and record the applications, decide nothing (a baseline profile to subtract). */
const setupOnly = process.argv.includes('--setup-only');
/** `--apart MS`: wait this long after each decision, so its follow-up work (the next task, mails) is done before the next one starts. */
const apartAt = process.argv.indexOf('--apart');
const apartMs = apartAt > 0 ? Number(process.argv[apartAt + 1]) : 0;
const stack = await startStack();
const officer: Actor = { sub: 'bench-officer', role: 'prefectureOfficer', prefecture: '520300' };
const ids = await startApplications(stack, count);
const ms: number[] = [];
for (const id of setupOnly ? [] : ids) {
  const decisionId = `profile-${randomUUID()}`;
  const started = performance.now();
  await stack.env.client.workflow
    .getHandle(`application-${id}`)
    .executeUpdate(decideUpdate, { updateId: decisionId, args: [{ decisionId, action: 'prefectureAccept', actor: officer, reason: '材料齐全', payload: {} }] });
  ms.push(performance.now() - started);
  if (apartMs) await new Promise((r) => setTimeout(r, apartMs));
}
console.log(JSON.stringify({ decisions: count, ...percentiles(ms) }));
await stack.stop();
process.exit(0);

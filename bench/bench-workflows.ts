// Workflows of the benchmarks only (their own task queue and bundle).
//
// The raw engine for comparison: a workflow that does nothing but take
// Updates, each answered at once with no activity. Benchmarks put our own
// paths beside it on the same server, in the same run.
import { condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const rawUpdate = defineUpdate<number, [number]>('rawUpdate');
export const rawStop = defineUpdate<void>('rawStop');
/** The raw Update whose handler awaits one local activity that does nothing (bench/decision-latency.ts). */
export const rawLocalUpdate = defineUpdate<number, [number]>('rawLocalUpdate');

const { benchNoop: localNoop } = proxyLocalActivities<{ benchNoop(): Promise<void> }>({ startToCloseTimeout: '10 seconds' });
const { recordAct: localRecordAct } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });
/**
 * The raw Update whose handler records one act through the real write path
 * (activities/record-act.ts: an audit entry, in its own transaction): the
 * engine plus our database write, without our workflow's own work.
 */
export const rawRecordUpdate = defineUpdate<number, [number]>('rawRecordUpdate');

export async function rawUpdateWorkflow(): Promise<number> {
  let count = 0;
  let stopped = false;
  setHandler(rawUpdate, (n) => {
    count += 1;
    return n;
  });
  setHandler(rawLocalUpdate, async (n) => {
    await localNoop();
    count += 1;
    return n;
  });
  setHandler(rawRecordUpdate, async (n) => {
    const { workflowId } = workflowInfo();
    await localRecordAct({
      audit: {
        decisionId: `${workflowId}-${count}-${n}`, subjectType: 'route', subjectId: workflowId, action: 'benchRaw',
        actorSub: 'bench', actorRole: 'ops', payload: { n }, outcome: 'applied', at: new Date(Date.now()).toISOString(),
      },
      changes: [],
    });
    count += 1;
    return n;
  });
  setHandler(rawStop, () => {
    stopped = true;
  });
  await condition(() => stopped);
  return count;
}

// A reminder due at one instant, sent through the real path: a durable
// timer, then the `notify` activity (outbox row, render, SMTP, mark sent).
const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export async function reminderAtWorkflow(input: { at: number; n: number; runId: string }): Promise<void> {
  await sleep(Math.max(0, input.at - Date.now()));
  await notify({
    subjectId: `bench-${input.runId}-${input.n}`,
    key: 'reminder',
    to: [{ email: `county-${input.n}@bench.example` }],
    template: 'taskReminder',
    params: { unitName: `基准县${input.n}`, step: 'prefectureReview', dueAt: new Date(input.at + 2 * 86_400_000).toISOString() },
  });
}

// The same shape with an activity that does nothing: what the engine alone
// costs per reminder on this server (timer, workflow tasks, activity task).
const { benchNoop } = proxyActivities<{ benchNoop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function engineOnlyAtWorkflow(input: { at: number }): Promise<void> {
  await sleep(Math.max(0, input.at - Date.now()));
  await benchNoop();
}

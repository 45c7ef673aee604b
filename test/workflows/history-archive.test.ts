// Closed runs' histories are kept in PostgreSQL (issue 7.4), on the dev
// server (its visibility answers the CloseTime query the archive uses).
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyFromStored } from '../../activities/history-archive';
import { applicationWorkflow } from '../../workflows/application';
import { historyArchiveWorkflow } from '../../workflows/history-archive';
import { decideUpdate } from '../../workflows/messages';
import { startHarness, type Harness } from '../support/harness';
import { workflowBundle } from '../support/temporal';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ server: 'dev', name: 'archive' });
});
afterAll(() => harness?.stop());

describe('history archive', () => {
  it('keeps each closed run once, as a history that still replays', async () => {
    const { env, database, taskQueue } = harness;
    const applicationId = randomUUID();
    const handle = await env.client.workflow.start(applicationWorkflow, {
      taskQueue,
      workflowId: `application-${applicationId}`,
      args: [{ applicationId, year: 2027, unit: { name: '凤冈县', type: 'county', prefectures: ['520300'] }, applicant: { name: '凤冈县人民政府', contactEmail: 'gov@fenggang.example', sub: 'fenggang' }, materials: [], submittedAt: new Date().toISOString() }],
    });
    await handle.executeUpdate(decideUpdate, { updateId: 'w-archive-1', args: [{ decisionId: 'w-archive-1', action: 'withdraw', actor: { sub: 'fenggang', role: 'applicant', prefecture: '520300' } }] });
    await handle.result();
    const { runId } = await handle.describe();

    // Visibility follows the close by moments: pass until the run is seen.
    let row = null;
    for (let n = 0; n < 50 && !row; n++) {
      await env.client.workflow.execute(historyArchiveWorkflow, { taskQueue, workflowId: `archive-pass-${randomUUID()}` });
      row = await database.db.workflowHistory.findUnique({ where: { runId } });
      if (!row) await new Promise((r) => setTimeout(r, 200));
    }
    expect(row).toMatchObject({ workflowId: handle.workflowId, workflowType: 'applicationWorkflow', status: 'COMPLETED' });
    const live = await handle.fetchHistory();
    expect(row!.eventCount).toBe(live.events?.length);

    // A second pass keeps nothing twice; the archived history replays on today's code.
    await env.client.workflow.execute(historyArchiveWorkflow, { taskQueue, workflowId: `archive-pass-${randomUUID()}` });
    expect(await database.db.workflowHistory.count({ where: { workflowId: handle.workflowId } })).toBe(1);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromStored(row!.history), handle.workflowId);
  });
});

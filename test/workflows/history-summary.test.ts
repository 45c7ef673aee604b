// The history in words (infra/history-summary.ts) for a real run on the
// time-skipping server, live and as archived (activities/history-archive.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyFromStored, historyToStored } from '../../activities/history-archive';
import { summarizeHistory } from '../../infra/history-summary';
import { applicationWorkflow } from '../../workflows/application';
import { decideUpdate, type Actor } from '../../workflows/messages';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'summary' });
});
afterAll(() => harness?.stop());

describe('summarizeHistory', () => {
  it('names the decisions, the timers and the end, live and from the archive alike', async () => {
    const { env, taskQueue } = harness;
    const applicationId = randomUUID();
    const handle = await env.client.workflow.start(applicationWorkflow, {
      taskQueue,
      workflowId: `application-${applicationId}`,
      args: [{ applicationId, year: 2027, unit: { name: '余庆县', type: 'county', prefectures: ['520300'] }, applicant: { name: '余庆县人民政府', contactEmail: 'gov@yuqing.example', sub: 'yuqing' }, materials: [], submittedAt: new Date().toISOString() }],
    });
    const officer: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
    // A minute of workflow time: the pre-review task and its due-date timer are set.
    await env.sleep(60_000);
    await handle.executeUpdate(decideUpdate, { updateId: 'sum-accept-1', args: [{ decisionId: 'sum-accept-1', action: 'prefectureAccept', actor: officer }] });
    await handle.executeUpdate(decideUpdate, { updateId: 'sum-withdraw-1', args: [{ decisionId: 'sum-withdraw-1', action: 'withdraw', actor: { sub: 'yuqing', role: 'applicant', prefecture: '520300' }, reason: '主动撤回' }] });
    await handle.result();

    const history = await handle.fetchHistory();
    const summary = summarizeHistory(history);
    expect(summary.events).toBe(history.events?.length);
    const kinds = summary.lines.map((l) => l.kind);
    expect(kinds[0]).toBe('started');
    expect(kinds.at(-1)).toBe('completed');
    // Names, not ids (domain/names.ts): the end, the decisions and their stages.
    expect(summary.lines.at(-1)?.text).toBe('流程结束：已撤回');
    expect(summary.lines[0]?.text).toBe('申报流程启动');
    expect(summary.lines.filter((l) => l.kind === 'decision').map((l) => l.detail)).toEqual([
      expect.objectContaining({ decisionId: 'sum-accept-1', action: 'prefectureAccept', actor: 'prefectureOfficer:zunyi-officer' }),
      expect.objectContaining({ decisionId: 'sum-withdraw-1', action: 'withdraw' }),
    ]);
    expect(summary.lines.find((l) => l.kind === 'decision')?.text).toBe('受理「预审通过」，办理人 市（州）生态环境主管部门 zunyi-officer（sum-accept-1）');
    expect(summary.lines.find((l) => l.kind === 'decisionDone')?.text).toBe('「预审通过」办结，阶段：市（州）公示');
    expect(summary.lines.find((l) => l.kind === 'decisionDone')?.detail).toMatchObject({ action: 'prefectureAccept', stage: 'prefectureNotice' });
    for (const l of summary.lines.filter((x) => x.kind.startsWith('decision') || x.kind === 'completed' || x.kind === 'started')) expect(l.text).not.toMatch(/prefectureAccept|「withdraw|withdrawn|prefectureNotice|applicationWorkflow|decide/);
    // The pre-review's due date is a timer with the instant it fires.
    expect(summary.lines.find((l) => l.kind === 'timer')?.detail?.firesAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(summary.lines.some((l) => l.kind === 'activity' && l.detail?.activityType === 'recordApplication')).toBe(true);

    expect(summarizeHistory(historyFromStored(JSON.parse(JSON.stringify(historyToStored(history)))))).toEqual(summary);
  });
});

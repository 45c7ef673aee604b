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
    // The one who acted by office, never by account or decision id (those stay in `detail`).
    expect(summary.lines.find((l) => l.kind === 'decision')?.text).toBe('受理「预审通过」，办理人 遵义市生态环境局');
    expect(summary.lines.find((l) => l.kind === 'decisionDone')?.text).toBe('「预审通过」办结，阶段：市（州）公示');
    expect(summary.lines.find((l) => l.kind === 'decisionDone')?.detail).toMatchObject({ action: 'prefectureAccept', stage: 'prefectureNotice' });
    for (const l of summary.lines.filter((x) => x.kind.startsWith('decision') || x.kind === 'completed' || x.kind === 'started')) expect(l.text).not.toMatch(/prefectureAccept|「withdraw|withdrawn|prefectureNotice|applicationWorkflow|decide/);
    // The pre-review's reminder and due date are timers named by their summary, with the instant they fire in 北京时间 (UTC in `detail`).
    const timer = summary.lines.find((l) => l.kind === 'timer' && l.text.includes('市（州）预审'));
    expect(timer?.detail?.firesAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(timer?.text).toMatch(/^设定「(提醒|期限)：市（州）预审[^」]*」：.+后触发（\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}，北京时间）$/);
    const recorded = summary.lines.find((l) => l.kind === 'activity' && l.detail?.activityType === 'recordApplication');
    expect(recorded?.text).toBe('活动“登记申报”已排程');
    // Nothing a person reads is an identifier: no Latin letters at all in this run's lines, no ISO instants.
    expect(summary.lines.filter((l) => /[A-Za-z]/.test(l.text)).map((l) => l.text)).toEqual([]);

    expect(summarizeHistory(historyFromStored(JSON.parse(JSON.stringify(historyToStored(history)))))).toEqual(summary);
  });
});

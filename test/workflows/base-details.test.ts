// A base stays recognisable in the Temporal UI after its yearly
// continue-as-new, whose run has no static summary (the SDK's continue-as-new
// takes none): every run sets its current details from its first activation,
// naming the base and what it waits for, and upserts LsUnitName, the list's
// column and filter (docs/ARCHITECTURE.md "What ops read in the
// Temporal UI"). Every timer of every run is named in the ops history
// (infra/history-summary.ts), the run's end included.
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstDateOf, formatCstDateZh, startOfCstDayMs } from '../../domain/dates';
import { summarizeHistory } from '../../infra/history-summary';
import { baseWorkflow } from '../../workflows/base';
import type { BaseInput } from '../../workflows/base-messages';
import { LsUnitName } from '../../workflows/search-attributes';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ server: 'timeSkipping', name: 'base-details' });
});
afterAll(() => harness?.stop());

type Handle = WorkflowHandle<typeof baseWorkflow>;

/** Runs `check` until it passes (every 100 ms, 20 s at most) and answers what it returned. */
async function settled<T>(check: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await check();
    } catch (error) {
      if (n >= 200) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** What the Temporal UI shows as the workflow's current details (the SDK's metadata query). */
const currentDetails = async (handle: Handle) => (await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '';

describe('a base in the Temporal UI', () => {
  it('is named by its current details and LsUnitName in every run, the one after its continue-as-new included, and its timers by their summaries', async () => {
    const { env, taskQueue } = harness;
    const namedOn = cstDateOf(await env.currentTimeMs());
    const year = Number(namedOn.slice(0, 4));
    const input: BaseInput = {
      baseId: randomUUID(),
      unit: { name: '赤水市', type: 'county', prefectures: ['520300'] },
      applicant: { name: '赤水市人民政府', contactEmail: `details-${randomUUID().slice(0, 8)}@unit.example`, sub: 'applicant-chishui' },
      namedOn,
    };
    const handle = await env.client.workflow.start(baseWorkflow, { taskQueue, workflowId: `base-${input.baseId}`, args: [input] });
    const heading = `**“两山”实践创新基地 赤水市（${formatCstDateZh(namedOn)}命名）**`;

    // The first run: the base, its status and term, and the run's end as its next instant.
    const first = await settled(async () => {
      const details = await currentDetails(handle);
      expect(details.split('\n\n')).toEqual([heading, expect.stringMatching(/^已命名（有效期内），称号有效期至 \d{4}年\d{1,2}月\d{1,2}日$/), expect.stringMatching(/^下一时点：「本年度运行结束，转入下一年度运行」/)]);
      return details;
    });
    expect(first).not.toMatch(/[A-Za-z]{3,}/);
    expect((await handle.describe()).typedSearchAttributes.get(LsUnitName)).toBe('赤水市');

    // Into the next year: the run continues as new, with no static summary of its own.
    const ms = startOfCstDayMs(`${year + 1}-01-02`) - (await env.currentTimeMs());
    await env.sleep(ms);
    const next = await settled(async () => {
      const description = await handle.describe();
      expect(description.runId).not.toBe(handle.firstExecutionRunId);
      return description;
    });
    expect(next.typedSearchAttributes.get(LsUnitName)).toBe('赤水市');
    const later = env.client.workflow.getHandle<typeof baseWorkflow>(handle.workflowId, next.runId);
    // Named as in the first run, and waiting for last year's summary (Art. 18) and the year's end.
    const details = await settled(async () => {
      const d = await currentDetails(later);
      expect(d).toContain(`「${year}年度工作总结`);
      return d;
    });
    expect(details.startsWith(`${heading}\n\n已命名（有效期内），称号有效期至`)).toBe(true);
    expect(details).toMatch(new RegExp(`下一时点：「${year}年度工作总结(提醒|截止)」${year + 1}年1月\\d+日 \\d{2}:\\d{2}；.*「本年度运行结束，转入下一年度运行」${year + 1}年12月31日 24:00$`));

    // Every timer of both runs is named in the ops history.
    const history = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
    const timers = [...summarizeHistory(history).lines, ...summarizeHistory(await later.fetchHistory()).lines].filter((l) => l.kind === 'timer');
    expect(timers.map((l) => l.text)).toContainEqual(expect.stringMatching(/^设定「本年度运行结束，转入下一年度运行」/));
    expect(timers.filter((l) => l.text.includes('「计时器」'))).toEqual([]);
    await later.terminate('test over');
  }, 120_000);
});

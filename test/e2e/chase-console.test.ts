// The chase (催办, issue 16) in the console, headless Chromium: the province
// opens an application whose pre-review is overdue (escalated), finds the
// 催办 button beside the task, adds a message and sends it; the page confirms
// it, the timeline shows the act and the prefecture's mailbox has the mail.
// The prefecture that holds the task gets no button (its own office).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST } from '../../scripts/build-console';
import { applicationWorkflow, type ApplicationInput } from '../../workflows/application';
import { decideUpdate, type Actor } from '../../workflows/messages';
import { CONSOLE_CONTEXT, launchConsoleBrowser, signInAs } from '../support/browser';
import { uncheckedApplicationDecision } from '../support/decisions';
import { startHarness, type Harness } from '../support/harness';

const province: Actor = { sub: 'province-officer', role: 'provinceOfficer', name: '王五' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const DAY = 24 * 3600_000;

let browser: Browser;
let context: BrowserContext;
let harness: Harness;
let env: TestWorkflowEnvironment;
let base: string;
let offset = 0;

beforeAll(async () => {
  browser = await launchConsoleBrowser();
  harness = await startHarness({ server: 'timeSkipping', name: 'chase-console' });
  env = harness.env;
  base = await harness.listen({ clock: () => new Date(Date.now() + offset), consoleDir: CONSOLE_DIST });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await harness?.stop();
});

const signIn = (page: Page, actor: Actor) => signInAs(page, base, actor);

describe('the chase button', () => {
  it('chases an overdue task from the application page', async () => {
    const id = randomUUID();
    const input: ApplicationInput = {
      applicationId: id, year: 2027, unit: { name: '催办示范县', type: 'county', prefectures: ['520300'], terrain: 'mountain' },
      applicant: { name: '催办示范县人民政府', contactEmail: 'gov@cuiban.example', sub: 'applicant-cuiban' }, materials: [],
      submittedAt: new Date(await env.currentTimeMs()).toISOString(),
    };
    const handle = await env.client.workflow.start(applicationWorkflow, { taskQueue: harness.taskQueue, workflowId: `application-${id}`, args: [input] });
    const taskId = `application-${id}:prefectureReview`;
    const db = harness.database.db;
    for (let n = 0; n < 200 && !(await db.task.findUnique({ where: { id: taskId } })); n++) await new Promise((r) => setTimeout(r, 50));
    await env.sleep(25 * DAY);
    for (let n = 0; n < 200 && ((await db.task.findUnique({ where: { id: taskId } }))?.escalationLevel ?? 0) < 1; n++) await new Promise((r) => setTimeout(r, 50));
    offset = (await env.currentTimeMs()) - Date.now();
    context = await browser.newContext(CONSOLE_CONTEXT);
    await context.clock.setFixedTime(new Date(Date.now() + offset));

    // The office holding the task is not offered a chase of itself.
    const own = await context.newPage();
    await signIn(own, zunyi);
    await own.goto(`${base}/applications/${id}`);
    await own.getByRole('heading', { name: '待办事项' }).waitFor();
    expect(await own.getByTestId('chase-open').count()).toBe(0);
    await own.close();

    const page = await context.newPage();
    await signIn(page, province);
    await page.goto(`${base}/applications/${id}`);
    await page.getByRole('button', { name: '催办：市（州）预审' }).click();
    await page.getByTestId('chase-form').getByLabel('催办意见（选填）').fill('请尽快完成预审');
    await page.getByRole('button', { name: '发送催办' }).click();
    await expect.poll(() => page.getByTestId('done').textContent()).toBe('已向市（州）生态环境主管部门发出催办：市（州）预审');
    await expect.poll(() => page.getByTestId('timeline').textContent()).toContain('催办逾期待办');
    expect(await page.getByTestId('timeline').textContent()).toContain('请尽快完成预审');
    const mails = await harness.sink.waitFor((m) => m.some((x) => x.subject.startsWith('【催办】催办示范县')));
    expect(mails.filter((x) => x.subject.startsWith('【催办】催办示范县'))).toHaveLength(1);
    expect(await db.decision.count({ where: { action: 'chaseTask', outcome: 'applied', subjectId: id } })).toBe(1);

    const withdrawId = `d-${randomUUID()}`;
    await handle.executeUpdate(decideUpdate, { updateId: withdrawId, args: [uncheckedApplicationDecision({ decisionId: withdrawId, action: 'withdraw', actor: { sub: input.applicant.sub, role: 'applicant', prefecture: '520300' }, reason: '测试结束' })] });
  });
});

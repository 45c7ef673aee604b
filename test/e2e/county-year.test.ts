// A base's year from the county's side, in headless Chromium (issue 16, item 2):
// the base's own applicant, on the base page, submits the annual summary with
// its file uploaded as soon as it is chosen (Art. 18), submits the same again
// (applied once), corrects it (version 2, with when corrections close in
// 北京时间), submits a year of indicator data with the unit's terrain target
// for indicator 7 (Art. 22), and, after the province requires a rectification
// through the API, reports it with an attachment (Art. 23); after the due date
// a correction is refused by the API and the form keeps what was typed. The
// base page fits 1280 px and 390 px without sideways scrolling. The base
// workflow is started directly (as test/api/bases-http.test.ts does), with an
// application row giving the unit's terrain. Screenshots go to
// test-results/screenshots/.
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import { CONSOLE_DIST } from '../../scripts/build-console';
import { baseWorkflow } from '../../workflows/base';
import type { BaseInput } from '../../workflows/base-messages';
import type { Actor } from '../../workflows/messages';
import { CONSOLE_CONTEXT, launchConsoleBrowser, signInAs } from '../support/browser';
import { checkPage } from '../support/page-checks';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const applicant: Actor = { sub: 'xishui-gov', role: 'applicant', prefecture: '520300', name: '习水县人民政府', email: 'gov@xishui.example' };
const province: Actor = { sub: 'province-officer', role: 'provinceOfficer', name: '省生态环境厅' };

let browser: Browser;
let context: BrowserContext;
let harness: Harness;
let env: TestWorkflowEnvironment;
let base: string;
let baseId: string;
/** The time-skipping server's time minus real time: the API's clock and the browser's follow the server. */
let offset = 0;

async function syncClock(): Promise<void> {
  offset = (await env.currentTimeMs()) - Date.now();
  await context?.clock.setFixedTime(new Date(Date.now() + offset));
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchConsoleBrowser();
  harness = await startHarness({ server: 'timeSkipping', name: 'county-year' });
  env = harness.env;
  base = await harness.listen({ clock: () => new Date(Date.now() + offset), consoleDir: CONSOLE_DIST });
  // 10 January 2028 CST: the 2027 summary is due on 31 January 24:00, and 2027's indicator data may be reported.
  const target = Date.parse('2028-01-10T02:00:00Z');
  const now = await env.currentTimeMs();
  if (now < target) await env.sleep(target - now);
  // A base named in 2027 on a mountain county's application (its terrain sets indicator 7's target).
  baseId = randomUUID().replace(/-/g, '').slice(0, 20);
  await harness.database.db.application.create({
    data: {
      id: baseId, workflowId: `application-${baseId}`, year: 2027, unitName: '习水县', unitType: 'county', prefectures: ['520300'], submitVia: '520300',
      terrain: 'mountain', applicantName: '习水县人民政府', applicantSub: applicant.sub, contactEmail: 'gov@xishui.example', materials: [], stage: 'named',
      namedOn: '2027-06-01', submittedAt: new Date('2027-03-01T02:00:00Z'),
    },
  });
  const input: BaseInput = {
    baseId,
    unit: { name: '习水县', type: 'county', prefectures: ['520300'] },
    applicant: { name: '习水县人民政府', contactEmail: 'gov@xishui.example', sub: applicant.sub },
    namedOn: '2027-06-01',
  };
  await env.client.workflow.start(baseWorkflow, { taskQueue: harness.taskQueue, workflowId: `base-${baseId}`, args: [input] });
  for (let n = 0; n < 200 && !(await harness.database.db.base.findUnique({ where: { id: baseId } })); n++) await new Promise((r) => setTimeout(r, 50));
  context = await browser.newContext(CONSOLE_CONTEXT);
  await syncClock();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await harness?.stop();
});

const signIn = (page: Page, actor: Actor) => signInAs(page, base, actor);

async function callApi(method: string, url: string, actor: Actor, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}` };
  const res = await fetch(base + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Nothing to scroll sideways at the page's current width; names what sticks out when something does. */
async function fits(page: Page): Promise<void> {
  const width = page.viewportSize()!.width;
  const wide = await page.evaluate(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > ${width} + 0.5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 30))`);
  expect(wide).toEqual([]);
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
}

/** At 1280 and at 390 px: fits, and a full-page screenshot of each. */
async function fitsBoth(page: Page, name: string): Promise<void> {
  // With the page checks (test/support/page-checks.ts) at each size.
  await checkPage(page, name, async (size) => {
    await fits(page);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${size.width}.png`), fullPage: true });
  });
  await page.setViewportSize(DESKTOP);
}

const pdf = (name: string) => ({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.7\n${name}\n%%EOF\n`) });

describe('the county’s year on its base page', () => {
  it('summarises, corrects, reports indicator data and a rectification, at 1280 and 390 px', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, applicant);
    await page.goto(`${base}/bases/${baseId}`);
    const summary = page.getByTestId('summary-form');
    await summary.waitFor();
    expect(await page.getByTestId('rectification-form').count()).toBe(0);

    // ---- the annual summary: what is missing is said before anything is sent.
    await summary.locator('select[name=summaryYear]').selectOption('2027');
    await summary.getByRole('button', { name: '提交总结' }).click();
    const missing = await page.getByTestId('summary-problems').innerText();
    expect(missing).toContain('请填写工作总结');
    expect(missing).toContain('请上传总结材料文件');
    expect(await page.getByTestId('summary-due').innerText()).toContain('2027年度工作总结应于 2028年1月31日 24:00（北京时间）前提交');
    await summary.locator('textarea[name=summary]').fill('2027年度“两山”基地建设工作总结：生态产品价值实现机制试点。');
    await summary.locator('input[name=summaryFile]').setInputFiles(pdf('2027年度工作总结'));
    await summary.getByTestId('uploaded-summaryFile').filter({ hasText: '2027年度工作总结.pdf' }).waitFor();
    await summary.getByRole('button', { name: '提交总结' }).click();
    expect(await page.getByTestId('summary-saved').innerText()).toContain('已提交2027年度工作总结（第1版）');
    await page.getByTestId('annual-summary').filter({ hasText: '第1版' }).waitFor();
    // The same content again (a lost answer, a second click): applied once.
    await summary.getByRole('button', { name: '提交更正' }).click();
    await page.getByTestId('summary-saved').filter({ hasText: '第1版' }).waitFor();
    expect(await harness.database.db.baseSummary.count({ where: { baseId } })).toBe(1);

    // ---- a correction before the due date: a new version, and until when corrections are taken.
    expect(await page.getByTestId('summary-due').innerText()).toContain('已提交第1版：再次提交即为更正，将作为第2版（以前各版均保留），更正受理至 2028年1月31日 24:00（北京时间）');
    await summary.locator('textarea[name=summary]').fill('2027年度“两山”基地建设工作总结（更正）：补充生态补偿资金使用情况。');
    await summary.locator('input[name=summaryFile]').setInputFiles(pdf('2027年度工作总结（更正）'));
    await summary.getByTestId('uploaded-summaryFile').filter({ hasText: '（更正）' }).waitFor();
    await summary.getByRole('button', { name: '提交更正' }).click();
    expect(await page.getByTestId('summary-saved').innerText()).toContain('第2版，更正');
    const current = page.getByTestId('annual-summary').filter({ hasText: '第2版' });
    await current.waitFor();
    expect(await current.innerText()).toContain('已更正');
    expect(await current.innerText()).toContain('补充生态补偿资金使用情况');
    expect(await harness.database.db.baseSummary.count({ where: { baseId, year: 2027 } })).toBe(2);

    // ---- a year of indicator data: indicator 7's target is the unit's terrain's.
    const data = page.getByTestId('indicator-form');
    expect(await data.locator('select[name=year]').inputValue()).toBe('2027');
    expect(await data.getByTestId('terrain-target').innerText()).toBe('本单元为山区：≥60%');
    await data.locator('input[name="ind-1"]').fill('96');
    await data.locator('input[name="avg-1"]').fill('95');
    await data.locator('input[name="ind-7"]').fill('65');
    await data.locator('select[name="ind-16"]').selectOption('true');
    await data.getByRole('button', { name: '保存指标数据' }).click();
    await data.getByRole('status').filter({ hasText: '2027年度指标数据已保存' }).waitFor();
    expect(await harness.database.db.baseIndicatorData.count({ where: { baseId, year: 2027 } })).toBe(1);
    await fitsBoth(page, 'base-county-summary');

    // ---- the province requires a rectification (through the API); the county reports it.
    const required = await callApi('POST', `/api/bases/${baseId}/decisions`, province, {
      decisionId: `rect-${randomUUID()}`, action: 'requireRectification', requirements: ['完善生态补偿机制', '补齐指标数据'], deadline: '2028-03-31',
    });
    expect(required).toMatchObject({ status: 200, body: { stage: 'underRectification' } });
    await page.reload();
    const report = page.getByTestId('rectification-form');
    await report.waitFor();
    const terms = await page.getByTestId('rectification-terms').innerText();
    expect(terms).toContain('整改期限至 2028年3月31日 24:00（北京时间）');
    expect(terms).toContain('完善生态补偿机制');
    await report.getByRole('button', { name: '提交整改报告' }).click();
    expect(await page.getByTestId('report-problems').innerText()).toContain('请填写整改报告');
    await report.locator('textarea[name=report]').fill('已建立生态补偿资金管理办法，补报2027年度指标数据。');
    await report.locator('input[name=reportFile]').setInputFiles(pdf('整改报告'));
    await report.getByTestId('uploaded-reportFile').waitFor();
    await report.getByRole('button', { name: '提交整改报告' }).click();
    expect(await page.getByTestId('report-saved').innerText()).toContain('等待省生态环境厅核查');
    // Sent again unchanged: recorded once.
    await report.getByRole('button', { name: '提交整改报告' }).click();
    await page.getByTestId('report-saved').waitFor();
    expect(await harness.database.db.decision.count({ where: { subjectId: baseId, action: 'reportRectification', outcome: 'applied' } })).toBe(1);
    const act = await harness.database.db.decision.findFirstOrThrow({ where: { subjectId: baseId, action: 'reportRectification', outcome: 'applied' } });
    expect(act.payload).toMatchObject({ report: '已建立生态补偿资金管理办法，补报2027年度指标数据。', fileId: expect.any(String) });
    await page.getByTestId('rectification-reported').waitFor();
    // What a person reads names no internal id.
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(baseId);
    expect(text).not.toContain(act.decisionId);
    await fitsBoth(page, 'base-county-rectification');
    // The two forms alone, on the phone.
    await page.setViewportSize(PHONE);
    await summary.screenshot({ path: path.join(SHOTS, 'base-county-summary-form-390.png') });
    await report.screenshot({ path: path.join(SHOTS, 'base-county-rectification-form-390.png') });
    await page.setViewportSize(DESKTOP);

    // ---- after 31 January 24:00: a correction is refused by the API; the form keeps what was typed.
    await env.sleep(Date.parse('2028-02-01T02:00:00Z') - (await env.currentTimeMs()));
    await syncClock();
    await page.reload();
    await summary.waitFor();
    await summary.locator('select[name=summaryYear]').selectOption('2027');
    expect(await page.getByTestId('summary-due').innerText()).toContain('更正已于 2028年1月31日 24:00（北京时间）截止');
    const late = '迟到的更正';
    await summary.locator('textarea[name=summary]').fill(late);
    await summary.locator('input[name=summaryFile]').setInputFiles(pdf('迟到的更正'));
    await summary.getByTestId('uploaded-summaryFile').waitFor();
    await summary.getByRole('button', { name: '提交更正' }).click();
    const refused = await summary.getByRole('alert').innerText();
    expect(refused).toContain('未能提交');
    expect(refused).toContain('现已不能更正');
    expect(await summary.locator('textarea[name=summary]').inputValue()).toBe(late);
    expect(await harness.database.db.baseSummary.count({ where: { baseId, year: 2027 } })).toBe(2);
    await fitsBoth(page, 'base-county-refused');
  }, 180_000);
});

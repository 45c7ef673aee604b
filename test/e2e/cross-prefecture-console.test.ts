// The console's side of Art. 11 in headless Chromium on a phone's width
// (390 px): a unit spanning two prefectures is offered its path (radio:
// 直接向省生态环境厅申报 / 通过某市（州）申报 with the unit's own prefectures),
// the form says what is missing without it, and the application's page shows
// the path, its stage bar marking the prefecture steps of a direct
// application as not taken. Screenshots go to test-results/screenshots/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../api/auth';
import type { Actor } from '../../workflows/messages';
import { CONSOLE_DIST } from '../../scripts/build-console';
import { CONSOLE_CONTEXT, launchConsoleBrowser, signInAs } from '../support/browser';
import { checkPage } from '../support/page-checks';
import { startHarness, TEST_JWT_SECRET, type Harness } from '../support/harness';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const PHONE = { width: 390, height: 844 };
const applicant: Actor = { sub: 'chishuihe-gov', role: 'applicant', prefecture: '520300', name: '赤水河流域管理机构', email: 'gov@chishuihe.example' };

let browser: Browser;
let context: BrowserContext;
let harness: Harness;
let env: TestWorkflowEnvironment;
let base: string;
/** The time-skipping server's time minus real time: the API's clock and the browser's follow the server. */
let offset = 0;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchConsoleBrowser();
  harness = await startHarness({ server: 'timeSkipping', name: 'cross-prefecture-console' });
  env = harness.env;
  base = await harness.listen({ clock: () => new Date(Date.now() + offset), consoleDir: CONSOLE_DIST });
  // Into the 2027 acceptance window (1 January - 30 June CST, Art. 11).
  const target = Date.parse('2027-03-01T01:00:00Z');
  const now = await env.currentTimeMs();
  if (now < target) await env.sleep(target - now);
  offset = (await env.currentTimeMs()) - Date.now();
  context = await browser.newContext({ ...CONSOLE_CONTEXT, viewport: PHONE });
  await context.clock.setFixedTime(new Date(Date.now() + offset));
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await harness?.stop();
});

const signIn = (page: Page, actor: Actor) => signInAs(page, base, actor);

/** The page is no wider than the phone: nothing to scroll sideways. */
async function fitsThePhone(page: Page): Promise<void> {
  const wide = await page.evaluate(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > ${PHONE.width} + 0.5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 30))`);
  expect(wide).toEqual([]);
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
}

describe('a cross-prefecture unit in the console (Art. 11)', () => {
  it('chooses its path on the form at 390 px; the application page shows it, and a direct one skips the prefecture steps', async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, applicant);
    await page.goto(`${base}/applications/new`);
    await page.locator('input[name=unitName]').fill('赤水河流域');
    await page.locator('select[name=unitType]').selectOption('watershed');
    // One prefecture: no choice offered.
    expect(await page.getByTestId('submit-via').count()).toBe(0);
    await page.getByText('跨市（州）的建设单元：另选涉及的市（州）').click();
    await page.getByLabel('毕节市', { exact: true }).check();
    const choice = page.getByTestId('submit-via');
    await choice.waitFor();
    expect(await choice.locator('label').allInnerTexts()).toEqual([
      '直接向省生态环境厅申报',
      '通过遵义市申报（由遵义市预审、公示和推荐）',
      '通过毕节市申报（由毕节市预审、公示和推荐）',
    ]);
    // Not chosen: the form says so before sending anything.
    await page.getByRole('button', { name: '提交申报' }).click();
    expect(await page.getByTestId('form-problems').innerText()).toContain('跨市（州）的建设单元须选择申报途径');
    await fitsThePhone(page);

    const pdf = (name: string) => ({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.7\n${name}\n%%EOF\n`) });
    await page.locator('input[name="file-letter"]').setInputFiles(pdf('申报函'));
    await page.getByTestId('uploaded-letter').waitFor();
    for (const c of [1, 2, 3, 4]) {
      await page.locator(`textarea[name="explanation-${c}"]`).fill(`对照第${c}项条件的说明`);
      await page.locator(`input[name="file-cond${c}"]`).setInputFiles(pdf(`条件${c}`));
      await page.getByTestId(`uploaded-cond${c}`).waitFor();
    }
    await page.locator('input[name="file-plan"]').setInputFiles(pdf('实施方案'));
    await page.getByTestId('uploaded-plan').waitFor();
    await page.locator('select[name=issuedBy]').selectOption('prefecture');
    await page.getByRole('button', { name: '全选七章' }).click();
    await choice.getByLabel('通过毕节市申报（由毕节市预审、公示和推荐）').check();
    await page.screenshot({ path: path.join(SHOTS, 'application-new-cross-prefecture-390.png'), fullPage: true });
    await choice.screenshot({ path: path.join(SHOTS, 'application-new-submit-via-390.png') });
    await fitsThePhone(page);
    await checkPage(page, 'application-new-cross-prefecture');
    await page.getByRole('button', { name: '提交申报' }).click();
    await page.waitForURL(/\/applications\/[0-9a-f]{20}$/);
    await page.getByTestId('stage').filter({ hasText: '市（州）预审' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('经毕节市申报');
    expect(await page.locator('.stages li.skipped').count()).toBe(0);
    await fitsThePhone(page);

    // A direct application (submitted through the API): the stage bar marks the prefecture steps as not taken.
    const id = page.url().split('/').pop()!;
    const own = (await harness.database.db.application.findUniqueOrThrow({ where: { id } })).materials;
    const res = await fetch(`${base}/api/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await signDevToken(TEST_JWT_SECRET, applicant)}` },
      body: JSON.stringify({
        year: 2027,
        unit: { name: '乌江流域', type: 'watershed', prefectures: ['520300', '520600'], terrain: 'mountain' },
        applicant: { name: '乌江流域管理机构', contactEmail: 'gov@wujiang.example' },
        materials: own,
        submitVia: 'province',
      }),
    });
    expect(res.status).toBe(201);
    const direct = String(((await res.json()) as { id: string }).id);
    await page.goto(`${base}/applications/${direct}`);
    await page.getByTestId('stage').filter({ hasText: '核查评估' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('直接向省生态环境厅申报');
    expect(await page.locator('.stages li.skipped').allInnerTexts()).toEqual(['市（州）预审（不经过）', '市（州）公示（不经过）', '市（州）推荐（不经过）']);
    expect(await page.locator('.stages li.done').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'application-direct-390.png'), fullPage: true });
    await fitsThePhone(page);
    await checkPage(page, 'application-direct');

    // The list says which path each took.
    await page.goto(`${base}/applications`);
    const list = page.getByTestId('applications');
    await list.filter({ hasText: '乌江流域' }).waitFor();
    expect(await list.innerText()).toContain('直接向省生态环境厅申报');
    expect(await list.innerText()).toContain('经毕节市申报');
    await fitsThePhone(page);
    await checkPage(page, 'applications-applicant');
  });
});

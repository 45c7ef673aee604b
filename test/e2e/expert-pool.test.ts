// The expert pool's page (专家库, Art. 25) in headless Chromium, against the
// real API, worker, Temporal and PostgreSQL: the province opens it from the
// header, adds an expert registered in 遵义市 红花岗区 (prefecture first, then
// county), sees the region in words, changes the expert's fields and
// deactivates it with a reason; a prefecture officer has no such page. At
// 1280×800 and 390×844 nothing scrolls sideways. Screenshots go to
// test-results/screenshots/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../workflows/messages';
import { CONSOLE_DIST } from '../../scripts/build-console';
import { CONSOLE_CONTEXT, launchConsoleBrowser, signInAs } from '../support/browser';
import { startHarness, type Harness } from '../support/harness';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const province: Actor = { sub: 'pool-province', role: 'provinceOfficer', name: '省生态环境厅' };
const zunyi: Actor = { sub: 'pool-zunyi', role: 'prefectureOfficer', prefecture: '520300', name: '遵义市生态环境局' };

let browser: Browser;
let harness: Harness;
let base: string;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchConsoleBrowser();
  harness = await startHarness({ server: 'dev', name: 'expert-pool-console' });
  base = await harness.listen({ consoleDir: CONSOLE_DIST });
});

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext(CONSOLE_CONTEXT);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

const signIn = (page: Page, actor: Actor) => signInAs(page, base, actor);

/** Nothing scrolls sideways at the page's current width. */
async function fits(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = (await page.evaluate('({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })')) as { scrollWidth: number; innerWidth: number };
  expect(scrollWidth, `page ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
}

/** Screenshots at 1280 and 390, checking each width for sideways scrolling. */
async function shot(page: Page, name: string): Promise<void> {
  await fits(page);
  await page.screenshot({ path: path.join(SHOTS, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await fits(page);
  await page.screenshot({ path: path.join(SHOTS, `${name}-390.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

describe('the expert pool in the console (Art. 25)', () => {
  it('the province adds an expert in 遵义市 红花岗区, sees the region in words, changes and deactivates it', async () => {
    const page = await newPage();
    await signIn(page, province);
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '专家库' }).click();
    await page.waitForURL((url) => url.pathname === '/experts');
    await page.getByText('专家库中还没有专家。').waitFor();

    // Nothing filled in: the form says what is missing, announced, and sends nothing.
    const add = page.getByTestId('add-expert');
    await add.getByRole('button', { name: '添加专家' }).click();
    const problems = add.getByTestId('form-problems');
    expect(await problems.getAttribute('role')).toBe('alert');
    expect(await problems.innerText()).toContain('请填写姓名');
    expect(await problems.innerText()).toContain('请选择所在地区');

    await add.getByLabel('姓名').fill('黄专家');
    await add.getByLabel('电子邮箱').fill('huang@experts.example');
    await add.getByLabel('专业领域（选填，每行一项）').fill('生态保护\n水环境');
    // Prefecture first; the county picker offers the whole prefecture first, then its counties.
    expect(await add.getByLabel('所在县（市、区）').count()).toBe(0);
    expect((await add.getByLabel('所在市（州）').locator('option').allInnerTexts()).slice(0, 3)).toEqual(['请选择', '省级', '贵阳市']);
    await add.getByLabel('所在市（州）').selectOption({ label: '遵义市' });
    const county = add.getByLabel('所在县（市、区）');
    expect((await county.locator('option').allInnerTexts())[0]).toBe('全市（州）');
    await county.selectOption({ label: '红花岗区' });
    await add.getByLabel('理由（选填）').fill('第二十五条：补充生态领域专家');
    await page.screenshot({ path: path.join(SHOTS, 'experts-add-1280.png'), fullPage: true });
    // Sent by the keyboard: Enter in the name field.
    await add.getByLabel('姓名').press('Enter');

    const row = page.getByTestId('expert-row').filter({ hasText: '黄专家' });
    await row.waitFor();
    expect(await row.getByTestId('expert-region').innerText()).toBe('遵义市 红花岗区');
    expect(await row.getByTestId('expert-status').innerText()).toBe('在库');
    expect(await row.innerText()).toContain('生态保护、水环境');
    expect(await page.getByTestId('expert-done').innerText()).toContain('已添加：黄专家（遵义市 红花岗区）');
    // No internal id on the page.
    const [expert] = await harness.database.db.expert.findMany({ where: { email: 'huang@experts.example' } });
    expect(expert).toMatchObject({ region: '520302', fields: ['生态保护', '水环境'], active: true });
    expect(await page.locator('main').innerText()).not.toContain(expert!.id);
    // The form is empty again, ready for the next expert.
    expect(await add.getByLabel('姓名').inputValue()).toBe('');
    await shot(page, 'experts');

    // Change the fields: only what changed is sent.
    await row.getByRole('button', { name: '修改黄专家' }).click();
    const edit = page.getByTestId('edit-expert');
    expect(await edit.getByLabel('所在市（州）').inputValue()).toBe('520300');
    expect(await edit.getByLabel('所在县（市、区）').inputValue()).toBe('520302');
    await edit.getByLabel('专业领域（选填，每行一项）').fill('生态保护\n土壤');
    await edit.getByRole('button', { name: '保存修改' }).click();
    await page.getByTestId('expert-done').filter({ hasText: '已保存：黄专家' }).waitFor();
    await row.filter({ hasText: '生态保护、土壤' }).waitFor();

    // Deactivate, with a reason.
    await row.getByRole('button', { name: '停用黄专家' }).click();
    const toggle = page.getByTestId('toggle-expert');
    await toggle.getByLabel('理由（选填）').fill('本人申请暂停');
    await shot(page, 'experts-deactivate');
    await toggle.getByRole('button', { name: '确认停用' }).click();
    await page.getByTestId('expert-done').filter({ hasText: '已停用：黄专家' }).waitFor();
    await row.getByTestId('expert-status').filter({ hasText: '已停用' }).waitFor();
    expect(await row.getByRole('button', { name: '恢复黄专家' }).count()).toBe(1);
    await shot(page, 'experts-deactivated');

    // One expert, and the pool's acts in the audit log with their reasons.
    expect(await harness.database.db.expert.count({ where: { email: 'huang@experts.example' } })).toBe(1);
    const acts = await harness.database.db.decision.findMany({ where: { subjectType: 'expert', subjectId: expert!.id, outcome: 'applied' }, orderBy: { seq: 'asc' } });
    expect(acts.map((a) => [a.action, a.reason])).toEqual([
      ['expertAdded', '第二十五条：补充生态领域专家'],
      ['expertUpdated', null],
      ['expertDeactivated', '本人申请暂停'],
    ]);
    expect(await harness.database.db.expert.findUniqueOrThrow({ where: { id: expert!.id } })).toMatchObject({ fields: ['生态保护', '土壤'], active: false });
  });

  it('is not offered to a prefecture officer', async () => {
    const page = await newPage();
    await signIn(page, zunyi);
    expect(await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '专家库' }).count()).toBe(0);
    await page.goto(`${base}/experts`);
    await page.getByText('没有这个页面').waitFor();
  });
});

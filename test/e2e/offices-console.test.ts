// 办公室名录 in the console, headless Chromium: the province sees an office
// without a mailbox flagged, sets its mailbox through the form, and the flag
// goes; a prefecture office sees only its own office and edits only its
// public contact. Ops see what to fix on the 运维 page (offices without a
// mailbox, undeliverable mails) and re-send an undeliverable mail to a
// corrected address. Each page passes the console's checks (no overflow, no
// English identifier, axe).
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST } from '../../scripts/build-console';
import type { Actor } from '../../workflows/messages';
import { CONSOLE_CONTEXT, launchConsoleBrowser, signInAs } from '../support/browser';
import { startHarness, type Harness } from '../support/harness';
import { checkPage } from '../support/page-checks';

const province: Actor = { sub: 'offices-province', role: 'provinceOfficer', name: '王五' };
const zunyi: Actor = { sub: 'offices-zunyi', role: 'prefectureOfficer', prefecture: '520300' };
const ops: Actor = { sub: 'offices-ops', role: 'ops', name: '运维值班' };

let browser: Browser;
let context: BrowserContext;
let harness: Harness;
let base: string;

beforeAll(async () => {
  browser = await launchConsoleBrowser();
  harness = await startHarness({ server: 'dev', name: 'offices-console' });
  base = await harness.listen({ consoleDir: CONSOLE_DIST });
  context = await browser.newContext(CONSOLE_CONTEXT);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await harness?.stop();
});

const signIn = (page: Page, actor: Actor) => signInAs(page, base, actor);

describe('the office directory page', () => {
  it('flags an office without a mailbox; the province sets it; a prefecture edits only its contact', async () => {
    await harness.database.db.office.update({ where: { region: '522700' }, data: { email: null } });
    const page = await context.newPage();
    await signIn(page, province);
    await page.getByRole('link', { name: '办公室名录' }).click();
    await expect.poll(() => page.getByTestId('offices-missing').textContent()).toContain('黔南州生态环境局');
    await checkPage(page, '办公室名录');

    const row = page.locator('tr[data-region="522700"]');
    await row.getByRole('button', { name: '修改' }).click();
    const form = page.getByTestId('edit-office');
    await form.getByLabel('工作邮箱（系统邮件发往此地址）').fill('不是邮箱');
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('form-problems').textContent()).toContain('不是有效的电子邮件地址');
    await form.getByLabel('工作邮箱（系统邮件发往此地址）').fill('lsjd@qiannan.example');
    await form.getByLabel('公示联系电话').fill('0854-8220000');
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('office-done').textContent()).toBe('已保存：黔南州生态环境局');
    await expect.poll(() => page.getByTestId('offices-missing').count()).toBe(0);
    expect(await harness.database.db.office.findUniqueOrThrow({ where: { region: '522700' } })).toMatchObject({ email: 'lsjd@qiannan.example', contactPhone: '0854-8220000', updatedBy: province.sub });
    await page.close();

    const own = await context.newPage();
    await signIn(own, zunyi);
    await own.getByRole('link', { name: '办公室名录' }).click();
    await expect.poll(() => own.locator('[data-testid=offices] tbody tr').count()).toBe(1);
    await own.locator('tr[data-region="520300"]').getByRole('button', { name: '修改' }).click();
    const contact = own.getByTestId('edit-office');
    expect(await contact.getByLabel('工作邮箱（系统邮件发往此地址）').count()).toBe(0);
    await contact.getByLabel('公示联系地址').fill('遵义市汇川区上海路');
    await contact.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => own.getByTestId('office-done').textContent()).toBe('已保存：遵义市生态环境局');
    await checkPage(own, '办公室名录（市州）');
    await own.close();
  });

  it('shows ops what to fix and re-sends an undeliverable mail to a corrected address', async () => {
    const row = await harness.database.db.notification.create({
      data: { subjectId: `offices-console-${randomUUID()}`, key: 'k-1', to: [], subject: '【待办】湄潭县：市（州）预审', text: '测试', status: 'undeliverable', lastError: '无法投递：黔南州生态环境局尚未登记工作邮箱。' },
    });
    const page = await context.newPage();
    await signIn(page, ops);
    await page.getByRole('link', { name: '运维' }).click();
    await expect.poll(() => page.getByTestId('ops-attention').textContent()).toContain('无法投递的邮件 1 封');
    await page.getByRole('tab', { name: '邮件发件箱' }).click();
    await page.getByLabel('状态').selectOption('undeliverable');
    const mail = page.locator('[data-testid=outbox] tbody tr', { hasText: '湄潭县' });
    await mail.getByLabel('更正后的收件地址').fill('fix@qiannan.example');
    await mail.getByRole('button', { name: '重发至更正地址' }).click();
    await expect.poll(() => mail.textContent()).toContain('已按更正地址重发');
    await harness.sink.waitFor((m) => m.some((x) => x.to.includes('fix@qiannan.example')));
    expect(await harness.database.db.notification.count({ where: { resendOf: row.id, status: 'sent' } })).toBe(1);
    await checkPage(page, '运维：发件箱');
  });
});

// The dashboard and the deadline feeds in the console (issue 17.4, 17.5),
// headless Chromium: the province opens 统计, sees the figures, the schematic
// grid of the nine prefectures and the heat table, drills down to 遵义市 and
// to 赤水市; a prefecture officer creates a feed, sees its address once,
// which serves iCalendar, and revokes it. Every page passes the page checks
// (no horizontal overflow at 390 px, no English identifier, axe).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST } from '../../scripts/build-console';
import type { Actor } from '../../workflows/messages';
import { CONSOLE_CONTEXT, launchConsoleBrowser, signInAs } from '../support/browser';
import { startHarness, type Harness } from '../support/harness';
import { checkPage } from '../support/page-checks';
import { verdictLine } from '../../domain/ls-index/verdict-line';

const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };
const NOW = new Date('2027-03-10T10:00:00+08:00');

let browser: Browser;
let context: BrowserContext;
let harness: Harness;
let base: string;

beforeAll(async () => {
  browser = await launchConsoleBrowser();
  harness = await startHarness({ server: 'timeSkipping', name: 'dashboard-console' });
  base = await harness.listen({ clock: () => NOW, consoleDir: CONSOLE_DIST });
  const db = harness.database.db;
  const row = (id: string, unitName: string, prefectures: string[], status: string, termEndsOn: string) => ({
    id, workflowId: `base-${id}`, unitName, unitType: 'county', prefectures, applicantSub: `applicant-${id}`, contactEmail: `${id}@unit.example`,
    status, namedOn: '2024-07-01', termStartsOn: '2024-07-01', termEndsOn,
  });
  await db.base.createMany({ data: [row('b1', '赤水市', ['520300'], 'named', '2027-06-30'), row('b2', '清镇市', ['520100'], 'warned', '2027-06-30'), row('b3', '湄潭县', ['520300'], 'revoked', '2027-06-30')] });
  const evaluation = { indicators: [{ id: '1', result: 'met' }, { id: '2', result: 'notMet' }] };
  await db.baseIndicatorData.create({
    data: { baseId: 'b1', year: 2025, values: { values: { '1': 0.9 } }, evaluation, verdicts: verdictLine(evaluation), submittedBy: 'applicant-b1', submittedAt: new Date('2026-01-10T02:00:00Z') },
  });
  await db.task.create({ data: { id: 't1', workflowId: 'base-b1', subjectType: 'base', subjectId: 'b1', step: 'annualSummary.2026', role: 'prefectureOfficer', prefecture: '520300', dueAt: new Date('2027-03-01T16:00:00Z') } });
  context = await browser.newContext(CONSOLE_CONTEXT);
  await context.clock.setFixedTime(NOW);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await harness?.stop();
});

describe('the dashboard in the console', () => {
  it('shows the province, drills down to a prefecture and a county', async () => {
    const page: Page = await context.newPage();
    await signInAs(page, base, province);
    await page.getByRole('link', { name: '统计' }).click();
    await page.getByRole('heading', { name: '统计概览：全省' }).waitFor();
    expect(await page.getByTestId('dashboard-figures').textContent()).toContain('2六个月内称号到期的基地');
    const grid = page.getByTestId('prefecture-grid');
    expect(await grid.getByRole('link').count()).toBe(9);
    expect(await grid.getByRole('link', { name: /遵义市/ }).textContent()).toContain('基地 1 个有效');
    expect(await page.getByTestId('dashboard-tasks').textContent()).toContain('遵义市生态环境局');
    expect(await page.getByTestId('dashboard-heat').textContent()).toContain('✓1 ✗0 —0');
    await checkPage(page, '统计概览（全省）');

    await grid.getByRole('link', { name: /遵义市/ }).click();
    await page.getByRole('heading', { name: '统计概览：遵义市' }).waitFor();
    await page.getByTestId('dashboard-areas').getByRole('link', { name: '赤水市' }).click();
    await page.getByRole('heading', { name: '统计概览：遵义市 赤水市' }).waitFor();
    const heat = await page.getByTestId('dashboard-heat').textContent();
    expect(heat).toContain('✓ 达标');
    expect(heat).toContain('✗ 未达标');
    expect(heat).toContain('— 无数据');
    await checkPage(page, '统计概览（县）');
    await page.getByTestId('dashboard-areas').getByRole('link', { name: '赤水市' }).click();
    await page.waitForURL(`${base}/bases/b1`);
    await page.close();
  });

  it('lets a prefecture officer subscribe to their deadlines and revoke the address', async () => {
    const page: Page = await context.newPage();
    await signInAs(page, base, zunyi);
    await page.getByRole('link', { name: '统计' }).click();
    await page.getByRole('heading', { name: '统计概览：遵义市' }).waitFor();
    expect(await page.getByTestId('prefecture-grid').count()).toBe(0);
    await page.getByRole('link', { name: '日历订阅' }).click();
    await page.getByRole('button', { name: '创建订阅地址' }).click();
    const url = (await page.getByTestId('feed-url').textContent())!.trim();
    expect(url).toMatch(/\/api\/calendar-feeds\/ics\/[A-Za-z0-9_-]{43}$/);
    const path = new URL(url).pathname;
    const ics = await fetch(base + path);
    expect(ics.status).toBe(200);
    expect(await ics.text()).toContain('截止：');
    await checkPage(page, '日历订阅');
    await page.getByRole('button', { name: '撤销' }).click();
    // The row says when it was revoked (its 撤销 button was there before the click).
    await expect.poll(() => page.getByTestId('feeds').textContent()).toMatch(/已于 .+ 撤销/);
    expect((await fetch(base + path)).status).toBe(404);
    await page.close();
  });
});

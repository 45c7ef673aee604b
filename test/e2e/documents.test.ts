// The documents in the console (issue 17.3), headless Chromium: anyone
// downloads a running notice's announcement from the public board (PDF); the
// province downloads the naming list of a year from 基地 (DOCX) and a base's
// post-evaluation report from its page (PDF). Each file is read back; the
// pages pass the page checks (no horizontal overflow at 390 px, no English
// identifier, axe). The rows are written directly: the workflows that write
// them are exercised in test/api/documents-http.test.ts.
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDICATORS } from '../../domain/ls-index/catalogue';
import { CONSOLE_DIST } from '../../scripts/build-console';
import type { Actor } from '../../workflows/messages';
import { CONSOLE_CONTEXT, launchConsoleBrowser, signInAs } from '../support/browser';
import { docxText } from '../support/docx-text';
import { startHarness, type Harness } from '../support/harness';
import { checkPage } from '../support/page-checks';

const province: Actor = { sub: 'province-officer', role: 'provinceOfficer' };
const NOW = new Date('2027-03-10T10:00:00+08:00');

let browser: Browser;
let context: BrowserContext;
let harness: Harness;
let base: string;

beforeAll(async () => {
  browser = await launchConsoleBrowser();
  harness = await startHarness({ server: 'timeSkipping', name: 'documents-console' });
  base = await harness.listen({ clock: () => NOW, consoleDir: CONSOLE_DIST });
  const db = harness.database.db;
  await db.application.create({
    data: {
      id: 'a1', workflowId: 'application-a1', year: 2027, unitName: '赤水市', unitType: 'county', prefectures: ['520300'], applicantName: '赤水市人民政府',
      applicantSub: 'applicant-a1', contactEmail: 'gov@chishui.example', materials: [], stage: 'prefectureNotice', submittedAt: new Date('2027-03-02T02:00:00Z'),
    },
  });
  // A notice of 遵义市 running from 2027-03-08 09:00 to 2027-03-12 24:00 (CST).
  await db.notice.create({
    data: {
      id: 'application-a1:notice:prefecture', workflowId: 'application-a1:notice:prefecture', applicationId: 'a1', level: 'prefecture', prefecture: '520300', workingDays: 5,
      opensAt: new Date('2027-03-08T01:00:00Z'), closesAt: new Date('2027-03-12T16:00:00Z'), status: 'open',
      summary: { unitName: '赤水市', unitType: 'county', year: 2027, prefectures: ['520300'] },
    },
  });
  await db.base.create({
    data: {
      id: 'b1', workflowId: 'base-b1', unitName: '湄潭县', unitType: 'county', prefectures: ['520300'], applicantSub: 'applicant-b1', contactEmail: 'b1@unit.example',
      status: 'named', namedOn: '2025-06-01', termStartsOn: '2025-06-01', termEndsOn: '2028-05-31',
    },
  });
  for (const year of [2025, 2026]) {
    await db.baseIndicatorData.create({
      data: { baseId: 'b1', year, values: { values: { '1': 0.9 + (year - 2025) * 0.02, '3': 0.8, '16': true }, provincialAverages: { '1': 0.9 } }, evaluation: {}, submittedBy: 'applicant-b1', submittedAt: new Date(`${year + 1}-01-10T02:00:00Z`) },
    });
  }
  context = await browser.newContext({ ...CONSOLE_CONTEXT, acceptDownloads: true });
  await context.clock.setFixedTime(NOW);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await harness?.stop();
});

const saved = async (download: Download): Promise<Buffer> => readFile((await download.path())!);
const pdfText = async (bytes: Buffer) => (await new PDFParse({ data: bytes }).getText()).text.replace(/\s+/g, '');

describe('documents in the console', () => {
  it('downloads a running notice’s announcement from the public board, without signing in', async () => {
    const page: Page = await context.newPage();
    await page.goto(`${base}/notices`);
    const card = page.getByTestId('board-notice').filter({ hasText: '赤水市' });
    await card.waitFor();
    await checkPage(page, '公示栏');
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: '下载PDF：公示公告' }).click()]);
    expect(download.suggestedFilename()).toBe('赤水市市（州）公示.pdf');
    const text = await pdfText(await saved(download));
    for (const s of ['赤水市', '2027年3月8日09:00至2027年3月12日24:00（北京时间）', '遵义市生态环境局']) expect(text).toContain(s);
    await page.close();
  });

  it('lets the province download the naming list of a year and a base’s post-evaluation report', async () => {
    const page: Page = await context.newPage();
    await signInAs(page, base, province);
    await page.getByRole('link', { name: '基地' }).first().click();
    const lists = page.getByTestId('naming-lists');
    await lists.getByText('2025年度命名名单').waitFor();
    await checkPage(page, '基地');
    const [naming] = await Promise.all([page.waitForEvent('download'), lists.getByRole('button', { name: '下载可编辑版（DOCX）：2025年度命名名单' }).click()]);
    expect(naming.suggestedFilename()).toBe('2025年度贵州省“两山”实践创新基地命名名单.docx');
    const list = docxText(await saved(naming));
    for (const s of ['湄潭县', '2025年6月1日至2028年5月31日']) expect(list).toContain(s);

    await page.getByRole('link', { name: '湄潭县' }).click();
    await page.waitForURL(`${base}/bases/b1`);
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载PDF：后评估报告' }).click()]);
    expect(report.suggestedFilename()).toBe('湄潭县后评估报告.pdf');
    const text = await pdfText(await saved(report));
    for (const s of ['湄潭县贵州省“两山”实践创新基地后评估报告', '2025年', '2026年', ...INDICATORS.map((i) => i.zh.replace(/\s+/g, ''))]) expect(text).toContain(s);
    await checkPage(page, '基地详情');
    await page.close();
  });
});

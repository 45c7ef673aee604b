// The indicator template on the base page, in headless Chromium (issue 17
// item 1): the base's own applicant downloads the Excel template of its
// reportable years from the base page, fills it (with exceljs, as a person
// would in Excel), uploads it there and sees it saved and the evaluation
// updated; a file with bad cells is answered on the page with each cell and
// nothing is saved. The list pages and the evaluation offer 导出 Excel
// (item 2), which saves the page's list. The base page passes the page checks
// at 1280 and 390 px. The base workflow is started directly, with an
// application row giving the unit's terrain (as test/e2e/county-year.test.ts).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, BrowserContext, Download } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cstDateOf } from '../../domain/dates';
import { DATA_SHEET, indicatorSheetRows, inputRows, yearColumn, type InputRow } from '../../domain/indicator-sheet';
import { CONSOLE_DIST } from '../../scripts/build-console';
import { baseWorkflow } from '../../workflows/base';
import type { BaseInput } from '../../workflows/base-messages';
import type { Actor } from '../../workflows/messages';
import { CONSOLE_CONTEXT, launchConsoleBrowser, signInAs } from '../support/browser';
import { checkPage } from '../support/page-checks';
import { startHarness, type Harness } from '../support/harness';

const applicant: Actor = { sub: 'suiyang-gov', role: 'applicant', prefecture: '520300', name: '绥阳县人民政府', email: 'gov@suiyang.example' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300' };

let browser: Browser;
let context: BrowserContext;
let harness: Harness;
let env: TestWorkflowEnvironment;
let base: string;
let baseId: string;
let first: number;
let second: number;

beforeAll(async () => {
  browser = await launchConsoleBrowser();
  harness = await startHarness({ server: 'timeSkipping', name: 'indicator-sheet-console' });
  env = harness.env;
  base = await harness.listen({ consoleDir: CONSOLE_DIST });
  // Named two years ago: two years that have ended, to report (Art. 22).
  const year = Number(cstDateOf(Date.now()).slice(0, 4));
  [first, second] = [year - 2, year - 1];
  baseId = randomUUID().replace(/-/g, '').slice(0, 20);
  const namedOn = `${first}-06-01`;
  await harness.database.db.application.create({
    data: {
      id: baseId, workflowId: `application-${baseId}`, year: first, unitName: '绥阳县', unitType: 'county', prefectures: ['520300'], submitVia: '520300',
      terrain: 'mountain', applicantName: '绥阳县人民政府', applicantSub: applicant.sub, contactEmail: 'gov@suiyang.example', materials: [], stage: 'named',
      namedOn, submittedAt: new Date(`${first}-03-01T02:00:00Z`),
    },
  });
  const input: BaseInput = { baseId, unit: { name: '绥阳县', type: 'county', prefectures: ['520300'] }, applicant: { name: '绥阳县人民政府', contactEmail: 'gov@suiyang.example', sub: applicant.sub }, namedOn };
  await env.client.workflow.start(baseWorkflow, { taskQueue: harness.taskQueue, workflowId: `base-${baseId}`, args: [input] });
  for (let n = 0; n < 200 && !(await harness.database.db.base.findUnique({ where: { id: baseId } })); n++) await new Promise((r) => setTimeout(r, 50));
  context = await browser.newContext({ ...CONSOLE_CONTEXT, acceptDownloads: true });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await harness?.stop();
});

const rows = inputRows(indicatorSheetRows({ terrain: 'mountain' }));
const rowOf = (id: string, part: InputRow['part'] = 'value') => rows.find((r) => r.indicatorId === id && r.part === part)!.row;

async function saved(download: Download): Promise<Buffer> {
  return readFile((await download.path())!);
}

describe('the indicator template on the base page', () => {
  it('downloads the template, uploads it filled, and lists a bad file’s cells', async () => {
    const page = await context.newPage();
    await signInAs(page, base, applicant);
    await page.goto(`${base}/bases/${baseId}`);
    const panel = page.getByTestId('indicator-sheet');
    await panel.waitFor();
    expect(await page.getByText('本期尚未提交指标数据。').count()).toBe(1);

    // ---- Download: the template of both years, pre-filled with the unit and its terrain.
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: '下载模板' }).click()]);
    expect(download.suggestedFilename()).toBe(`绥阳县“两山指数”指标数据${first}-${second}年.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await saved(download)) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet(DATA_SHEET)!;
    expect(sheet.getCell(rowOf('7'), 4).value).toBe('本单元为山区：≥60%');

    // ---- Filled (the second year) and uploaded from the page: saved, and the evaluation shows the year.
    const h = yearColumn(1);
    for (const [row, value] of [[rowOf('2'), 1], [rowOf('5'), 0.98], [rowOf('7'), 0.71], [rowOf('16'), '是'], [rowOf('20'), 0.035]] as const) sheet.getCell(row, h).value = value;
    const good = Buffer.from(await workbook.xlsx.writeBuffer());
    await page.locator('input[name=indicator-sheet]').setInputFiles({ name: '绥阳县指标数据.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: good });
    await expect.poll(() => page.getByTestId('indicator-sheet-saved').textContent()).toBe(`“绥阳县指标数据.xlsx”上传成功：已保存${second}年的指标数据。评估已更新。`);
    const stored = await harness.database.db.baseIndicatorData.findUniqueOrThrow({ where: { baseId_year: { baseId, year: second } } });
    expect(stored.values).toEqual({ values: { '2': 1, '5': 0.98, '7': 0.71, '16': true, '20': 0.035 } });
    expect(await harness.database.db.decision.count({ where: { subjectId: baseId, action: 'submitIndicatorData', outcome: 'applied' } })).toBe(1);
    // Before the upload the term had no data; the page reads the evaluation again.
    await expect.poll(() => page.getByTestId('evaluation').textContent()).toContain(`评估年度：${second}`);

    // ---- Bad cells: each listed on the page by sheet and cell, in an alert; nothing saved.
    sheet.getCell(rowOf('5'), h).value = 98;
    sheet.getCell(rowOf('16'), h).value = '也许';
    const bad = Buffer.from(await workbook.xlsx.writeBuffer());
    await page.locator('input[name=indicator-sheet]').setInputFiles({ name: '有误.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: bad });
    const problems = page.getByTestId('indicator-sheet-problems');
    await problems.waitFor();
    expect(await problems.getAttribute('role')).toBe('alert');
    const items = await problems.locator('li').allTextContents();
    const col = String.fromCharCode(64 + h);
    expect(items).toEqual([
      `${DATA_SHEET} ${col}${rowOf('5')}：${second}年 指标5“受污染耕地安全利用率”须在 0% 到 100% 之间，现为 9800%；是否应为 98%？`,
      `${DATA_SHEET} ${col}${rowOf('16')}：${second}年 指标16“国际国内生态文明品牌”须填“是”或“否”`,
    ]);
    expect(await problems.locator('strong').textContent()).toContain('未保存任何数据');
    expect((await harness.database.db.baseIndicatorData.findUniqueOrThrow({ where: { baseId_year: { baseId, year: second } } })).values).toEqual(stored.values);
    await checkPage(page, 'indicator-sheet-base');

    // ---- The evaluation as Excel from the same page.
    const [evaluation] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出评估 Excel' }).click()]);
    expect(evaluation.suggestedFilename()).toBe('绥阳县“两山指数”评估.xlsx');
    await page.close();
  });

  it('offers 导出 Excel on the list pages, with the page’s filter', async () => {
    const page = await context.newPage();
    await signInAs(page, base, zunyi);
    for (const [path, name] of [['/bases', '基地列表.xlsx'], ['/applications', '申报列表.xlsx'], ['/', '待办事项.xlsx']] as const) {
      await page.goto(`${base}${path}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
      expect(download.suggestedFilename()).toBe(name);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await saved(download)) as unknown as ArrayBuffer);
      if (path === '/bases') expect(workbook.getWorksheet('基地')!.getCell('A3').value).toBe('绥阳县');
      if (path === '/applications') expect(workbook.getWorksheet('申报')!.getCell('A3').value).toBe('绥阳县');
    }
    // The filter the page shows is the file's: no base is 已撤销.
    await page.goto(`${base}/bases`);
    await page.getByLabel('状态').selectOption('revoked');
    const [filtered] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await saved(filtered)) as unknown as ArrayBuffer);
    expect(workbook.getWorksheet('基地')!.rowCount).toBe(2);
    await checkPage(page, 'bases-export');
    await page.close();
  });
});

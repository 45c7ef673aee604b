// The console does each role's whole job (issue 16, "Done when"): one walk,
// role by role, in headless Chromium against the real API, worker, Temporal
// (time-skipping), PostgreSQL and SMTP sink, run once at 1280×800 and once at
// 390×844, each on its own servers:
//
// - the province keeps the expert pool (adds experts picking the prefecture
//   then the county, changes one, deactivates it; Art. 25);
// - the prefecture pre-reviews an application with one of its materials
//   opened as the file it is (Art. 9), opens the notice (then offered no
//   second one, the reason shown), dismisses two junk complaints at once
//   (Art. 10) and recommends (Art. 11);
// - the province assigns experts, the one registered in the unit's own
//   prefecture shown disabled with why (Art. 26);
// - the expert's review runs late: the prefecture chases (催办) the expert,
//   and the chase is in the application's history;
// - the expert opens the materials and gives the opinion (Art. 13, 14), then
//   is not offered a second one (the reason shown);
// - a county's year on its base: the annual summary, a correction before the
//   due date (version 2), a year of indicator data (Art. 18, 22);
// - the province warns the base on an Art. 24 ground with rectification
//   requirements, behind a confirmation stating the consequence; the county
//   reports the rectification (Art. 23).
//
// Every page visited passes the page checks at the walk's size (no sideways
// scrolling, no English identifier, axe-core without serious or critical
// violations; test/support/page-checks.ts) and is saved as
// test-results/screenshots/walk-<page>-<width>.png. Applications are
// submitted and complaints filed through the API (the console's own forms
// for them are walked in console.test.ts); time passes only through the
// time-skipping server, which the API and the browsers follow.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAVE_ACT_CONSEQUENCE_ZH } from '../../domain/grave-acts';
import type { Actor } from '../../workflows/messages';
import { launchConsoleBrowser, signInAs } from '../support/browser';
import { DAY, decide, decisionForm, startConsoleSession, untilText, type ConsoleSession } from '../support/console-session';
import { until } from '../support/eventually';
import { checkPage, DESKTOP, PHONE } from '../support/page-checks';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');

const province: Actor = { sub: 'walk-province', role: 'provinceOfficer', name: '省生态环境厅' };
const zunyi: Actor = { sub: 'walk-zunyi', role: 'prefectureOfficer', prefecture: '520300', name: '遵义市生态环境局' };
const chishui = { sub: 'walk-chishui', role: 'applicant', prefecture: '520300', name: '赤水市人民政府', email: 'gov@chishui.example' } satisfies Actor;
const xishui = { sub: 'walk-xishui', role: 'applicant', prefecture: '520300', name: '习水县人民政府', email: 'gov@xishui.example' } satisfies Actor;

const pdf = (name: string) => ({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.7\n${name}\n%%EOF\n`) });

let browser: Browser;

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchConsoleBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe.each([DESKTOP, PHONE])('each role’s whole job in the console at $width px', (size) => {
  let s: ConsoleSession;
  /** The application walked through, and the base of the county's year. */
  let applicationId: string;
  let baseId: string;
  const experts: Record<string, string> = {};
  const pages: Record<string, Page> = {};

  beforeAll(async () => {
    // In the 2027 acceptance window (1 January - 30 June CST, Art. 11).
    s = await startConsoleSession(browser, { name: `role-walk-${size.width}`, at: '2027-03-01T01:00:00Z' });
  });

  afterAll(async () => {
    await s?.stop();
  });

  /** The page checks at the walk's size, and its screenshot. */
  async function look(page: Page, label: string): Promise<void> {
    await checkPage(page, `walk-${label}`, () => page.screenshot({ path: path.join(SHOTS, `walk-${label}-${size.width}.png`), fullPage: true }).then(() => {}), [size]);
  }

  /** Signed in, in a browser of the walk's size, on the inbox (checked). */
  async function signedIn(actor: Actor, label: string): Promise<Page> {
    const page = await s.newPage(size);
    await signInAs(page, s.base, actor);
    await page.getByTestId('inbox').or(page.getByText('当前没有待办事项。')).first().waitFor();
    await look(page, `inbox-${label}`);
    return page;
  }

  /** Opens one of the materials listed by name, served as the PDF it is, in a new tab. */
  async function openMaterial(page: Page, name: string): Promise<void> {
    const link = page.getByTestId('file-link').filter({ hasText: name });
    await link.waitFor();
    const [served] = await Promise.all([
      page.waitForResponse((r) => /\/api\/files\/[^/]+$/.test(new URL(r.url()).pathname)),
      page.waitForEvent('popup').then((tab) => tab.close()),
      link.click(),
    ]);
    expect([served.status(), served.headers()['content-type']]).toEqual([200, 'application/pdf']);
  }

  it('the province keeps the expert pool: adds (prefecture, then county), changes, deactivates', async () => {
    const v = await signedIn(province, 'province');
    pages.province = v;
    await v.goto(`${s.base}/experts`);
    await v.getByText('专家库中还没有专家。').waitFor();
    await look(v, 'experts-empty');
    const add = v.getByTestId('add-expert');
    for (const [name, email, prefecture, county] of [
      ['王专家', 'wang@experts.example', '贵阳市', '南明区'],
      ['李专家', 'li@experts.example', '毕节市', '七星关区'],
      ['赵专家', 'zhao@experts.example', '遵义市', '红花岗区'],
      ['钱专家', 'qian@experts.example', '安顺市', '西秀区'],
    ] as const) {
      await add.getByLabel('姓名').fill(name);
      await add.getByLabel('电子邮箱').fill(email);
      await add.getByLabel('专业领域（选填，每行一项）').fill('生态保护');
      await add.getByLabel('所在市（州）').selectOption({ label: prefecture });
      await add.getByLabel('所在县（市、区）').selectOption({ label: county });
      if (name === '王专家') await look(v, 'experts-add');
      await add.getByRole('button', { name: '添加专家' }).click();
      const row = v.getByTestId('expert-row').filter({ hasText: name });
      await row.getByTestId('expert-region').filter({ hasText: `${prefecture} ${county}` }).waitFor();
      experts[name] = (await s.harness.database.db.expert.findFirstOrThrow({ where: { email } })).id;
    }
    const qian = v.getByTestId('expert-row').filter({ hasText: '钱专家' });
    await qian.getByRole('button', { name: '修改钱专家' }).click();
    const edit = v.getByTestId('edit-expert');
    expect(await edit.getByLabel('所在县（市、区）').inputValue()).toBe('520402');
    await edit.getByLabel('专业领域（选填，每行一项）').fill('生态保护\n土壤');
    await look(v, 'experts-edit');
    await edit.getByRole('button', { name: '保存修改' }).click();
    await qian.filter({ hasText: '生态保护、土壤' }).waitFor();
    await qian.getByRole('button', { name: '停用钱专家' }).click();
    const toggle = v.getByTestId('toggle-expert');
    await toggle.getByLabel('理由（选填）').fill('本人申请暂停');
    await look(v, 'experts-deactivate');
    await toggle.getByRole('button', { name: '确认停用' }).click();
    await qian.getByTestId('expert-status').filter({ hasText: '已停用' }).waitFor();
    await look(v, 'experts');
  });

  it('the prefecture pre-reviews with a material opened, dismisses complaints at once, recommends', async () => {
    applicationId = await s.submitApplication(chishui, { name: '赤水市', prefecture: '520300' });
    const o = await signedIn(zunyi, 'prefecture');
    pages.prefecture = o;
    await untilText(o, '[data-testid=inbox]', '赤水市');
    await o.getByTestId('inbox').getByRole('link', { name: '赤水市' }).click();
    await o.getByTestId('stage').filter({ hasText: '市（州）预审' }).waitFor();
    expect(await o.getByTestId('file-link').allInnerTexts()).toEqual(['申报函.pdf', '条件1.pdf', '条件2.pdf', '条件3.pdf', '条件4.pdf', '实施方案.pdf']);
    await openMaterial(o, '实施方案.pdf');
    await look(o, 'application-prefecture-review');
    await decide(o, 'prefectureAccept', (f) => f.locator('textarea[name=reason]').fill('材料齐全'));
    await untilText(o, '[data-testid=stage]', '市（州）公示');
    await decide(o, 'openNotice');
    await untilText(o, '[data-testid=notice]', '公示中');
    // One notice per stage: no second one offered, the rule's reason said instead (GET /api/applications/:id actionsBlocked).
    const again = o.locator('section[data-action=openNotice]');
    await untilText(o, 'section[data-action=openNotice]', '本阶段的公示已经发布');
    expect(await again.getByRole('button').isDisabled()).toBe(true);
    await look(o, 'application-notice-open');

    // Two junk complaints from the public (through the API); the notice closes and waits for them (Art. 10).
    for (const content of ['广告：出售二手挖掘机', '测试测试测试']) {
      const filed = await s.callApi('POST', `/api/notices/${encodeURIComponent(`application-${applicationId}:notice:prefecture`)}/complaints`, undefined, { complainant: { name: '某某', contact: '13900000000' }, content });
      expect(filed.status).toBe(201);
    }
    await s.sleep(10 * DAY);
    await o.reload();
    await untilText(o, '[data-testid=notice]', '测试测试测试');
    const dismissal = decisionForm(o, 'dismissComplaints');
    await dismissal.getByText('待调查 2 件').waitFor();
    await dismissal.getByText('广告：出售二手挖掘机').click();
    await dismissal.getByText('测试测试测试').click();
    await dismissal.locator('textarea[name=reason]').fill('广告及无实质内容，与本次公示无关，不予受理');
    await look(o, 'complaint-dismissal');
    await dismissal.getByRole('button', { name: '不予受理所选 2 件' }).click();
    await o.getByTestId('done').filter({ hasText: '已对 2 件投诉举报不予受理' }).waitFor();
    await s.letDaysPassUntil(applicationId, 'prefectureRecommendation', zunyi);
    await o.reload();
    await decide(o, 'recommend', async (f) => {
      await f.locator('input[name=governmentConsent]').check();
      await f.locator('textarea[name=opinion]').fill('经市政府同意，推荐赤水市');
    });
    await untilText(o, '[data-testid=stage]', '核查评估：指派专家');
    await look(o, 'application-recommended');
  });

  it('the province assigns experts, the one who must recuse shown disabled with why', async () => {
    const v = pages.province!;
    await v.goto(`${s.base}/applications/${applicationId}`);
    const assign = decisionForm(v, 'assignExperts');
    await assign.waitFor();
    const recused = assign.getByTestId('expert-recused');
    expect(await recused.innerText()).toContain('赵专家');
    expect(await recused.innerText()).toContain('应回避');
    expect(await assign.locator(`input[value="${experts['赵专家']}"]`).isDisabled()).toBe(true);
    // The deactivated expert is not offered.
    expect(await assign.locator(`input[value="${experts['钱专家']}"]:not([disabled])`).count()).toBe(0);
    await assign.locator(`input[value="${experts['王专家']}"]`).check();
    await assign.locator(`input[value="${experts['李专家']}"]`).check();
    await assign.locator('textarea[name=reason]').fill('按专业领域选派');
    await look(v, 'assignment-recusal');
    await assign.locator('button[type=submit]').click();
    await v.getByTestId('done').filter({ hasText: '指派专家' }).waitFor();
    await untilText(v, '[data-testid=stage]', '专家资料审核');
  });

  it('the prefecture chases an overdue expert review, and the chase is in the history', async () => {
    // The experts' 10 working days pass: their tasks are overdue (escalated to the province).
    await s.sleep(25 * DAY);
    await until('the expert reviews overdue', async () => {
      const open = await s.harness.database.db.task.findMany({ where: { subjectId: applicationId, step: 'expertReview', status: 'open' } });
      return open.length === 2 && open.every((t) => t.escalationLevel >= 1);
    });
    const o = pages.prefecture!;
    await o.goto(`${s.base}/applications/${applicationId}`);
    const chase = o.getByTestId('chase-open');
    await chase.first().waitFor();
    expect(await chase.count()).toBe(2);
    await chase.first().click();
    await o.getByTestId('chase-form').getByLabel('催办意见（选填）').fill('请于本周内提交评审意见');
    await look(o, 'chase');
    await o.getByRole('button', { name: '发送催办' }).click();
    await o.getByTestId('done').filter({ hasText: '已向评审专家发出催办' }).waitFor();
    await untilText(o, '[data-testid=timeline]', '催办逾期待办');
    expect(await o.getByTestId('timeline').innerText()).toContain('请于本周内提交评审意见');
    await look(o, 'chase-history');
  });

  it('the expert opens the materials and gives an opinion, then is not offered a second', async () => {
    const e = await signedIn({ sub: experts['王专家']!, role: 'expert', name: '王专家' }, 'expert');
    await untilText(e, '[data-testid=inbox]', '赤水市');
    await e.getByTestId('inbox').getByRole('link', { name: '赤水市' }).click();
    await openMaterial(e, '申报函.pdf');
    await look(e, 'application-expert');
    await decide(e, 'reviewOpinion', async (f) => {
      for (const [k, score] of Object.entries({ 1: 90, 2: 85, 3: 88, 4: 80, 5: 75, 6: 82, 7: 70 })) await f.locator(`input[name="criteria-${k}"]`).fill(String(score));
      await f.locator('input[name=onSite][value=true]').check();
      await f.locator('textarea[name=opinion]').fill('基础扎实，成效明显');
    });
    // The other expert has not given theirs: the stage stays, and this expert's action is shown disabled with the rule's reason.
    await untilText(e, 'section[data-action=reviewOpinion]', '您已提交过评审意见');
    expect(await e.locator('section[data-action=reviewOpinion]').getByRole('button').isDisabled()).toBe(true);
    await look(e, 'application-expert-done');
  });

  it('a county’s year on its base: the summary, a correction before the due date, indicator data', async () => {
    // 10 January 2028 CST: the 2027 summary is due on 31 January 24:00, and 2027's indicator data may be reported.
    await s.sleepUntil('2028-01-10T02:00:00Z');
    // Its terrain was not given when it applied: the indicator data form asks for it.
    baseId = await s.startNamedBase(xishui, { name: '习水县', prefecture: '520300', terrain: null }, '2027-06-01');
    const c = await signedIn(xishui, 'county');
    pages.county = c;
    await c.goto(`${s.base}/bases`);
    await untilText(c, '[data-testid=bases]', '习水县');
    await look(c, 'bases-county');
    await c.getByTestId('bases').getByRole('link', { name: '习水县' }).click();
    const summary = c.getByTestId('summary-form');
    await summary.locator('select[name=summaryYear]').selectOption('2027');
    await summary.locator('textarea[name=summary]').fill('2027年度“两山”基地建设工作总结：生态产品价值实现机制试点。');
    await summary.locator('input[name=summaryFile]').setInputFiles(pdf('2027年度工作总结'));
    await summary.getByTestId('uploaded-summaryFile').filter({ hasText: '2027年度工作总结.pdf' }).waitFor();
    await look(c, 'base-summary');
    await summary.getByRole('button', { name: '提交总结' }).click();
    await c.getByTestId('summary-saved').filter({ hasText: '已提交2027年度工作总结（第1版）' }).waitFor();
    // A correction before the due date: a new version, the first kept.
    await c.getByTestId('summary-due').filter({ hasText: '将作为第2版' }).waitFor();
    await summary.locator('textarea[name=summary]').fill('2027年度“两山”基地建设工作总结（更正）：补充生态补偿资金使用情况。');
    await summary.locator('input[name=summaryFile]').setInputFiles(pdf('2027年度工作总结（更正）'));
    await summary.getByTestId('uploaded-summaryFile').filter({ hasText: '（更正）' }).waitFor();
    await summary.getByRole('button', { name: '提交更正' }).click();
    await c.getByTestId('summary-saved').filter({ hasText: '第2版，更正' }).waitFor();
    await c.getByTestId('annual-summary').filter({ hasText: '第2版' }).filter({ hasText: '已更正' }).waitFor();
    expect(await s.harness.database.db.baseSummary.count({ where: { baseId, year: 2027 } })).toBe(2);
    // A year of indicator data; indicator 7's target is the unit's terrain's, which is not on record yet:
    // the form asks for it before sending and records it with the data.
    const data = c.getByTestId('indicator-form');
    expect(await data.getByTestId('terrain-target').innerText()).toContain('本单元未登记地形');
    await data.locator('input[name="ind-1"]').fill('96');
    await data.locator('input[name="avg-1"]').fill('95');
    await data.locator('input[name="ind-7"]').fill('65');
    await data.locator('select[name="ind-16"]').selectOption('true');
    await data.getByRole('button', { name: '保存指标数据' }).click();
    await data.getByRole('alert').filter({ hasText: '请选择建设单元的地形' }).waitFor();
    await data.locator('select[name=terrain]').selectOption('mountain');
    expect(await data.getByTestId('terrain-target').innerText()).toBe('本单元为山区：≥60%');
    await look(c, 'base-indicator-data');
    await data.getByRole('button', { name: '保存指标数据' }).click();
    await data.getByRole('status').filter({ hasText: '2027年度指标数据已保存' }).waitFor();
    expect((await s.harness.database.db.application.findUniqueOrThrow({ where: { id: baseId } })).terrain).toBe('mountain');
    await c.reload();
    // (The target column is folded away on a phone: read, not looked at.)
    await expect.poll(() => data.getByTestId('terrain-target').textContent()).toBe('本单元为山区：≥60%');
    expect(await data.locator('select[name=terrain]').count()).toBe(0);
    await look(c, 'base-county-year');
  });

  it('the province warns the base behind a confirmation of the consequence; the county reports the rectification', async () => {
    const v = pages.province!;
    await v.goto(`${s.base}/bases/${baseId}`);
    const warn = decisionForm(v, 'warn');
    await warn.waitFor();
    // What the base's state does not allow yet is shown disabled with the rule's reason.
    expect(await v.locator('section[data-action=renew]').getByTestId('blocked-reason').innerText()).toContain('只有后评估通过的基地可以续期');
    await warn.locator('select[name=ground]').selectOption('1');
    await warn.locator('textarea[name=requirements]').fill('完善生态补偿机制\n补齐督察反馈问题整改台账');
    await warn.locator('input[name=deadline]').fill('2028-03-31');
    await warn.locator('textarea[name=deliberationBody]').fill('厅务会');
    await warn.locator('input[name=deliberationDate]').fill('2028-01-08');
    await warn.locator('input[name=minutesFileId]').setInputFiles(pdf('厅务会审议纪要'));
    await warn.getByTestId('uploaded-minutesFileId').waitFor();
    await warn.locator('textarea[name=evidenceTitle]').fill('省级生态环境保护督察反馈意见');
    await warn.locator('input[name=evidenceDate]').fill('2028-01-05');
    await warn.locator('input[name=evidenceFileIds]').setInputFiles(pdf('督察反馈意见'));
    await warn.getByTestId('uploaded-evidenceFileIds').waitFor();
    await warn.locator('textarea[name=reason]').fill('督察发现重大问题，予以警告并限期整改');
    await warn.locator('button[type=submit]').click();
    const confirm = warn.getByTestId('grave-act-confirm');
    expect(await confirm.innerText()).toContain(GRAVE_ACT_CONSEQUENCE_ZH.warn);
    await look(v, 'warn-confirm');
    expect(await s.harness.database.db.decision.count({ where: { subjectId: baseId, action: 'warn' } })).toBe(0);
    await confirm.locator('button[type=submit]').click();
    await v.getByRole('status').filter({ hasText: '已办理“警告”' }).waitFor();
    await look(v, 'base-warned');

    const c = pages.county!;
    await c.reload();
    const report = c.getByTestId('rectification-form');
    await report.waitFor();
    expect(await c.getByTestId('rectification-terms').innerText()).toContain('整改期限至 2028年3月31日 24:00（北京时间）');
    await report.locator('textarea[name=report]').fill('已建立生态补偿资金管理办法，督察反馈问题已逐项整改。');
    await report.locator('input[name=reportFile]').setInputFiles(pdf('整改报告'));
    await report.getByTestId('uploaded-reportFile').waitFor();
    await look(c, 'base-rectification');
    await report.getByRole('button', { name: '提交整改报告' }).click();
    await c.getByTestId('report-saved').filter({ hasText: '等待省生态环境厅核查' }).waitFor();
    await c.getByTestId('rectification-reported').waitFor();
    await look(c, 'base-rectification-reported');
  });
});

// The web console in a real headless Chromium (Debian's `chromium`, driven
// by playwright-core), served by the API process from the built web/dist,
// against a real worker, Temporal server, PostgreSQL and SMTP server. People
// of each role sign in with their own token in their own browser context and
// click through the application's happy path from submission to naming; the
// public files a complaint from the notice board; a refused decision shows
// the API's reason and the form keeps what was typed. Besides the browser,
// the test only lets time pass (env.sleep) while a notice runs, and uses the
// API directly where it says so. Screenshots of each main page go to
// test-results/screenshots/ (1280×800, and 390×844 for some).
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
const DAY = 24 * 3600_000;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const applicant: Actor = { sub: 'chishui-gov', role: 'applicant', prefecture: '520300', name: '赤水市人民政府', email: 'gov@chishui.example' };
const zunyi: Actor = { sub: 'zunyi-officer', role: 'prefectureOfficer', prefecture: '520300', name: '遵义市生态环境局' };
const province: Actor = { sub: 'province-officer', role: 'provinceOfficer', name: '省生态环境厅' };
const ops: Actor = { sub: 'ops-1', role: 'ops', name: '运维值班' };

let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchConsoleBrowser();
});

afterAll(async () => {
  await browser?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext(CONSOLE_CONTEXT);
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Screenshots (1280, and 390 with `phone`), and the page checks at both sizes (test/support/page-checks.ts). */
async function shot(page: Page, name: string, phone = false): Promise<void> {
  await checkPage(page, name, async (size) => {
    if (size.width === DESKTOP.width) await page.screenshot({ path: path.join(SHOTS, `${name}-1280.png`), fullPage: true });
    else if (phone) await page.screenshot({ path: path.join(SHOTS, `${name}-390.png`), fullPage: true });
  });
}

/** Signs in through the console's sign-in page with a development token. */
const signIn = signInAs;

/** Waits until the element's text contains `text`, reloading the page now and then (the read model follows the workflow). */
async function untilText(page: Page, selector: string, text: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (let n = 0; ; n++) {
    const found = await page.locator(selector).filter({ hasText: text }).first().isVisible().catch(() => false);
    if (found) return;
    if (Date.now() > end) throw new Error(`"${text}" not in ${selector} on ${page.url()}; page says: ${(await page.locator('main').innerText()).slice(0, 800)}`);
    await page.waitForTimeout(300);
    if (n % 5 === 4) await page.reload();
  }
}

/** A decision form of the detail page (one per action the caller may take now). */
const form = (page: Page, action: string) => page.locator(`form[data-action="${action}"]`);

async function decide(page: Page, action: string, fill: (f: ReturnType<typeof form>) => Promise<void> = async () => {}): Promise<void> {
  const f = form(page, action);
  await f.waitFor();
  await fill(f);
  await f.locator('button[type=submit]').click();
  await page.getByTestId('done').filter({ hasText: '已办理' }).waitFor();
}

describe('the web console', () => {
  let harness: Harness;
  let env: TestWorkflowEnvironment;
  let base: string;
  /** The time-skipping server's time minus real time: the API's clock and the browsers' follow the server. */
  let offset = 0;

  async function syncClock(): Promise<void> {
    offset = (await env.currentTimeMs()) - Date.now();
    for (const c of contexts) await c.clock.setFixedTime(new Date(Date.now() + offset));
  }

  async function callApi(method: string, url: string, actor?: Actor, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (actor) headers.authorization = `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}`;
    const res = await fetch(base + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  /** Lets a notice's working days pass, a day at a time, until the application reaches the stage. */
  async function letDaysPassUntil(id: string, stage: string): Promise<void> {
    for (let n = 0; n < 40; n++) {
      if ((await callApi('GET', `/api/applications/${id}`, province)).body.stage === stage) return;
      await env.sleep(DAY);
      await syncClock();
    }
    throw new Error(`stage ${stage} not reached`);
  }

  beforeAll(async () => {
    harness = await startHarness({ server: 'timeSkipping', name: 'console-e2e' });
    env = harness.env;
    base = await harness.listen({ clock: () => new Date(Date.now() + offset), consoleDir: CONSOLE_DIST, temporalUiUrl: 'http://localhost:8233' });
    // Into the 2027 acceptance window (1 January - 30 June CST, Art. 11).
    const target = Date.parse('2027-03-01T01:00:00Z');
    const now = await env.currentTimeMs();
    if (now < target) await env.sleep(target - now);
    await syncClock();
  });

  afterAll(async () => {
    for (const c of contexts.splice(0)) await c.close();
    await harness?.stop();
  });

  it('serves the console under / and keeps /api answering JSON', async () => {
    const page = await fetch(`${base}/applications/anything`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<div id="root">');
    const unknown = await fetch(`${base}/api/no-such-route`);
    expect(unknown.headers.get('content-type')).toContain('application/json');
    expect(unknown.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    // Without a build the API still runs, and / says what to do.
    const unbuilt = await harness.listen({ consoleDir: path.join(CONSOLE_DIST, 'no-such-build') });
    const notBuilt = await fetch(`${unbuilt}/`);
    expect(notBuilt.status).toBe(503);
    expect(await notBuilt.text()).toContain('npm run build');
    expect((await fetch(`${unbuilt}/api/health`)).status).toBe(200);
  });

  it('takes an application from submission to naming, with a complaint from the board and a refusal shown with its reason', async () => {
    // The expert pool is kept through the API here (its page is tested in expert-pool.test.ts).
    const expert = async (name: string, email: string, prefecture: string) =>
      String((await callApi('POST', '/api/experts', province, { requestId: `expert-${email.split('@')[0]}`, name, email, region: prefecture, fields: ['生态保护'] })).body.id);
    const wang = await expert('王专家', 'wang@experts.example', '520100');
    const li = await expert('李专家', 'li@experts.example', '522600');
    const local = await expert('赵专家', 'zhao@experts.example', '520300');

    // ---- the applicant submits, with uploads; the checklist says what is missing before sending.
    const a = await newPage();
    await syncClock();
    await a.goto(`${base}/signin`);
    await a.locator('textarea[name=token]').waitFor();
    await checkPage(a, 'signin');
    await signIn(a, base, applicant);
    await checkPage(a, 'inbox-applicant');
    await a.getByRole('link', { name: '申报' }).click();
    await a.getByRole('link', { name: '新建申报' }).click();
    await a.locator('input[name=year]').fill('2027');
    await a.locator('input[name=unitName]').fill('赤水市');
    await a.locator('select[name=terrain]').selectOption('mountain');
    const pdf = (name: string) => ({ name: `${name}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.7\n${name}\n%%EOF\n`) });
    await a.locator('input[name="file-letter"]').setInputFiles(pdf('申报函'));
    await a.getByTestId('uploaded-letter').waitFor();
    for (const c of [1, 2, 3, 4]) {
      await a.locator(`textarea[name="explanation-${c}"]`).fill(`对照第${c}项条件的说明`);
      await a.locator(`input[name="file-cond${c}"]`).setInputFiles(pdf(`条件${c}`));
      await a.getByTestId(`uploaded-cond${c}`).waitFor();
    }
    await a.locator('input[name="file-plan"]').setInputFiles(pdf('实施方案'));
    await a.getByTestId('uploaded-plan').waitFor();
    // The plan's issuer and chapters are not given yet: nothing is sent, the checklist says why.
    await a.getByRole('button', { name: '提交申报' }).click();
    const problems = await a.getByTestId('form-problems').innerText();
    expect(problems).toContain('县级以上地方政府');
    expect(problems).toContain('建设背景与意义');
    expect(await a.getByTestId('checklist').innerText()).toContain('✗');
    await shot(a, 'application-new');
    await a.locator('select[name=issuedBy]').selectOption('county');
    await a.getByRole('button', { name: '全选七章' }).click();
    expect(await a.getByTestId('checklist').innerText()).toContain('材料齐全');
    await a.getByRole('button', { name: '提交申报' }).click();
    await a.waitForURL(/\/applications\/[0-9a-f]{20}$/);
    const id = a.url().split('/').pop()!;
    await untilText(a, '[data-testid=stage]', '市（州）预审');

    // ---- the prefecture officer: the task is in the inbox; pre-review and the notice (Art. 9, 10).
    const o = await newPage();
    await syncClock();
    await signIn(o, base, zunyi);
    await untilText(o, '[data-testid=inbox]', '赤水市');
    expect(await o.getByTestId('inbox').innerText()).toContain('市（州）预审');
    await shot(o, 'inbox', true);
    await o.getByTestId('inbox').getByRole('link', { name: '赤水市' }).click();
    // The materials are listed by name, never by id, and one opens as the PDF it is (GET /api/files/:id, issue 16).
    const files = o.getByTestId('file-link');
    await files.first().waitFor();
    expect(await files.allInnerTexts()).toEqual(['申报函.pdf', '条件1.pdf', '条件2.pdf', '条件3.pdf', '条件4.pdf', '实施方案.pdf']);
    const [served, tab] = await Promise.all([
      o.waitForResponse((r) => /\/api\/files\/[^/]+$/.test(new URL(r.url()).pathname)),
      o.waitForEvent('popup'),
      files.filter({ hasText: '申报函.pdf' }).click(),
    ]);
    // The bytes themselves are checked in test/api/file-download-http.test.ts; here, that the tab shows what the API served.
    const headers = served.headers();
    expect([served.status(), headers['content-type'], headers['content-disposition']?.split(';')[0], headers['content-length']]).toEqual([200, 'application/pdf', 'inline', String(Buffer.byteLength('%PDF-1.7\n申报函\n%%EOF\n'))]);
    expect(tab.url()).toMatch(/^blob:/);
    await tab.close();
    await decide(o, 'prefectureAccept', (f) => f.locator('textarea[name=reason]').fill('材料齐全'));
    await untilText(o, '[data-testid=stage]', '市（州）公示');
    await decide(o, 'openNotice', async (f) => {
      expect(await f.locator('input[name=workingDays]').inputValue()).toBe('5');
    });
    await untilText(o, '[data-testid=notice]', '公示中');

    // ---- the public: the board without signing in, and a complaint (validated before sending).
    const p = await newPage();
    await syncClock();
    await p.goto(`${base}/notices`);
    await untilText(p, '[data-testid=board]', '赤水市');
    await shot(p, 'notice-board', true);
    await p.getByTestId('board-notice').filter({ hasText: '赤水市' }).getByRole('button', { name: '投诉举报' }).click();
    await p.getByRole('button', { name: '提交投诉举报' }).click();
    await p.getByText('请填写投诉举报内容').waitFor();
    await p.locator('input[name=complainantName]').fill('张某');
    await p.locator('input[name=complainantContact]').fill('13800000000');
    await p.locator('textarea[name=content]').fill('项目区内存在违规建设');
    await shot(p, 'notice-board-complaint');
    await p.getByRole('button', { name: '提交投诉举报' }).click();
    await p.getByTestId('complaint-filed').waitFor();
    // Two junk complaints besides it (issue 15), through the API.
    const noticeId = `application-${id}:notice:prefecture`;
    for (const content of ['广告：出售二手挖掘机', '测试测试测试']) {
      const filed = await callApi('POST', `/api/notices/${encodeURIComponent(noticeId)}/complaints`, undefined, { complainant: { name: '某某', contact: '13900000000' }, content });
      expect(filed.status).toBe(201);
    }

    // The notice closes; the application waits for the investigations (Art. 10).
    await env.sleep(10 * DAY);
    await syncClock();
    await o.reload();
    await untilText(o, '[data-testid=notice]', '项目区内存在违规建设');
    await untilText(o, '[data-testid=notice]', '测试测试测试');
    // The officer dismisses the two junk complaints at once, with one reason, on a phone.
    await o.setViewportSize(PHONE);
    const dismissal = form(o, 'dismissComplaints');
    await dismissal.getByText('待调查 3 件').waitFor();
    await dismissal.getByRole('button', { name: '不予受理所选 0 件' }).click();
    await dismissal.getByText('请至少勾选一件投诉举报').waitFor();
    await dismissal.getByText('广告：出售二手挖掘机').click();
    await dismissal.getByText('测试测试测试').click();
    await dismissal.locator('textarea[name=reason]').fill('广告及无实质内容，与本次公示无关，不予受理');
    const box = await dismissal.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    await o.screenshot({ path: path.join(SHOTS, 'complaint-dismissal-390.png'), fullPage: true });
    await dismissal.getByRole('button', { name: '不予受理所选 2 件' }).click();
    await o.getByTestId('done').filter({ hasText: '已对 2 件投诉举报不予受理' }).waitFor();
    await o.setViewportSize(DESKTOP);
    await untilText(o, 'form[data-action="dismissComplaints"]', '待调查 1 件');
    const investigation = form(o, 'investigate');
    await investigation.locator('select[name=outcome]').selectOption('untrue');
    await investigation.locator('textarea[name=findings]').fill('经现场核查，所涉建设已依法审批');
    await investigation.locator('button[type=submit]').click();
    await o.getByTestId('done').filter({ hasText: '调查结论已记录' }).waitFor();
    await letDaysPassUntil(id, 'prefectureRecommendation');
    await o.reload();
    // The recommendation with the government's consent (Art. 11); checked before sending.
    const recommend = form(o, 'recommend');
    await recommend.locator('button[type=submit]').click();
    await recommend.getByTestId('form-problems').waitFor();
    await decide(o, 'recommend', async (f) => {
      await f.locator('input[name=governmentConsent]').check();
      await f.locator('textarea[name=opinion]').fill('经市政府同意，推荐赤水市');
    });
    await untilText(o, '[data-testid=stage]', '核查评估：指派专家');
    await shot(o, 'application-detail-prefecture', true);

    // ---- the province assigns experts: an expert of the unit's own prefecture is refused
    // with the API's reason (Art. 26), and the form keeps the choice.
    const v = await newPage();
    await syncClock();
    await signIn(v, base, province);
    await untilText(v, '[data-testid=inbox]', '赤水市');
    await shot(v, 'inbox-province');
    await v.goto(`${base}/applications/${id}`);
    const assign = form(v, 'assignExperts');
    // Recusal (Art. 26, by region): the expert registered in the unit's own prefecture is shown with why, and cannot be chosen.
    const recused = assign.getByTestId('expert-recused');
    expect(await recused.innerText()).toContain('赵专家');
    expect(await recused.innerText()).toContain('应回避');
    expect(await assign.locator(`input[value="${local}"]`).isDisabled()).toBe(true);
    await assign.locator(`input[value="${wang}"]`).check();
    await assign.locator(`input[value="${li}"]`).check();
    await assign.locator('textarea[name=reason]').fill('按专业领域选派');
    await shot(v, 'expert-picker-recusal');
    await assign.locator('button[type=submit]').click();
    await v.getByTestId('done').filter({ hasText: '指派专家' }).waitFor();
    await untilText(v, '[data-testid=stage]', '专家资料审核');

    // ---- an expert gives the opinion and scores (Art. 13, 14) in the console;
    // the second expert's identical step goes through the API.
    const e = await newPage();
    await syncClock();
    await signIn(e, base, { sub: wang, role: 'expert', name: '王专家' });
    await untilText(e, '[data-testid=inbox]', '赤水市');
    await e.getByTestId('inbox').getByRole('link', { name: '赤水市' }).click();
    // The assigned expert opens the materials they review (Art. 13): served to them, as to the officers.
    const expertFiles = e.getByTestId('file-link');
    await expertFiles.first().waitFor();
    const [plan] = await Promise.all([
      e.waitForResponse((r) => /\/api\/files\/[^/]+$/.test(new URL(r.url()).pathname)),
      e.waitForEvent('popup').then((t) => t.close()),
      expertFiles.filter({ hasText: '实施方案.pdf' }).click(),
    ]);
    expect([plan.status(), plan.headers()['content-type']]).toEqual([200, 'application/pdf']);
    await decide(e, 'reviewOpinion', async (f) => {
      for (const [k, score] of Object.entries({ 1: 90, 2: 85, 3: 88, 4: 80, 5: 75, 6: 82, 7: 70 })) await f.locator(`input[name="criteria-${k}"]`).fill(String(score));
      await f.locator('input[name=onSite][value=true]').check();
      await f.locator('textarea[name=opinion]').fill('基础扎实，成效明显');
    });
    await shot(e, 'application-detail-expert');
    expect(
      (await callApi('POST', `/api/applications/${id}/decisions`, { sub: li, role: 'expert' }, {
        decisionId: `api-li-${id}`, action: 'reviewOpinion', criteria: { 1: 80, 2: 80, 3: 80, 4: 80, 5: 80, 6: 80, 7: 80 }, onSite: false, opinion: '同意',
      })).status,
    ).toBe(200);

    // ---- the province concludes, selects and opens its notice (Art. 14, 15).
    await v.reload();
    await untilText(v, '[data-testid=stage]', '形成结论');
    await decide(v, 'concludeReview', async (f) => {
      await f.locator('input[name=passed][value=true]').check();
      await f.locator('textarea[name=reason]').fill('核查评估通过');
    });
    await untilText(v, '[data-testid=stage]', '遴选');
    await decide(v, 'select');
    await untilText(v, '[data-testid=stage]', '省级公示');
    await decide(v, 'openNotice');
    await untilText(v, '[data-testid=notice]', '省级公示');
    // A complaint during the province's notice: the province delegates its investigation to 遵义 in the
    // console (Art. 15); 遵义 finds it untrue (through the API), so the notice still ends clear.
    const provinceNoticeId = `application-${id}:notice:province`;
    expect((await callApi('POST', `/api/notices/${encodeURIComponent(provinceNoticeId)}/complaints`, undefined, { complainant: { name: '李某', contact: '13700000000' }, content: '项目区内有违规采砂' })).status).toBe(201);
    await v.reload();
    await untilText(v, '[data-testid=notice]', '项目区内有违规采砂');
    const delegation = form(v, 'delegateComplaint');
    await delegation.locator('select[name=delegateTo]').selectOption('520300');
    await delegation.locator('button[type=submit]').click();
    await v.getByTestId('done').filter({ hasText: '已委托遵义市调查核实' }).waitFor();
    const notices = (await callApi('GET', `/api/applications/${id}`, zunyi)).body.notices as Array<{ level: string; complaints: Array<{ id: string; delegatedTo: string | null }> }>;
    const delegated = notices.find((n) => n.level === 'province')!.complaints[0]!;
    expect(delegated.delegatedTo).toBe('520300');
    const investigated = await callApi('POST', `/api/complaints/${encodeURIComponent(delegated.id)}/investigation`, zunyi, { decisionId: `e2e-investigate-${id}`, outcome: 'untrue', findings: '经现场核查，该区域无采砂活动' });
    expect(investigated.status).toBe(200);
    await letDaysPassUntil(id, 'naming');

    // ---- naming (Art. 16, 「按程序审议通过后命名」): the deliberation is recorded with its minutes; the
    // consequence is confirmed before sending; a future date is refused by the workflow with its reason.
    await v.reload();
    const name = form(v, 'name');
    await name.locator('input[name=namedOn]').fill('2099-01-01');
    await name.locator('textarea[name=deliberationBody]').fill('厅务会');
    await name.locator('input[name=deliberationDate]').fill('2026-01-05');
    await name.locator('input[name=minutesFileId]').setInputFiles(pdf('厅务会审议纪要'));
    await name.getByTestId('uploaded-minutesFileId').waitFor();
    await name.locator('button[type=submit]').click();
    expect(await name.getByTestId('grave-act-confirm').innerText()).toContain('有效期3年');
    await name.getByTestId('grave-act-confirm').locator('button[type=submit]').click();
    await name.getByTestId('error').filter({ hasText: '命名日期不能晚于今天' }).waitFor();
    expect(await name.locator('input[name=namedOn]').inputValue()).toBe('2099-01-01');
    await name.locator('input[name=namedOn]').fill('');
    await name.locator('button[type=submit]').click();
    await name.getByTestId('grave-act-confirm').locator('button[type=submit]').click();
    await v.getByTestId('done').filter({ hasText: '已命名' }).waitFor();
    await untilText(v, '[data-testid=stage]', '已命名');
    await untilText(v, '[data-testid=timeline]', '命名授牌');
    const timeline = await v.getByTestId('timeline').innerText();
    for (const step of ['预审通过', '发布公示', '调查核实投诉举报', '推荐报省', '指派专家', '提交核查评估意见', '形成核查评估结论', '遴选入围', '命名授牌']) expect(timeline).toContain(step);
    expect(timeline).toContain('材料齐全');
    await shot(v, 'application-detail-named', true);
    await v.getByRole('link', { name: '申报' }).click();
    await untilText(v, '[data-testid=applications]', '已命名');
    await shot(v, 'applications');

    // ---- the base (Art. 16-22): the applicant enters indicator data and sees the 两山指数 evaluation.
    // Indicator data covers a year that has ended (Art. 22): the naming year's is entered in January of the next.
    const namedYear = new Date((await env.currentTimeMs()) + 8 * 3600_000).getUTCFullYear();
    await env.sleep(Date.parse(`${namedYear + 1}-01-05T02:00:00Z`) - (await env.currentTimeMs()));
    await syncClock();
    await a.goto(`${base}/bases`);
    await untilText(a, '[data-testid=bases]', '赤水市');
    await checkPage(a, 'bases');
    await a.getByTestId('bases').getByRole('link', { name: '赤水市' }).click();
    await a.getByTestId('indicator-form').waitFor();
    await a.locator('input[name="ind-2"]').fill('100');
    await a.locator('input[name="ind-5"]').fill('960');
    await a.getByTestId('indicator-form').getByRole('button', { name: '保存指标数据' }).click();
    expect(await a.getByTestId('indicator-form').getByTestId('form-problems').innerText()).toContain('0% 到 100%');
    await a.locator('input[name="ind-5"]').fill('96');
    await a.locator('select[name="ind-16"]').selectOption('true');
    await a.locator('input[name="ind-20"]').fill('3.5');
    await a.getByTestId('indicator-form').getByRole('button', { name: '保存指标数据' }).click();
    await a.getByText('指标数据已保存').waitFor();
    await untilText(a, '[data-testid=evaluation]', '达标');
    await shot(a, 'base-detail', true);

    // ---- a revocation (Art. 24): the evidence form asks what the ground names, the consequence is
    // confirmed before sending, and the county sees the ground and the evidence it was given.
    await v.goto(`${base}/bases/${id}`);
    const revoke = form(v, 'revoke');
    await revoke.waitFor();
    // What cannot be done yet is not a live button: renewal shows why (the rule's own reason).
    expect(await v.locator('section[data-action=renew]').getByTestId('blocked-reason').innerText()).toContain('只有后评估通过的基地可以续期');
    expect(await v.locator('section[data-action=renew] button').isDisabled()).toBe(true);
    await revoke.locator('select[name=ground]').selectOption('4');
    expect(await revoke.getByTestId('ground-evidence').innerText()).toContain('事件的名称及定级');
    await revoke.locator('textarea[name=deliberationBody]').fill('厅党组会议');
    await revoke.locator('input[name=deliberationDate]').fill('2026-01-05');
    await revoke.locator('input[name=minutesFileId]').setInputFiles(pdf('厅党组会议纪要'));
    await revoke.getByTestId('uploaded-minutesFileId').waitFor();
    await revoke.locator('textarea[name=evidenceTitle]').fill('赤水河重大突发环境事件（重大级）');
    await revoke.locator('input[name=evidenceDate]').fill('2026-01-04');
    await revoke.locator('input[name=evidenceFileIds]').setInputFiles(pdf('事件认定文件'));
    await revoke.getByTestId('uploaded-evidenceFileIds').waitFor();
    await revoke.locator('textarea[name=reason]').fill('发生重大突发环境事件，撤销称号');
    await revoke.locator('button[type=submit]').click();
    const confirm = revoke.getByTestId('grave-act-confirm');
    expect(await confirm.innerText()).toContain('不再持有');
    await shot(v, 'revoke-confirm');
    await confirm.locator('button[type=submit]').click();
    await v.getByRole('status').filter({ hasText: '已办理“撤销称号”' }).waitFor();
    await a.reload();
    await untilText(a, '[data-testid=grave-act]', '第二十四条第（四）项');
    const acts = await a.getByTestId('grave-act').allInnerTexts();
    expect(acts.join('\n')).toContain('事件认定文件.pdf');
    expect(acts.join('\n')).toContain('厅党组会议');
  }, 150_000);
});

describe('the ops view', () => {
  let harness: Harness;
  let base: string;

  beforeAll(async () => {
    // Workflows are listed by search attributes: the dev server has them, the time-skipping server does not.
    harness = await startHarness({ server: 'dev', name: 'console-ops' });
    base = await harness.listen({ acceptanceClock: () => new Date('2027-03-02T02:00:00Z'), consoleDir: CONSOLE_DIST, temporalUiUrl: 'http://localhost:8233' });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('lists workflows by stage and prefecture, shows a history with its Web UI link, and the outbox', async () => {
    // A submission through the API gives ops something to look at.
    const token = await signDevToken(TEST_JWT_SECRET, applicant);
    const upload = async () => {
      const f = new FormData();
      f.append('file', new Blob(['%PDF-1.7\nx\n%%EOF\n'], { type: 'application/pdf' }), 'doc.pdf');
      return String(((await (await fetch(`${base}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: f })).json()) as { fileId: string }).fileId);
    };
    const file = await upload();
    const res = await fetch(`${base}/api/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        year: 2027,
        unit: { name: '习水县', type: 'county', prefectures: ['520300'], terrain: 'mountain' },
        applicant: { name: '习水县人民政府', contactEmail: 'gov@xishui.example' },
        materials: [
          { kind: 'applicationLetter', fileId: file },
          ...[1, 2, 3, 4].map((condition) => ({ kind: 'conditionEvidence', condition, fileId: file, explanation: '说明' })),
          { kind: 'implementationPlan', fileId: file, issuedBy: 'county', chapters: ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'] },
        ],
      }),
    });
    expect(res.status).toBe(201);
    const { workflowId } = (await res.json()) as { workflowId: string };

    const page = await newPage();
    await signIn(page, base, ops);
    await page.getByRole('link', { name: '运维' }).click();
    await untilText(page, '[data-testid=workflow-matrix]', '市（州）预审');
    expect(await page.getByTestId('workflow-matrix').innerText()).toContain('遵义市');
    // Rows and the history name the workflow in words; its id stays in an attribute (and in the Web UI link).
    await page.locator(`button[data-workflow-id="${workflowId}"]`).click();
    await page.locator(`[data-testid=history][data-workflow-id="${workflowId}"]`).waitFor();
    expect(await page.getByTestId('web-ui-link').getAttribute('href')).toContain(`http://localhost:8233/namespaces/`);
    await shot(page, 'ops-workflows', true);
    await page.getByRole('tab', { name: '邮件发件箱' }).click();
    await untilText(page, '[data-testid=outbox]', '习水县');
    await shot(page, 'ops-outbox');
  });
});

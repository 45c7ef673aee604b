// A console session for the browser tests on the time-skipping server: the
// harness, the API serving the built console on the server's clock, browser
// contexts whose clock follows the server's, the API called directly where a
// test says so, and the setups the walks share (an application submitted
// with its files, a named base started as the naming starts it, a decision
// form filled and sent). Time passes only by `sleep`, which the API and every
// browser context then follow.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { signDevToken } from '../../api/auth';
import { CONSOLE_DIST } from '../../scripts/build-console';
import { baseWorkflow } from '../../workflows/base';
import type { BaseInput } from '../../workflows/base-messages';
import type { Actor } from '../../workflows/messages';
import { CONSOLE_CONTEXT } from './browser';
import { until } from './eventually';
import { uploadPdf } from './grave-acts';
import { startHarness, TEST_JWT_SECRET, type Harness } from './harness';

export const DAY = 24 * 3600_000;

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface ConsoleSession {
  harness: Harness;
  env: TestWorkflowEnvironment;
  /** The API's address, serving the console. */
  base: string;
  /** A page in a new browser context of this size (zh-CN, Asia/Shanghai), its clock the server's. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** Lets workflow time pass by `ms`; the API and the browsers follow. */
  sleep(ms: number): Promise<void>;
  /** Lets workflow time pass until the instant, when it is still ahead. */
  sleepUntil(iso: string): Promise<void>;
  callApi(method: string, url: string, actor?: Actor, body?: unknown): Promise<ApiAnswer>;
  /** Lets a day pass at a time until the application reaches the stage (a notice's working days, say). */
  letDaysPassUntil(applicationId: string, stage: string, reader: Actor): Promise<void>;
  /** An application submitted through the API with its materials uploaded as PDFs named as people name them; its id. */
  submitApplication(applicant: Actor, unit: { name: string; prefecture: string; terrain?: string }): Promise<string>;
  /** A base named on `namedOn`, started as the naming starts it, with the application row its page reads (the unit's terrain); its id. */
  startNamedBase(applicant: Actor & { email: string; name: string }, unit: { name: string; prefecture: string; terrain: string | null }, namedOn: string): Promise<string>;
  stop(): Promise<void>;
}

/** The harness on the time-skipping server with the API serving the console, at `at` (workflow time). */
export async function startConsoleSession(browser: Browser, options: { name: string; at: string }): Promise<ConsoleSession> {
  const harness = await startHarness({ server: 'timeSkipping', name: options.name });
  const env = harness.env;
  /** The time-skipping server's time minus real time. */
  let offset = 0;
  const contexts: BrowserContext[] = [];
  const base = await harness.listen({ clock: () => new Date(Date.now() + offset), consoleDir: CONSOLE_DIST });

  async function syncClock(): Promise<void> {
    offset = (await env.currentTimeMs()) - Date.now();
    for (const c of contexts) await c.clock.setFixedTime(new Date(Date.now() + offset));
  }
  async function sleep(ms: number): Promise<void> {
    await env.sleep(ms);
    await syncClock();
  }
  async function sleepUntil(iso: string): Promise<void> {
    const ahead = Date.parse(iso) - (await env.currentTimeMs());
    if (ahead > 0) await env.sleep(ahead);
    await syncClock();
  }
  async function callApi(method: string, url: string, actor?: Actor, body?: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (actor) headers.authorization = `Bearer ${await signDevToken(TEST_JWT_SECRET, actor)}`;
    const res = await fetch(base + url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  await sleepUntil(options.at);

  return {
    harness,
    env,
    base,
    async newPage(viewport = CONSOLE_CONTEXT.viewport ?? undefined) {
      const context = await browser.newContext({ ...CONSOLE_CONTEXT, ...(viewport ? { viewport } : {}) });
      contexts.push(context);
      await context.clock.setFixedTime(new Date(Date.now() + offset));
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
    sleep,
    sleepUntil,
    callApi,
    async letDaysPassUntil(id, stage, reader) {
      for (let n = 0; n < 40; n++) {
        if ((await callApi('GET', `/api/applications/${id}`, reader)).body.stage === stage) return;
        await sleep(DAY);
      }
      throw new Error(`stage ${stage} not reached`);
    },
    async submitApplication(applicant, unit) {
      const token = await signDevToken(TEST_JWT_SECRET, applicant);
      const file = (name: string) => uploadPdf(base, token, name);
      const res = await callApi('POST', '/api/applications', applicant, {
        year: new Date((await env.currentTimeMs()) + 8 * 3600_000).getUTCFullYear(),
        unit: { name: unit.name, type: 'county', prefectures: [unit.prefecture], terrain: unit.terrain ?? 'mountain' },
        applicant: { name: applicant.name ?? `${unit.name}人民政府`, contactEmail: applicant.email ?? 'gov@unit.example' },
        materials: [
          { kind: 'applicationLetter', fileId: await file('申报函') },
          ...(await Promise.all([1, 2, 3, 4].map(async (condition) => ({ kind: 'conditionEvidence', condition, fileId: await file(`条件${condition}`), explanation: `对照第${condition}项条件的说明` })))),
          { kind: 'implementationPlan', fileId: await file('实施方案'), issuedBy: 'county', chapters: ['background', 'overview', 'progress', 'approach', 'tasks', 'projects', 'safeguards'] },
        ],
      });
      if (res.status !== 201) throw new Error(`submission: ${res.status} ${JSON.stringify(res.body)}`);
      return String(res.body.id);
    },
    startNamedBase: (applicant, unit, namedOn) => startNamedBase(harness, applicant, unit, namedOn),
    async stop() {
      for (const c of contexts.splice(0)) await c.close();
      await harness.stop();
    },
  };
}

/**
 * A base named on `namedOn`, started as the naming starts it (its workflow
 * directly, as test/api/bases-http.test.ts does), with the application row
 * its page reads (the unit's terrain, null when not given); its id.
 */
export async function startNamedBase(harness: Harness, applicant: { sub: string; name: string; email: string }, unit: { name: string; prefecture: string; terrain: string | null }, namedOn: string): Promise<string> {
  const baseId = randomUUID().replace(/-/g, '').slice(0, 20);
  const db = harness.database.db;
  await db.application.create({
    data: {
      id: baseId, workflowId: `application-${baseId}`, year: Number(namedOn.slice(0, 4)), unitName: unit.name, unitType: 'county', prefectures: [unit.prefecture], submitVia: unit.prefecture,
      terrain: unit.terrain, applicantName: applicant.name, applicantSub: applicant.sub, contactEmail: applicant.email, materials: [], stage: 'named',
      namedOn, submittedAt: new Date(Date.parse(namedOn) - 90 * DAY),
    },
  });
  const input: BaseInput = {
    baseId,
    unit: { name: unit.name, type: 'county', prefectures: [unit.prefecture] },
    applicant: { name: applicant.name, contactEmail: applicant.email, sub: applicant.sub },
    namedOn,
  };
  await harness.env.client.workflow.start(baseWorkflow, { taskQueue: harness.taskQueue, workflowId: `base-${baseId}`, args: [input] });
  await until('the base in the read model', () => db.base.findUnique({ where: { id: baseId } }));
  return baseId;
}

/**
 * Waits until the element's text contains `text`, reloading the page between
 * looks (the read model follows the workflow by moments).
 */
export async function untilText(page: Page, selector: string, text: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await page.locator(selector).filter({ hasText: text }).first().waitFor({ timeout: 1_500 });
      return;
    } catch {
      if (Date.now() > end) throw new Error(`“${text}” not in ${selector} on ${page.url()}; page says: ${(await page.locator('main').innerText()).slice(0, 800)}`);
      await page.reload();
    }
  }
}

/** A decision form of a detail page (one per action the caller may take now). */
export const decisionForm = (page: Page, action: string): Locator => page.locator(`form[data-action="${action}"]`);

/** Fills a decision form, sends it and waits for the page to say it was done. */
export async function decide(page: Page, action: string, fill: (f: Locator) => Promise<void> = async () => {}): Promise<void> {
  const f = decisionForm(page, action);
  await f.waitFor();
  await fill(f);
  await f.locator('button[type=submit]').click();
  await page.getByTestId('done').filter({ hasText: '已办理' }).waitFor();
}

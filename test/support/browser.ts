// Headless Chromium for the console's end-to-end tests: Debian's `chromium`
// (CHROMIUM_PATH to use another), driven by playwright-core, after building
// the console when web/dist is missing or stale (`npm test` and
// `npx vitest run test/e2e` alike).
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { signDevToken } from '../../api/auth';
import type { Actor } from '../../workflows/messages';
import { ensureConsoleBuilt } from '../../scripts/build-console';
import { TEST_JWT_SECRET } from './harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Desktop size, Chinese locale, Beijing time. */
export const CONSOLE_CONTEXT: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

export function launchConsoleBrowser(): Promise<Browser> {
  ensureConsoleBuilt();
  return chromium.launch({ executablePath: CHROMIUM });
}

/** Signs in on the console's sign-in page with a development token for `actor` and waits for the header. */
export async function signInAs(page: Page, base: string, actor: Actor): Promise<void> {
  await page.goto(`${base}/signin`);
  await page.locator('textarea[name=token]').fill(await signDevToken(TEST_JWT_SECRET, actor));
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByTestId('who').waitFor();
}

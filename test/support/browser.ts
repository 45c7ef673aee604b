// Headless Chromium for the console's end-to-end tests: Debian's `chromium`
// (CHROMIUM_PATH to use another), driven by playwright-core, after building
// the console when web/dist is missing or stale (`npm test` and
// `npx vitest run test/e2e` alike).
import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core';
import { ensureConsoleBuilt } from '../../scripts/build-console';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Desktop size, Chinese locale, Beijing time. */
export const CONSOLE_CONTEXT: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

export function launchConsoleBrowser(): Promise<Browser> {
  ensureConsoleBuilt();
  return chromium.launch({ executablePath: CHROMIUM });
}

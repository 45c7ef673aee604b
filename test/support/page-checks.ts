// Checks every console page passes, for every role, at the desktop size
// (1280×800) and a phone's (390×844) (issue 16): nothing to scroll sideways,
// no English identifier in what a person reads, and no serious or critical
// accessibility violation found by axe-core. `checkPage` runs the three at
// both sizes once a page is fully loaded and throws one error listing all
// that was found.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Nothing sticks out sideways: the document is no wider than the window. Returns what is wrong, if anything. */
export async function noHorizontalOverflow(page: Page): Promise<string[]> {
  // Evaluated as text: the test project's TypeScript has no DOM types.
  const { scroll, inner, wide } = (await page.evaluate(`(() => {
    const inner = window.innerWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > inner + 0.5 && getComputedStyle(e).position !== 'fixed')
      .slice(0, 5)
      .map((e) => '<' + e.tagName.toLowerCase() + ' class="' + e.className + '"> 右缘 ' + Math.round(e.getBoundingClientRect().right) + ' px: ' + (e.textContent || '').slice(0, 30));
    return { scroll: document.documentElement.scrollWidth, inner, wide };
  })()`)) as { scroll: number; inner: number; wide: string[] };
  return scroll <= inner ? [] : [`页面宽 ${scroll} px，超出窗口 ${inner} px；${wide.join('；')}`];
}

/**
 * Latin words a person may read. Kept short; each is there because a person knows it as is:
 * file formats the upload fields accept and uploaded files' extensions (申报函.pdf),
 * the units and terms of the 两山指数 catalogue, and the product ops open histories in.
 */
export const LATIN_ALLOWED = new Set([
  // File formats (Art. 8 materials; the upload fields say which are accepted) and an upload's size (KB).
  'PDF', 'OFD', 'PNG', 'JPEG', 'DOCX', 'XLSX', 'pdf', 'ofd', 'png', 'jpg', 'jpeg', 'docx', 'xlsx', 'KB',
  // The spreadsheet program people fill the indicator template in and open the exports with (导出 Excel, issue 17).
  'Excel',
  // domain/ls-index/catalogue.ts: the unit km² (万元/km²), “占 GDP 比重”, and “III类水” (the water classes of GB 3838, written so).
  'km', 'GDP', 'III',
  // Ops: “在 Temporal Web UI 中打开”, the tool a workflow's full history is opened in.
  'Temporal', 'Web', 'UI',
]);

/** Why a word read on the page looks like an identifier rather than Chinese text, or null. */
export function identifierProblem(word: string): string | null {
  if (LATIN_ALLOWED.has(word)) return null;
  // A spreadsheet cell as Excel shows it (H11): where a problem of an uploaded indicator template is (issue 17).
  if (/^[A-Z]{1,3}[1-9]\d{0,6}$/.test(word)) return null;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(word)) return '编号（uuid）';
  if (/^(application|base|notice)-/.test(word)) return '流程编号';
  if (/[a-z][A-Z]/.test(word)) return '驼峰式标识符';
  if (/^\[?[a-z]+\]?$/i.test(word)) return '英文词';
  if (/[A-Za-z]/.test(word)) return '含拉丁字母的标识符';
  return null;
}

/**
 * The visible text (document.body.innerText) has no English identifier: no camelCase
 * names, no "[interpretation]", "HTTP 409", uuids or workflow ids, no browser's
 * own English ("Choose File"). E-mail addresses and web addresses are data, not names.
 */
export async function noEnglishIdentifiers(page: Page): Promise<string[]> {
  // A command a person types (<code>, <kbd>: the sign-in page's `npm run token`) is shown as typed, not read as words.
  // The native file input draws the browser's own button (“Choose File”), which innerText does not show: counted apart.
  const { text, nativeFileInputs } = (await page.evaluate(`(() => {
    let text = document.body.innerText;
    for (const c of document.querySelectorAll('code, kbd, samp, pre')) text = text.replace(c.innerText, ' ');
    const nativeFileInputs = [...document.querySelectorAll('input[type=file]')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 2 && r.height > 2 && getComputedStyle(e).visibility !== 'hidden';
    }).length;
    return { text, nativeFileInputs };
  })()`)) as { text: string; nativeFileInputs: number };
  const found = new Map<string, string>();
  if (nativeFileInputs) found.set('input[type=file]', `${nativeFileInputs} 个浏览器自带的文件选择框（按钮文字随浏览器语言，可能为英文“Choose File”）`);
  const cleaned = text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ').replace(/https?:\/\/\S+/g, ' ');
  for (const m of cleaned.matchAll(/\[?[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]*\]?/g)) {
    const word = m[0].replace(/^-+|-+$/g, '');
    const why = identifierProblem(word);
    if (why && !found.has(word)) {
      const at = Math.max(0, m.index - 20);
      found.set(word, `“${word}”（${why}）：…${cleaned.slice(at, m.index + word.length + 20).replace(/\s+/g, ' ')}…`);
    }
  }
  return [...found.values()];
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** axe-core on the page as it is: violations of impact serious or critical, one line each with where. */
export async function accessibilityScan(page: Page): Promise<string[]> {
  // The console's CSP (script-src 'self') refuses page.addScriptTag's inline script; evaluated through the DevTools protocol instead.
  if (!(await page.evaluate(`'axe' in window`))) await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  const violations = (await page.evaluate(`window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`)) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}（${v.impact}）${v.help}：${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 160)}` : ''}`).join('；')}${v.nodes.length > 4 ? `；另有 ${v.nodes.length - 4} 处` : ''}`);
}

/** The three checks at the page's current size; the problems found, prefixed with where. */
export async function pageProblems(page: Page, label: string): Promise<string[]> {
  const size = `${page.viewportSize()?.width ?? '?'}px`;
  const out: string[] = [];
  for (const [what, check] of [['横向溢出', noHorizontalOverflow], ['英文标识符', noEnglishIdentifiers], ['无障碍', accessibilityScan]] as const) {
    for (const p of await check(page)) out.push(`[${label} @ ${size}] ${what}: ${p}`);
  }
  return out;
}

/**
 * Runs the three checks at 1280×800 and at 390×844 (leaving the page at the size it had),
 * calling `atSize` at each size first (a screenshot, say); throws listing every problem.
 * `sizes`: other sizes instead (a walk run once per size checks each page at its own).
 */
export async function checkPage(page: Page, label: string, atSize?: (size: typeof DESKTOP) => Promise<void>, sizes: ReadonlyArray<typeof DESKTOP> = [DESKTOP, PHONE]): Promise<void> {
  const before = page.viewportSize() ?? DESKTOP;
  const problems: string[] = [];
  for (const size of sizes) {
    await page.setViewportSize(size);
    await page.evaluate(`new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))`);
    await atSize?.(size);
    problems.push(...(await pageProblems(page, label)));
  }
  await page.setViewportSize(before);
  if (problems.length === 0) return;
  if (process.env.PAGE_CHECKS_REPORT) {
    console.warn(problems.join('\n'));
    return;
  }
  throw new Error(`页面检查未通过（${problems.length} 项）：\n${problems.join('\n')}`);
}

// docs/REGULATION.md is written by hand, article by article: this keeps it
// from rotting silently. Every article (1-27) and both appendices have their
// section, in order; the Chinese article number appears only in those
// headings (the prose cites "Art. N"); every repository path it names in
// backticks, every API route, and every relative link exists; and it points
// at nothing outside the project.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docPath = join(root, 'docs', 'REGULATION.md');
const doc = readFileSync(docPath, 'utf8');
const lines = doc.split('\n');

const ARTICLES = 27;
const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 18 → 十八, 20 → 二十, 27 → 二十七. */
function chineseNumeral(n: number): string {
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return (tens === 0 ? '' : tens === 1 ? '十' : `${DIGITS[tens]}十`) + DIGITS[ones];
}

const headings = lines.map((text, index) => ({ text, index })).filter((l) => l.text.startsWith('## '));
const articleHeading = (n: number) => new RegExp(`^## Art\\. ${n} \\(第${chineseNumeral(n)}条\\) \\S`);
const appendixHeading = (n: number) => new RegExp(`^## Appendix ${n} \\(.+\\) \\S`);
const CHINESE_ARTICLE = /第[〇一二三四五六七八九十百]+条/g;

/** Code spans that name a file or folder of this repository. */
function repositoryPaths(): string[] {
  const topLevel = new Set(readdirSync(root));
  const fileLike = /\.(ts|tsx|mts|mjs|js|json|md|prisma|sh|yml|yaml|sql|css|html)$/;
  const paths = new Set<string>();
  for (const [, span] of doc.matchAll(/`([^`\n]+)`/g)) {
    const candidate = (span ?? '').replace(/#.*$/, '');
    if (/\s/.test(candidate) || candidate.startsWith('/') || !candidate.includes('/')) continue;
    if (!/^[\w.@-]+(\/[\w.@-]+)*\/?$/.test(candidate)) continue;
    const first = candidate.split('/')[0] ?? '';
    if (topLevel.has(first) || fileLike.test(candidate)) paths.add(candidate);
  }
  return [...paths];
}

/** Routes the API registers (`route(router, { method: 'post', path: '/applications', … })` in api/), as `POST /api/applications`. */
function registeredRoutes(): Set<string> {
  const apiDir = join(root, 'api');
  const routes = new Set<string>();
  for (const file of readdirSync(apiDir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(apiDir, file), 'utf8');
    for (const [, method, path] of source.matchAll(/method: '(get|post|put|patch|delete)', path: '([^']+)'/g)) routes.add(`${(method ?? '').toUpperCase()} /api${path}`);
  }
  return routes;
}

/** The project's own Markdown files (not dependencies, data or build output). */
function markdownFiles(dir: string): string[] {
  const skip = new Set(['node_modules', '.git', '.data', '.temporal', 'generated', 'dist', 'test-results']);
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    skip.has(e.name) ? [] : e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

/** Targets of relative Markdown links, resolved from docs/. */
function linkTargets(): string[] {
  const targets = new Set<string>();
  for (const [, target] of doc.matchAll(/\]\(([^)\s]+)\)/g)) {
    const path = (target ?? '').replace(/#.*$/, '');
    if (!path || /^[a-z]+:/i.test(path)) continue;
    targets.add(normalize(join(dirname(docPath), path)));
  }
  return [...targets];
}

describe('docs/REGULATION.md', () => {
  it('has one section per article, Art. 1 to Art. 27, then the two appendices, in order', () => {
    const wanted = [
      ...Array.from({ length: ARTICLES }, (_, i) => ({ name: `Art. ${i + 1}`, pattern: articleHeading(i + 1) })),
      { name: 'Appendix 1', pattern: appendixHeading(1) },
      { name: 'Appendix 2', pattern: appendixHeading(2) },
    ];
    const found = wanted.map((w) => ({ name: w.name, at: headings.filter((h) => w.pattern.test(h.text)).map((h) => h.index) }));
    expect(found.filter((f) => f.at.length !== 1).map((f) => `${f.name}: ${f.at.length} headings`)).toEqual([]);
    const order = found.map((f) => f.at[0] ?? -1);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('cites articles as "Art. N", with the Chinese number only once, in each article heading', () => {
    const outside = lines
      .map((text, i) => ({ text, line: i + 1, count: text.match(CHINESE_ARTICLE)?.length ?? 0 }))
      .filter((l) => l.count > 0 && !/^## Art\. \d+ \(/.test(l.text))
      .map((l) => `line ${l.line}: ${l.text.trim()}`);
    expect(outside).toEqual([]);
    for (const h of headings.filter((x) => /^## Art\. /.test(x.text))) expect(h.text.match(CHINESE_ARTICLE)).toHaveLength(1);
  });

  it('names only repository paths that exist', () => {
    const paths = repositoryPaths();
    // The doc names the rules, workflows, routes and tests of every article: far more than this.
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((p) => !existsSync(join(root, p)))).toEqual([]);
  });

  it('names only routes the API registers', () => {
    const routes = registeredRoutes();
    const named = [...new Set([...doc.matchAll(/`((?:GET|POST|PUT|PATCH|DELETE) \/api\/[^`\s]+)`/g)].map((m) => m[1] ?? ''))];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((r) => !routes.has(r))).toEqual([]);
  });

  it('links only to files that exist', () => {
    const targets = linkTargets();
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((t) => !existsSync(t))).toEqual([]);
  });

  it('points at nothing outside the project: no path climbs out, and every Markdown file it names is one of ours', () => {
    expect(doc).not.toContain('../');
    const ours = new Set(markdownFiles(root).map((f) => f.slice(f.lastIndexOf('/') + 1)));
    const named = [...new Set([...doc.matchAll(/[\w.-]+\.md\b/g)].map((m) => m[0].slice(m[0].lastIndexOf('/') + 1)))];
    expect(named.filter((n) => !ours.has(n))).toEqual([]);
  });
});

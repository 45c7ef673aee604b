// domain/ is imported by Temporal workflows: it must do no I/O and read no
// clock. ESLint enforces this (eslint.config.js); this test is a second net
// that also covers patterns the lint rule does not name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../domain', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const forbidden: [RegExp, string][] = [
  [/from ['"](node:)?(fs|fs\/promises|net|http|https|child_process|os|process|path|url|crypto|worker_threads)['"]/, 'a Node built-in'],
  [/Date\.now\s*\(/, 'Date.now()'],
  [/new Date\(\s*\)/, 'new Date() without an argument'],
  [/Math\.random\s*\(/, 'Math.random()'],
  [/\bprocess\./, 'process'],
  [/\b(fetch|setTimeout|setInterval)\s*\(/, 'I/O or timers'],
  [/\.(getHours|getDate|getDay|getMonth|getFullYear|getMinutes|setHours|setDate|toLocaleDateString|toLocaleString|getTimezoneOffset)\s*\(/, 'a local-time Date method'],
];

describe('domain/ is pure', () => {
  const all = files(root);
  it('has files to check', () => {
    expect(all.length).toBeGreaterThan(10);
  });
  for (const f of all) {
    it(`${f.slice(root.length + 1)} does no I/O, reads no clock, uses no local time`, () => {
      const text = readFileSync(f, 'utf8');
      for (const [re, what] of forbidden) expect(re.test(text), `${what} in ${f}`).toBe(false);
    });
  }
});

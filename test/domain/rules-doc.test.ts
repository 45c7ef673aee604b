import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { APPLICATION_TRANSITIONS, BASE_TRANSITIONS, INDICATORS, renderRulesDoc, SANCTION_GROUNDS } from '../../domain';

const file = fileURLToPath(new URL('../../docs/RULES.md', import.meta.url));

describe('docs/RULES.md', () => {
  it('is exactly what the code renders (run `npx tsx scripts/rules-docs.ts` after changing a rule)', () => {
    expect(readFileSync(file, 'utf8')).toBe(renderRulesDoc());
  });

  it('shows every transition, indicator and sanction ground', () => {
    const doc = renderRulesDoc();
    for (const r of [...APPLICATION_TRANSITIONS, ...BASE_TRANSITIONS]) expect(doc).toContain(`| \`${r.action}\` | ${r.from.map((s) => `\`${s}\``).join(' ')} |`);
    for (const i of INDICATORS) expect(doc).toContain(`| ${i.id} | ${i.zh} |`);
    for (const g of SANCTION_GROUNDS) expect(doc).toContain(`| ${g.ground} | ${g.zh} |`);
  });
});

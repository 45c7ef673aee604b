// The web console may use domain/'s rules but no server code: it reaches the
// system through /api only (eslint.config.js, web/ block).
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });
async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('the web console boundary', () => {
  it('refuses server code and I/O in web/, and allows domain/ rules', async () => {
    expect(await messages('web/src/probe.tsx', "import { createApp } from '../../api/app';\nexport const x = createApp;\n")).toContain('@typescript-eslint/no-restricted-imports');
    expect(await messages('web/src/probe.tsx', "import { decideUpdate } from '../../workflows/messages';\nexport const x = decideUpdate;\n")).toContain('@typescript-eslint/no-restricted-imports');
    expect(await messages('web/src/probe.tsx', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toContain('@typescript-eslint/no-restricted-imports');
    expect(await messages('web/src/probe.tsx', "import { stageZh } from '../../domain/stages';\nexport const X = () => <b>{stageZh('named')}</b>;\n")).toEqual([]);
    // Loading typescript-eslint takes seconds on a busy 2-core machine.
  }, 30_000);
});

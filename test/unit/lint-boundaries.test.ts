// The lint rule that keeps domain/ pure and workflows/ deterministic must
// actually fire: lint small sources as if they lived there.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });
async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('import boundaries', () => {
  it('refuses I/O modules and activity values in workflows/', async () => {
    expect(await messages('workflows/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toContain('@typescript-eslint/no-restricted-imports');
    expect(await messages('workflows/probe.ts', "import { PrismaClient } from '../generated/prisma/client';\nexport const x = PrismaClient;\n")).toContain('@typescript-eslint/no-restricted-imports');
    expect(await messages('workflows/probe.ts', "import nodemailer from 'nodemailer';\nexport const x = nodemailer;\n")).toContain('@typescript-eslint/no-restricted-imports');
    expect(await messages('workflows/probe.ts', "import { createActivities } from '../activities';\nexport const x = createActivities;\n")).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('allows type-only imports of activities and the workflow SDK in workflows/', async () => {
    expect(await messages('workflows/probe.ts', "import type { Activities } from '../activities';\nimport { sleep } from '@temporalio/workflow';\nexport type A = Activities;\nexport const s = sleep;\n")).toEqual([]);
  });

  it('refuses I/O and reading the clock in domain/', async () => {
    expect(await messages('domain/probe.ts', "import http from 'node:http';\nexport const x = http;\n")).toContain('@typescript-eslint/no-restricted-imports');
    expect(await messages('domain/probe.ts', 'export const now = Date.now();\n')).toContain('no-restricted-syntax');
    expect(await messages('domain/probe.ts', 'export const now = new Date();\n')).toContain('no-restricted-syntax');
    expect(await messages('domain/probe.ts', 'export const x = Math.random();\n')).toContain('no-restricted-syntax');
    expect(await messages('domain/probe.ts', 'export const d = new Date(0);\n')).toEqual([]);
  });
});

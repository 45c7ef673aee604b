// The lint rule that keeps domain/ pure and workflows/ deterministic must
// actually fire: lint small sources as if they lived there. And api/ has no
// import cycle: its modules form layers (errors at the bottom, the routers on
// top), which the value imports between them must not loop through.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });
async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

// ESLint's first lint loads the TypeScript parser: seconds on a loaded two-core machine.
describe('import boundaries', { timeout: 60_000 }, () => {
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

/** The value imports (not `import type`) of each module of a folder among themselves: module → the modules it imports. */
function valueImports(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => /\.tsx?$/.test(f))) {
    const source = ts.createSourceFile(file, readFileSync(path.join(dir, file), 'utf8'), ts.ScriptTarget.Latest);
    const deps: string[] = [];
    for (const s of source.statements) {
      const from = (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier.text : undefined;
      if (!from?.startsWith('./')) continue;
      if (ts.isExportDeclaration(s) && s.isTypeOnly) continue;
      if (ts.isImportDeclaration(s)) {
        const clause = s.importClause;
        if (clause?.isTypeOnly) continue;
        const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
        if (clause && !clause.name && named && named.every((e) => e.isTypeOnly)) continue;
      }
      deps.push(from.slice(2).replace(/\.tsx?$/, ''));
    }
    graph.set(file.replace(/\.tsx?$/, ''), deps);
  }
  return graph;
}

/** The cycles of a graph, each as the path that closes it (a → b → a). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, trail: string[]) => {
    if (state.get(node) === 'done') return;
    if (state.get(node) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(node)), node]);
      return;
    }
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) if (graph.has(next)) visit(next, [...trail, node]);
    state.set(node, 'done');
  };
  for (const node of graph.keys()) visit(node, []);
  return cycles;
}

describe('import cycles', { timeout: 60_000 }, () => {
  it('finds none in api/', () => {
    const api = new URL('../../api', import.meta.url).pathname;
    expect(cyclesOf(valueImports(api)).map((c) => c.join(' → '))).toEqual([]);
  });

  it('would name one', () => {
    expect(cyclesOf(new Map([['errors', ['observability']], ['observability', ['openapi']], ['openapi', ['errors']], ['acts', ['errors']]])).map((c) => c.join(' → '))).toEqual(['errors → observability → openapi → errors']);
  });
});

// Every durable timer in workflows/ has a summary: the ops history
// (infra/history-summary.ts) and the Temporal UI name a timer by it, and one
// without shows as 「计时器」. A timer is `sleep(ms, options)` or
// `condition(fn, timeout, options)` of @temporalio/workflow (sleepUntil of
// workflows/sleep-until.ts takes its summary as a required argument, so the
// compiler checks its callers). Read from the sources with the TypeScript
// parser: a call without `{ summary: … }` is named with its file and line.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const WORKFLOWS = fileURLToPath(new URL('../../workflows/', import.meta.url));

/** The argument that carries a timer's options: sleep's second, a condition's third when it has a timeout; null for a condition without one. */
function optionsIndex(callee: string, args: number): number | null {
  if (callee === 'sleep') return 1;
  if (callee === 'condition') return args >= 2 ? 2 : null;
  return null;
}

const hasSummary = (arg: ts.Expression | undefined) =>
  !!arg && ts.isObjectLiteralExpression(arg) && arg.properties.some((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText() === 'summary');

/** `file:line` of every timer without a summary in `source`. */
export function unnamedTimers(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const at = optionsIndex(node.expression.text, node.arguments.length);
      if (at !== null && !hasSummary(node.arguments[at])) found.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('timers in workflows/', () => {
  it('each have a summary', () => {
    const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((f) => unnamedTimers(f, readFileSync(path.join(WORKFLOWS, f), 'utf8')))).toEqual([]);
  });

  it('a timer without one is named; a condition without a timeout is no timer', () => {
    const source = [
      "await condition(() => done, 1000, { summary: '期限' });",
      'await condition(() => done, 1000);',
      'await condition(() => done);',
      "await sleep(5000, { summary: '提醒' });",
      'await sleep(5000);',
      'await condition(() => done, 1000, { eventGroups: [] });',
    ].join('\n');
    expect(unnamedTimers('x.ts', source)).toEqual(['x.ts:2', 'x.ts:5', 'x.ts:6']);
  });
});

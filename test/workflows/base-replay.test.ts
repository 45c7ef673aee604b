// Versioning (issue 5): the exported histories of each phase of a base and
// of its rectification child
// (test/histories/, written by base-lifecycle.test.ts with HISTORIES_EXPORT=1)
// replay on the current workflow code. A change that is not behind
// `patched()` must fail the replay, and the same change behind `patched()`
// must pass: both are shown on a copy of workflows/ with one line added.
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, Worker, type ReplayResult, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle } from '../support/temporal';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const HISTORIES = path.join(ROOT, 'test', 'histories');

/** The exported histories; `prefix` narrows them (`base-`: the base workflow's runs only). */
async function histories(prefix = ''): Promise<Array<{ workflowId: string; history: temporal.api.history.v1.History }>> {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json') && f.startsWith(prefix)).sort();
  return Promise.all(
    files.map(async (f) => ({
      workflowId: f.replace(/\.json$/, ''),
      history: temporal.api.history.v1.History.fromObject(JSON.parse(await readFile(path.join(HISTORIES, f), 'utf8'))),
    })),
  );
}

async function replay(bundle: WorkflowBundleWithSourceMap, prefix = ''): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'base-replay' }, await histories(prefix))) results.push(r);
  return results;
}

/** The line a future change adds: one more activity before the watchers start, in every run. */
const ANCHOR = '  const watchers = Promise.all([';
const UNPATCHED = `  await acts.dueAfterWorkingDays({ from: nowIso(), workingDays: 1 });\n${ANCHOR}`;
const PATCHED = `  if (patched('base-extra-activity')) await acts.dueAfterWorkingDays({ from: nowIso(), workingDays: 1 });\n${ANCHOR}`;

let scratch: string;

/** Bundles a copy of workflows/ whose base.ts has `replacement` at the anchor. */
async function mutantBundle(name: string, replacement: string, extraImport = ''): Promise<WorkflowBundleWithSourceMap> {
  const dir = path.join(scratch, name);
  await cp(path.join(ROOT, 'workflows'), path.join(dir, 'workflows'), { recursive: true });
  // The rest of the tree as it is, so the copy's relative imports resolve.
  for (const shared of ['domain', 'activities', 'infra', 'generated', 'node_modules']) await symlink(path.join(ROOT, shared), path.join(dir, shared));
  const file = path.join(dir, 'workflows', 'base.ts');
  const source = await readFile(file, 'utf8');
  expect(source).toContain(ANCHOR);
  let changed = source.replace(ANCHOR, replacement);
  if (extraImport && !source.includes(`  ${extraImport},`)) changed = changed.replace('  isCancellation,', `  isCancellation,\n  ${extraImport},`).replace('  continueAsNew,', `  continueAsNew,\n  ${extraImport},`);
  await writeFile(file, changed);
  return bundleWorkflowCode({ workflowsPath: path.join(dir, 'workflows', 'index.ts'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } });
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'base-replay-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('base workflow histories', () => {
  it('covers every phase: named, summaries, evaluation with rectification, renewed, expired, revoked', async () => {
    expect((await histories()).map((h) => h.workflowId)).toEqual([
      'base-evaluation-rectification', 'base-expired', 'base-named', 'base-renewed', 'base-revoked', 'base-summaries',
      'rectification-completed', 'rectification-not-completed',
    ]);
  });

  it('replay on the current code', async () => {
    const results = await replay(await workflowBundle());
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(results.map((r) => [r.workflowId, null]));
  });

  it('fail to replay when a change is not behind patched()', async () => {
    const results = await replay(await mutantBundle('unpatched', UNPATCHED), 'base-');
    expect(results).toHaveLength(6);
    for (const r of results) expect(r.error, r.workflowId).toBeInstanceOf(DeterminismViolationError);
  });

  it('replay when the same change is behind patched()', async () => {
    const results = await replay(await mutantBundle('patched', PATCHED, 'patched'), 'base-');
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(results.map((r) => [r.workflowId, null]));
  });
});

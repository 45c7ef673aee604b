// The npm scripts that start a Temporal server (the dev server or the
// time-skipping one, infra/temporal-binaries.ts) work on a fresh clone after
// `npm install`: each provisions the binaries first (npm's pre-script:
// scripts/provision-temporal.sh, idempotent), since the SDK's own download
// from Temporal's CDN cannot be relied on. A new bench:* script without its
// pre-script fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const PROVISION = 'bash scripts/provision-temporal.sh';
const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The scripts that start a Temporal server, by name: npm start, the tests, the histories' recording, every benchmark. */
const startsTemporal = (name: string) => ['start', 'test', 'histories:record'].includes(name) || name.startsWith('bench:');

/** Those of `all` without a `pre<name>` that provisions. */
const unprovisioned = (all: Record<string, string>) => Object.keys(all).filter((name) => startsTemporal(name) && all[`pre${name}`] !== PROVISION);

describe('npm scripts that start Temporal', () => {
  it('each provision the binaries first, every bench:* included', () => {
    expect(Object.keys(scripts).filter((name) => name.startsWith('bench:')).length).toBeGreaterThan(0);
    expect(unprovisioned(scripts)).toEqual([]);
  });

  it('a new benchmark without its pre-script is named', () => {
    expect(unprovisioned({ ...scripts, 'bench:new': 'tsx bench/new.ts' })).toEqual(['bench:new']);
  });
});

// Where the Temporal CLI (dev server + Web UI) and the time-skipping test
// server are. Order: the env var, then what scripts/provision-temporal.sh put
// in .temporal/venv (from PyPI), then nothing: the SDK downloads its own copy,
// which works only on a machine that reaches Temporal's CDN.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EphemeralServerExecutable } from '@temporalio/testing';

const venvBin = fileURLToPath(new URL('../.temporal/venv/bin/', import.meta.url));

function find(envVar: string, fileName: string, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env[envVar];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envVar}=${fromEnv} does not exist`);
    return fromEnv;
  }
  const provisioned = venvBin + fileName;
  return existsSync(provisioned) ? provisioned : undefined;
}

export function temporalCliPath(env = process.env): string | undefined {
  return find('TEMPORAL_CLI_PATH', 'temporal', env);
}

export function temporalTestServerPath(env = process.env): string | undefined {
  return find('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server', env);
}

/** The executable option of @temporalio/testing for the dev server. */
export function devServerExecutable(env = process.env): EphemeralServerExecutable {
  const path = temporalCliPath(env);
  return path ? { type: 'existing-path', path } : { type: 'cached-download' };
}

/** The executable option of @temporalio/testing for the time-skipping server. */
export function testServerExecutable(env = process.env): EphemeralServerExecutable {
  const path = temporalTestServerPath(env);
  return path ? { type: 'existing-path', path } : { type: 'cached-download' };
}

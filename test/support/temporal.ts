// Real Temporal servers for tests, from the binaries provisioned offline
// (scripts/provision-temporal.sh): a namespace of its own on the run's dev
// server (test/support/global-setup.ts), or a time-skipping server of its
// own (time skipping is global to a server); and the run's workflow bundle.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import { createLogger, temporalLogger } from '../../infra/logger';
import { devServerExecutable } from '../../infra/temporal-binaries';
import { WORKFLOWS_PATH } from '../../infra/temporal';
import { searchAttributeKeys } from '../../workflows/search-attributes';

export { timeSkippingEnv } from '../../infra/temporal-test-server';

/**
 * The SDK's Runtime of this test process, logging through pino at LOG_LEVEL
 * (silent under vitest unless set, vitest.config.ts) like the worker process
 * does: SDK messages, the core's warnings and the workflows' and activities'
 * logs stay out of the test output unless asked for
 * (`LOG_LEVEL=debug npx vitest run …`). Before the first connection or
 * worker; a process whose Runtime already exists keeps it.
 */
export function installTestRuntime(): void {
  try {
    Runtime.install({ logger: temporalLogger(createLogger({ name: 'test-worker' })), telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } } });
  } catch {
    // Already installed or instantiated in this process.
  }
}

/**
 * A dev server environment: a namespace no other devServerEnv() of the run
 * has, on the run's shared dev server (its visibility queries see only this
 * environment's workflows). `env.namespace` names it: a worker, a client or a
 * spawned process must use it. `teardown()` closes the connections only.
 * Outside vitest's integration projects (no shared server), a dev server of
 * its own as before.
 */
export async function devServerEnv(): Promise<TestWorkflowEnvironment> {
  const shared = providedOrUndefined('temporalDevServer');
  if (!shared) {
    return TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), searchAttributes: searchAttributeKeys, ip: '127.0.0.1' },
    });
  }
  return TestWorkflowEnvironment.createFromExistingServer({ address: shared.address, namespace: await claimNamespace(shared) });
}

/** The first namespace of the pool nobody has claimed: mkdir is atomic across the workers. */
async function claimNamespace(shared: { namespacePrefix: string; namespaces: number; claims: string }): Promise<string> {
  for (let i = 0; i < shared.namespaces; i++) {
    const name = `${shared.namespacePrefix}${i}`;
    try {
      await mkdir(path.join(shared.claims, name));
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(`all ${shared.namespaces} namespaces of the shared dev server are taken: raise NAMESPACES in test/support/global-setup.ts`);
}

function providedOrUndefined<K extends 'temporalDevServer' | 'workflowBundlePath'>(key: K) {
  try {
    return inject(key) ?? undefined;
  } catch {
    return undefined;
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflows as bundled once for the run by the global set-up (or here, once per file, without it). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const file = providedOrUndefined('workflowBundlePath');
  bundle ??= file
    ? // The source map is inline in the code; the separate field is deprecated and unused.
      readFile(file, 'utf8').then((code) => ({ code, sourceMap: '' }))
    : bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

const noop = () => {};
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };

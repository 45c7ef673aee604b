// Real Temporal servers for tests, from the binaries provisioned offline
// (scripts/provision-temporal.sh), and one workflow bundle per test file.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
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

export function devServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutable(), searchAttributes: searchAttributeKeys, ip: '127.0.0.1' },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

const noop = () => {};
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };

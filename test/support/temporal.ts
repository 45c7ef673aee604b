// Real Temporal servers for tests, from the binaries provisioned offline
// (scripts/provision-temporal.sh), and one workflow bundle per test file.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerExecutable } from '../../infra/temporal-binaries';
import { WORKFLOWS_PATH } from '../../infra/temporal';
import { searchAttributeKeys } from '../../workflows/search-attributes';

export { timeSkippingEnv } from '../../infra/temporal-test-server';

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

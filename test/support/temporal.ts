// Real Temporal servers for tests, from the binaries provisioned offline
// (scripts/provision-temporal.sh), and one workflow bundle per test file.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { devServerExecutable, testServerExecutable } from '../../infra/temporal-binaries';
import { WORKFLOWS_PATH } from '../../infra/temporal';
import { searchAttributeKeys } from '../../workflows/search-attributes';

// temporal.api.enums.v1.IndexedValueType, by the SDK's type names.
const INDEXED_VALUE_TYPE: Record<string, number> = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };

export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
  // The test server starts without our search attributes; the dev server
  // gets them on its command line (devServerEnv below).
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(searchAttributeKeys.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]!])),
  });
  return env;
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

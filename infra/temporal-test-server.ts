// Temporal's time-skipping test server with the project's search attributes,
// for the tests and the benchmarks (days pass in moments).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { searchAttributeKeys } from '../workflows/search-attributes';
import { testServerExecutable } from './temporal-binaries';

// temporal.api.enums.v1.IndexedValueType, by the SDK's type names.
const INDEXED_VALUE_TYPE: Record<string, number> = { TEXT: 1, KEYWORD: 2, INT: 3, DOUBLE: 4, BOOL: 5, DATETIME: 6, KEYWORD_LIST: 7 };

export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
  // The test server starts without our search attributes; the dev server
  // gets them on its command line.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(searchAttributeKeys.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]!])),
  });
  return env;
}

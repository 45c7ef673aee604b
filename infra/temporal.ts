// Temporal connections and the worker, shared by the processes and tests.
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities';
import { DEFAULT_WORKER_MAX_CACHED_WORKFLOWS } from './config';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export function connectClient(address: string, namespace: string): Client {
  // Lazy: the API starts (and its health check reports) while Temporal is down.
  const connection = Connection.lazy({ address });
  return new Client({ connection, namespace });
}

export async function createWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A prebuilt bundle (tests build one per file); otherwise bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The sticky cache's bound (WORKER_MAX_CACHED_WORKFLOWS). */
  maxCachedWorkflows?: number;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_WORKER_MAX_CACHED_WORKFLOWS,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
  });
}

/** True when the Temporal frontend answers. */
export async function temporalIsUp(client: Client): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + 2_000, () =>
      client.connection.workflowService.getSystemInfo({}),
    );
    return true;
  } catch {
    return false;
  }
}

export { NativeConnection };

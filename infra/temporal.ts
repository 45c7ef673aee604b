// Temporal connections and the worker, shared by the processes and tests.
import { fileURLToPath } from 'node:url';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions, type GrpcRetryOptions } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities';
import { DEFAULT_WORKER_MAX_CACHED_WORKFLOWS, type WorkerVersion } from './config';
import { connectionOptions, describeConnection, type TemporalConnection } from './temporal-connection';
import { versionedDeployment } from './worker-deployment';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** A client of `connection` (infra/temporal-connection.ts: address, namespace, TLS, API key). */
export function connectClient(connection: TemporalConnection, options: { callDeadlineMs?: number } = {}): Client {
  // Lazy: the API starts (and its health check reports) while Temporal is down.
  const lazy = Connection.lazy({ ...connectionOptions(connection), interceptors: [deadlineInterceptor(options.callDeadlineMs)] });
  return new Client({ connection: lazy, namespace: connection.namespace });
}

/** The worker's connection to the same Temporal (NativeConnection takes the same address, TLS and API key). */
export async function connectWorker(connection: TemporalConnection): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(connectionOptions(connection));
  } catch (error) {
    // The core's words ("InvalidCertificate(UnknownIssuer)", "connection refused") with where and how it tried.
    throw new Error(`cannot connect to Temporal at ${describeConnection(connection)}: ${(error as Error).message}`, { cause: error });
  }
}

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];
type GrpcDeadline = Parameters<GrpcInterceptor>[0]['deadline'];

/** A gRPC deadline (a Date, epoch ms, or Infinity/undefined for none) in epoch ms, or undefined. */
export function deadlineAt(deadline: GrpcDeadline): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}

/**
 * The SDK's retry of UNAVAILABLE and the like, kept inside the call's
 * deadline. The SDK's own sleeps up to 5 s between attempts without looking
 * at the deadline, so a call to a refused port could end seconds after its
 * deadline; here the last pause ends at the deadline, and no attempt starts
 * after it.
 */
export function retryWithin(deadline: number | undefined, base: GrpcRetryOptions = defaultGrpcRetryOptions(), now: () => number = Date.now): GrpcRetryOptions {
  if (deadline === undefined) return base;
  return {
    retryableDecider: (attempt, status) => now() < deadline && base.retryableDecider(attempt, status),
    delayFunction: (attempt, status) => Math.max(0, Math.min(base.delayFunction(attempt, status), deadline - now())),
  };
}

/**
 * Every RPC of this connection: retried as the SDK does, within its deadline;
 * with `defaultMs`, one without a deadline gets one (now + defaultMs). The
 * API sets a deadline per request (api/app.ts, Connection.withDeadline);
 * the default is for a call made outside that scope, so none waits forever.
 */
export function deadlineInterceptor(defaultMs?: number): GrpcInterceptor {
  return (options, nextCall) => {
    const given = deadlineAt(options.deadline);
    const deadline = given ?? (defaultMs ? Date.now() + defaultMs : undefined);
    const call = given === undefined && deadline !== undefined ? { ...options, deadline } : options;
    return makeGrpcRetryInterceptor(retryWithin(deadline))(call, nextCall);
  };
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
  /** The release this worker is in Temporal's Worker Deployments (WORKER_BUILD_ID); unversioned without. */
  version?: WorkerVersion;
}): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_WORKER_MAX_CACHED_WORKFLOWS,
    ...(options.version ? { workerDeploymentOptions: versionedDeployment(options.version) } : {}),
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

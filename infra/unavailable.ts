// Is this error a dependency being down (the database, Temporal) rather than
// a bug? The API answers 503 for those, so clients retry later, and 500 only
// for what is really wrong.
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { getGrpcStatusDetails, trimGrpcTypeUrl } from '@temporalio/client/lib/helpers';

/** PostgreSQL SQLSTATEs of a server shutting down or a lost connection; Node's socket errors. */
const DOWN_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
  // Prisma: can't reach / timed out / connection closed.
  'P1001', 'P1002', 'P1017',
]);

/**
 * gRPC statuses that say "not now", not "no": UNAVAILABLE and
 * DEADLINE_EXCEEDED (the frontend unreachable or silent; also the server's
 * own "Workflow Update was aborted" once its internal retries ran out, as
 * when the worker holding the Update's workflow task died), RESOURCE_EXHAUSTED
 * (rate limits, "Workflow is busy", too many Updates in flight) and ABORTED.
 */
const GRPC_DOWN = new Set([14, 4, 8, 10]);
/** FAILED_PRECONDITION, transient only with the WorkflowNotReadyFailure detail (see isWorkflowNotReady). */
const GRPC_FAILED_PRECONDITION = 9;

export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 6) return false;
  const e = error as Record<string, unknown> & { meta?: Record<string, unknown> };
  if (e.name === 'PrismaClientInitializationError') return true;
  // The SDK's word for an Update call whose outcome is unknown (its deadline
  // passed or it was cancelled, e.g. while the workflow's task moved from a
  // dead worker to another): the same decisionId again is applied once.
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (typeof e.code === 'string' && DOWN_CODES.has(e.code)) return true;
  if (typeof e.code === 'number' && GRPC_DOWN.has(e.code) && (/ServiceError|grpc/i.test(String(e.name) + String(e.constructor?.name)) || isGrpcStatusError(e)) && !isClientSideLimit(e)) return true;
  if (e.code === GRPC_FAILED_PRECONDITION && isGrpcStatusError(e) && isWorkflowNotReady(e)) return true;
  // Prisma's driver adapter keeps the database's own error inside; a message
  // naming a shutdown is the only trace of some of them.
  if (typeof e.message === 'string' && /database system is (shutting down|starting up)|Connection terminated|connect ECONNREFUSED/.test(e.message)) return true;
  return [e.cause, e.meta?.driverAdapterError, e.meta?.cause].some((inner) => isDependencyUnavailable(inner, depth + 1));
}

/**
 * @grpc/grpc-js's own error: a plain Error named "Error" that carries the
 * call's status (code, details, metadata). The Temporal client keeps it as
 * the `cause` of its ServiceError or WorkflowUpdateRPCTimeoutOrCancelledError,
 * so a deadline that passed is recognised here, not by a name.
 */
function isGrpcStatusError(e: Record<string, unknown>): boolean {
  return typeof e.details === 'string' && typeof e.metadata === 'object' && e.metadata !== null;
}

/**
 * gRPC's own RESOURCE_EXHAUSTED for a message over its size limit: the same
 * request fails the same way again, so it is no outage.
 */
function isClientSideLimit(e: Record<string, unknown>): boolean {
  return e.code === 8 && typeof e.details === 'string' && /message larger than max/i.test(e.details);
}

/**
 * Temporal's WorkflowNotReady (FAILED_PRECONDITION with that detail): the
 * workflow task carrying an Update failed before the workflow accepted it
 * ("Unable to perform workflow execution update due to unexpected workflow
 * task failure"), or a query came before the first task. Nothing was
 * applied, and the next task takes the same request.
 */
function isWorkflowNotReady(e: Record<string, unknown>): boolean {
  try {
    const details = getGrpcStatusDetails(e as unknown as Parameters<typeof getGrpcStatusDetails>[0]) ?? [];
    return details.some((d) => trimGrpcTypeUrl(d.type_url) === 'temporal.api.errordetails.v1.WorkflowNotReadyFailure');
  } catch {
    return false;
  }
}

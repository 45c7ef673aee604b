// Is this error a dependency being down (the database, Temporal) rather than
// a bug? The API answers 503 for those, so clients retry later, and 500 only
// for what is really wrong.

/** PostgreSQL SQLSTATEs of a server shutting down or a lost connection; Node's socket errors. */
const DOWN_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
  // Prisma: can't reach / timed out / connection closed.
  'P1001', 'P1002', 'P1017',
]);

/** gRPC status UNAVAILABLE and DEADLINE_EXCEEDED (Temporal's frontend unreachable or overloaded). */
const GRPC_DOWN = new Set([14, 4]);

export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 6) return false;
  const e = error as Record<string, unknown> & { meta?: Record<string, unknown> };
  if (e.name === 'PrismaClientInitializationError') return true;
  if (typeof e.code === 'string' && DOWN_CODES.has(e.code)) return true;
  if (typeof e.code === 'number' && GRPC_DOWN.has(e.code) && (/ServiceError|grpc/i.test(String(e.name) + String(e.constructor?.name)) || isGrpcStatusError(e))) return true;
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

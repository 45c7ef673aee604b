// The pieces of the API's deadline on Temporal that need no server: the
// SDK's retry kept inside the call's deadline (infra/temporal.ts), and the
// errors a passed deadline or a lost frontend really throws, recognised as a
// dependency down (503, infra/unavailable.ts) in the shapes the SDK gives
// them (test/faults/temporal-deadline.test.ts sees them on a real server).
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, type GrpcRetryOptions } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { deadlineAt, retryWithin } from '../../infra/temporal';
import { isDependencyUnavailable } from '../../infra/unavailable';

type Status = Parameters<GrpcRetryOptions['delayFunction']>[1];
const unavailable = { code: 14, details: 'No connection established', metadata: {} } as unknown as Status;
/** The SDK's backoff without its jitter: 5 s between attempts, retry up to 10. */
const base: GrpcRetryOptions = { delayFunction: () => 5000, retryableDecider: (attempt) => attempt < 10 };

/** @grpc/grpc-js's error: a plain Error with the call's status (as seen from a stopped dev server). */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${code === 4 ? 'DEADLINE_EXCEEDED' : 'UNAVAILABLE'}: ${details}`), { code, details, metadata: { internalRepr: new Map() } });
}

describe('the SDK retry inside the deadline', () => {
  it('is the SDK\'s own when the call has no deadline', () => {
    expect(retryWithin(undefined, base)).toBe(base);
  });

  it('never pauses past the deadline and starts no attempt after it', () => {
    let now = 1_000_000;
    const within = retryWithin(now + 3000, base, () => now);
    expect(within.retryableDecider(1, unavailable)).toBe(true);
    expect(within.delayFunction(1, unavailable)).toBe(3000);
    now += 2900;
    expect(within.delayFunction(2, unavailable)).toBe(100);
    now += 100;
    expect(within.retryableDecider(3, unavailable)).toBe(false);
    expect(within.delayFunction(3, unavailable)).toBe(0);
  });

  it('keeps the SDK\'s limit on attempts and its choice of what to retry', () => {
    const now = 1_000_000;
    const within = retryWithin(now + 60_000, base, () => now);
    expect(within.retryableDecider(10, unavailable)).toBe(false);
    expect(within.delayFunction(1, unavailable)).toBe(5000);
  });

  it('reads a gRPC deadline given as a Date, epoch ms, or none', () => {
    expect(deadlineAt(new Date(5000))).toBe(5000);
    expect(deadlineAt(7000)).toBe(7000);
    expect(deadlineAt(Infinity)).toBeUndefined();
    expect(deadlineAt(undefined)).toBeUndefined();
  });
});

describe('a Temporal call that ran out of time is a dependency down', () => {
  it('recognises the errors the client throws when the deadline passes or the frontend is gone', () => {
    const exceeded = grpcError(4, 'Deadline exceeded after 2.003s,remote_addr=127.0.0.1:7233');
    expect(isDependencyUnavailable(exceeded)).toBe(true);
    expect(isDependencyUnavailable(new WorkflowUpdateRPCTimeoutOrCancelledError(exceeded.message, { cause: exceeded }))).toBe(true);
    expect(isDependencyUnavailable(new ServiceError('Failed to start Workflow', { cause: exceeded }))).toBe(true);
    expect(isDependencyUnavailable(new ServiceError('Failed to signal Workflow', { cause: grpcError(14, 'No connection established') }))).toBe(true);
  });

  it('leaves other gRPC statuses alone (not found, invalid argument stay what they are)', () => {
    expect(isDependencyUnavailable(new ServiceError('Failed to describe workflow', { cause: grpcError(5, 'workflow not found') }))).toBe(false);
    expect(isDependencyUnavailable(grpcError(3, 'invalid argument'))).toBe(false);
    // A number code without gRPC's status fields is not one.
    expect(isDependencyUnavailable(Object.assign(new Error('x'), { code: 4 }))).toBe(false);
  });
});

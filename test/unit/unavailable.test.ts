import { ApplicationFailure, WorkflowClient, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type ConnectionLike } from '@temporalio/client';
import { google, temporal } from '@temporalio/proto';
import { Writable } from 'node:stream';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../api/errors';
import { createLogger } from '../../infra/logger';
import { isDependencyUnavailable } from '../../infra/unavailable';
import { RefusalType } from '../../workflows/messages';

describe('isDependencyUnavailable', () => {
  it('recognises a database or Temporal that is down, also wrapped', () => {
    expect(isDependencyUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDependencyUnavailable({ name: 'PrismaClientKnownRequestError', code: 'P2039', meta: { driverAdapterError: { cause: { code: '57P03' } } } })).toBe(true);
    expect(isDependencyUnavailable({ name: 'PrismaClientInitializationError', message: 'cannot reach' })).toBe(true);
    expect(isDependencyUnavailable(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { name: 'ServiceError', code: 14 }))).toBe(true);
  });

  it('leaves real bugs and refusals alone (they stay 500 or their own status)', () => {
    expect(isDependencyUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDependencyUnavailable({ name: 'PrismaClientKnownRequestError', code: 'P2002', message: 'Unique constraint failed' })).toBe(false);
    expect(isDependencyUnavailable(null)).toBe(false);
  });
});

/**
 * What the Temporal frontend answers is outside the system: these stand in
 * for its gRPC status (as @grpc/grpc-js builds it: a plain Error with code,
 * details and metadata, the Temporal detail in `grpc-status-details-bin`).
 */
function grpcStatus(code: number, details: string, detail?: { type: string; value: Uint8Array }): Error {
  const bin = detail && Buffer.from(google.rpc.Status.encode({ code, message: details, details: [{ type_url: `type.googleapis.com/${detail.type}`, value: detail.value }] }).finish());
  const metadata = { get: (key: string) => (key === 'grpc-status-details-bin' && bin ? [bin] : []), getMap: () => ({}) };
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata });
}
const workflowNotReady = () =>
  grpcStatus(9, 'Unable to perform workflow execution update due to unexpected workflow task failure.', {
    type: 'temporal.api.errordetails.v1.WorkflowNotReadyFailure',
    value: temporal.api.errordetails.v1.WorkflowNotReadyFailure.encode({}).finish(),
  });
const ACCEPTED = temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;

/**
 * The error executeUpdate (as api/applications.ts calls it) throws when the
 * frontend answers the Update's start, or else its poll for the outcome,
 * with this status: the SDK's own mapping, run for real.
 */
async function updateFailingWith(status: Error, on: 'start' | 'poll' = 'start'): Promise<unknown> {
  const workflowService = {
    updateWorkflowExecution: async () => {
      if (on === 'start') throw status;
      return { stage: ACCEPTED, updateRef: { workflowExecution: { workflowId: 'application-1', runId: 'run-1' } } };
    },
    pollWorkflowExecutionUpdate: async () => {
      throw status;
    },
  };
  const client = new WorkflowClient({ connection: { workflowService } as unknown as ConnectionLike });
  return client.getHandle('application-1').executeUpdate('decide', { updateId: 'decision-1', args: [{}] }).then(
    () => expect.fail('the Update should have failed'),
    (error: unknown) => error,
  );
}

describe('an Update whose worker died or whose frontend was busy (503: the same decisionId again applies once)', () => {
  it('recognises the call timed out or cancelled, whatever its cause', async () => {
    const cancelled = await updateFailingWith(grpcStatus(1, 'Cancelled on client'));
    expect(cancelled).toBeInstanceOf(WorkflowUpdateRPCTimeoutOrCancelledError);
    expect(isDependencyUnavailable(cancelled)).toBe(true);
    const pollCancelled = await updateFailingWith(grpcStatus(1, 'Cancelled on client'), 'poll');
    expect(pollCancelled).toBeInstanceOf(WorkflowUpdateRPCTimeoutOrCancelledError);
    expect(isDependencyUnavailable(pollCancelled)).toBe(true);
    expect(isDependencyUnavailable(new WorkflowUpdateRPCTimeoutOrCancelledError('Workflow update call timeout or cancelled'))).toBe(true);
  });

  it('recognises "workflow update was aborted" and a busy or rate-limited frontend, at the start or while polling', async () => {
    for (const [code, details] of [
      [14, 'Workflow Update was aborted.'],
      [8, 'Workflow is busy.'],
      [8, 'limit on number of concurrent in-flight updates has been reached (10)'],
      [10, 'aborted'],
    ] as const) {
      for (const on of ['start', 'poll'] as const) {
        const error = await updateFailingWith(grpcStatus(code, details), on);
        expect(error, `${code} ${details} (${on})`).toMatchObject({ name: 'ServiceError', cause: { code } });
        expect(isDependencyUnavailable(error), `${code} ${details} (${on})`).toBe(true);
      }
    }
  });

  it('recognises an Update dropped with its failed workflow task (WorkflowNotReady), and no other failed precondition', async () => {
    const dropped = await updateFailingWith(workflowNotReady());
    expect(dropped).toMatchObject({ name: 'ServiceError', cause: { code: 9 } });
    expect(isDependencyUnavailable(dropped)).toBe(true);
    const tooMany = await updateFailingWith(grpcStatus(9, 'limit on number of total updates has been reached (2000)'));
    expect(isDependencyUnavailable(tooMany)).toBe(false);
  });

  it('leaves a refusal, a closed workflow and an oversized request alone', async () => {
    const refusal = ApplicationFailure.create({ type: RefusalType.conflict, message: '当前阶段不能作出该决定', nonRetryable: true });
    const refused = new WorkflowUpdateFailedError('Workflow Update failed', refusal);
    expect(isDependencyUnavailable(refused)).toBe(false);
    const closed = await updateFailingWith(grpcStatus(5, 'update aborted by closing workflow'));
    expect(closed).toBeInstanceOf(WorkflowNotFoundError);
    expect(isDependencyUnavailable(closed)).toBe(false);
    const oversized = await updateFailingWith(grpcStatus(8, 'Received message larger than max (5242880 vs 4194304)'));
    expect(isDependencyUnavailable(oversized)).toBe(false);
    expect(isDependencyUnavailable(await updateFailingWith(grpcStatus(3, 'invalid update id')))).toBe(false);
  });
});

describe('the API answering an Update that failed', () => {
  /** errorHandler on a request whose log lines are kept. */
  function answer(error: unknown) {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({ write(chunk, _e, done) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>); done(); } });
    const req = { method: 'POST', originalUrl: '/api/applications/a-1/decisions', url: '/api/applications/a-1/decisions', routePattern: '/api/applications/:id/decisions', log: createLogger({ name: 'api', level: 'info', destination }) } as unknown as Request;
    const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
    const res = {
      status(s: number) { sent.status = s; return this; },
      set(k: string, v: string) { sent.headers[k.toLowerCase()] = v; return this; },
      json(b: unknown) { sent.body = b; return this; },
    } as unknown as Response;
    errorHandler(error, req, res, () => {});
    return { ...sent, lines };
  }

  it('answers a dropped Update 503 with Retry-After, and logs a 500 with the gRPC code of its cause but no message', async () => {
    const dropped = answer(await updateFailingWith(workflowNotReady()));
    expect(dropped).toMatchObject({ status: 503, headers: { 'retry-after': '5' }, body: { error: { code: 'unavailable' } } });
    expect(dropped.lines).toEqual([]);
    const limit = answer(await updateFailingWith(grpcStatus(9, 'limit on number of total updates has been reached (2000)')));
    expect(limit.status).toBe(500);
    expect(limit.lines[0]).toMatchObject({ msg: 'unhandled error', err: { type: 'ServiceError', causes: [{ type: 'Error', code: '9' }] } });
    expect(JSON.stringify(limit.lines)).not.toContain('limit on number');
  });
});

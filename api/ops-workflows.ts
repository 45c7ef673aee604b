// The ops routes of the API (/api/ops/...) over infra/ops.ts (the same answers as
// `npm run ops`): workflows by stage, prefecture, year and status through the
// typed search attributes; a workflow's history in words with a link to the
// same run in the Temporal Web UI (from the PostgreSQL archive once Temporal
// has removed it); the mail outbox, and a resend that runs on the worker.
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { recordAct } from '../activities/record-act';
import type { Db } from '../infra/database';
import { listNotifications, listWorkflows, workflowHistory } from '../infra/ops';
import { resendNotificationWorkflow } from '../workflows/resend-notification';
import { appliedByApi } from './acts';
import { attempt } from './audit-refusals';
import { badRequest, notFound, unavailable } from './errors';
import { route } from './openapi';
import { parseBody } from './validation';

/** Values the visibility query lets through (infra/ops.ts quotes them). */
const code = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, '只能包含字母、数字和 ._:-');

export const workflowsQuerySchema = z.strictObject({
  stage: code.optional(),
  prefecture: code.optional(),
  year: z.coerce.number().int().min(2000).max(2200).optional(),
  status: z.enum(['running', 'closed']).optional(),
  type: code.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const notificationsQuerySchema = z.strictObject({
  status: z.enum(['pending', 'sent', 'failed']).optional(),
  subject: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const resendSchema = z.strictObject({
  /** Corrected recipients; the stored ones when absent. */
  to: z.array(z.email().max(254)).min(1).max(50).optional(),
  /** Why (the audit entry's reason), e.g. the corrected address. */
  reason: z.string().trim().min(1).max(5000).optional(),
});

const workflowRow = z.looseObject({
  workflowId: z.string(), runId: z.string(), type: z.string(), status: z.string(), startTime: z.string(), closeTime: z.string().nullable(),
  stage: z.string().nullable(), prefectures: z.array(z.string()), year: z.number().nullable(), historyLength: z.number(),
});
const historyView = z.looseObject({
  workflowId: z.string(), runId: z.string().nullable(), source: z.enum(['temporal', 'archive']), webUiUrl: z.string().nullable(),
  lines: z.array(z.looseObject({ eventId: z.number(), at: z.string().nullable(), kind: z.string(), text: z.string() })),
});
const notificationRow = z.looseObject({
  id: z.string(), subjectId: z.string(), key: z.string(), to: z.array(z.string()), subject: z.string(), status: z.string(),
  attempts: z.number(), lastError: z.string().nullable(), createdAt: z.string(), sentAt: z.string().nullable(),
});
const resendResult = z.looseObject({ id: z.string(), status: z.enum(['sent', 'alreadySent', 'noRecipients']) });

export interface OpsWorkflowsDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** The Temporal Web UI's address (TEMPORAL_UI_URL); no links without it. */
  webUiUrl?: string | undefined;
}

export function opsWorkflowsRouter(deps: OpsWorkflowsDeps): Router {
  const router = Router();
  const namespace = deps.temporal.options.namespace;

  route(router, {
    method: 'get', path: '/ops/workflows', summary: 'Workflows by stage, prefecture, year and status (typed search attributes)', auth: 'bearer', roles: ['ops'],
    query: workflowsQuerySchema,
    responses: { 200: { description: 'newest first', schema: z.looseObject({ workflows: z.array(workflowRow) }) } },
  }, async (req, res) => {
    const q = parseBody(workflowsQuerySchema, req.query);
    res.json({ workflows: await listWorkflows(deps.temporal, q) });
  });

  route(router, {
    method: 'get', path: '/ops/workflows/:workflowId/history', summary: "A workflow's history in words, with its link in the Temporal Web UI", auth: 'bearer', roles: ['ops'],
    responses: { 200: { description: 'from Temporal while it keeps the run, from the archive after', schema: historyView } },
  }, async (req, res) => {
    const workflowId = String(req.params.workflowId);
    if (workflowId.length > 200) throw badRequest('工作流 ID 过长');
    const view = await workflowHistory(deps.temporal, deps.db, workflowId, { namespace, webUiBase: deps.webUiUrl });
    if (!view) throw notFound('没有这个工作流（Temporal 与归档中都没有）');
    res.json(view);
  });

  route(router, {
    method: 'get', path: '/ops/notifications', summary: 'The mail outbox: sent, pending, failed', auth: 'bearer', roles: ['ops'],
    query: notificationsQuerySchema,
    responses: { 200: { description: 'newest first', schema: z.looseObject({ notifications: z.array(notificationRow) }) } },
  }, async (req, res) => {
    const q = parseBody(notificationsQuerySchema, req.query);
    res.json({ notifications: await listNotifications(deps.db, { status: q.status, subjectId: q.subject, limit: q.limit }) });
  });

  route(router, {
    method: 'post', path: '/ops/notifications/:id/resend', summary: 'Send a pending or failed mail now, optionally to corrected recipients', auth: 'bearer', roles: ['ops'],
    body: resendSchema, errors: [503],
    responses: { 200: { description: 'sent, or already sent before (never twice)', schema: resendResult } },
  }, async (req, res) => {
    const id = String(req.params.id);
    attempt(req, { subjectType: 'notification', subjectId: id.slice(0, 200), action: 'resendNotification' });
    const body = parseBody(resendSchema, req.body ?? {});
    if (!z.uuid().safeParse(id).success) throw notFound('没有这封邮件');
    const exists = await deps.db.notification.findUnique({ where: { id }, select: { id: true } });
    if (!exists) throw notFound('没有这封邮件');
    // One resend per mail at a time: a second click joins the first.
    const workflowId = `resend-notification-${id}`;
    let result;
    try {
      const handle = await deps.temporal.workflow
        .start(resendNotificationWorkflow, { workflowId, taskQueue: deps.taskQueue, args: [{ id, to: body.to }] })
        .catch((error: unknown) => {
          if (error instanceof WorkflowExecutionAlreadyStartedError) return deps.temporal.workflow.getHandle<typeof resendNotificationWorkflow>(workflowId);
          throw error;
        });
      result = await handle.result();
    } catch (error) {
      if (error instanceof WorkflowFailedError) throw unavailable('邮件服务器暂不可用，邮件仍在待发送队列中，恢复后会自动发送');
      throw error;
    }
    if (!result) throw notFound('没有这封邮件');
    // The resend is ops' act: recorded once it has been carried out.
    await recordAct(deps.db, { audit: appliedByApi(req.actor!, { subjectType: 'notification', subjectId: id, action: 'resend', payload: { to: body.to ?? null, status: result.status }, reason: body.reason }), changes: [] });
    res.json({ id, ...result });
  });

  return router;
}

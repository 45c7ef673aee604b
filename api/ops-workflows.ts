// The ops routes of the API (/api/ops/...) over infra/ops.ts (the same answers as
// `npm run ops`): workflows by stage, prefecture, year and status through the
// typed search attributes; a workflow's history in words with a link to the
// same run in the Temporal Web UI (from the PostgreSQL archive once Temporal
// has removed it); the mail outbox, and a resend that runs on the worker.
import { Router } from 'express';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { resendKey, UNDELIVERABLE } from '../activities/outbox';
import { recordAct } from '../activities/record-act';
import type { Db } from '../infra/database';
import { listNotifications, listWorkflows, workflowHistory } from '../infra/ops';
import { resendNotificationWorkflow } from '../workflows/resend-notification';
import { appliedByApi } from './acts';
import { attempt } from './audit-refusals';
import { badRequest, conflict, notFound, unavailable, unprocessable } from './errors';
import { route } from './openapi';
import { decisionIdSchema, parseBody } from './validation';

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
  status: z.enum(['pending', 'sent', 'failed', 'undeliverable']).optional(),
  subject: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const resendSchema = z.strictObject({
  /** Corrected recipients; the stored ones when absent. For a sent or undeliverable mail they make a new mail (resendOf = this one). */
  to: z.array(z.email().max(254)).min(1).max(50).optional(),
  /** The client's id of this re-send: required to re-send a sent or undeliverable mail; the same requestId again sends nothing more. */
  requestId: decisionIdSchema.optional(),
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
  attempts: z.number(), lastError: z.string().nullable(), createdAt: z.string(), sentAt: z.string().nullable(), resendOf: z.string().nullable(),
});
const resendResult = z.looseObject({
  id: z.string(), status: z.enum(['sent', 'alreadySent', 'noRecipients', 'undeliverable']),
  resendId: z.string().optional().meta({ description: 'A re-send to corrected addresses: the new mail (its resendOf is id)' }),
});

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
    res.json({ workflows: await listWorkflows(deps.temporal, q, deps.db) });
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
    method: 'post', path: '/ops/notifications/:id/resend', auth: 'bearer', roles: ['ops'],
    summary: 'Send a pending or failed mail now, optionally to corrected recipients; re-send a sent or undeliverable mail to corrected recipients as a new mail (with a requestId)',
    body: resendSchema, errors: [409, 422, 503],
    responses: { 200: { description: 'sent, or already sent before (never twice); a re-send names the new mail', schema: resendResult } },
  }, async (req, res) => {
    const id = String(req.params.id);
    attempt(req, { subjectType: 'notification', subjectId: id.slice(0, 200), action: 'resendNotification' });
    const body = parseBody(resendSchema, req.body ?? {});
    if (!z.uuid().safeParse(id).success) throw notFound('没有这封邮件');
    const exists = await deps.db.notification.findUnique({ where: { id }, select: { id: true, status: true, key: true, subjectId: true } });
    if (!exists) throw notFound('没有这封邮件');
    // A sent or undeliverable mail stays as recorded: a re-send to corrected addresses is a new mail, once per requestId (activities/outbox.ts resend).
    const final = exists.status === 'sent' || exists.status === UNDELIVERABLE;
    if (exists.status === UNDELIVERABLE && !body.to) throw unprocessable('该邮件无法投递（收件办公室未登记邮箱）：请在 to 中填写更正后的收件地址', [{ path: 'to', message: '缺少收件地址' }]);
    // A sent mail with addresses but no requestId answers alreadySent, as before re-sends existed: sending again needs the client's id.
    if (exists.status === UNDELIVERABLE && !body.requestId) throw unprocessable('重发无法投递的邮件须提供 requestId（本次重发的编号），重复提交同一编号不会重复发送', [{ path: 'requestId', message: '缺少 requestId' }]);
    if (final && body.to && body.requestId) {
      const earlier = await deps.db.notification.findUnique({ where: { subjectId_key: { subjectId: exists.subjectId, key: resendKey(exists.key, body.requestId) } }, select: { to: true } });
      if (earlier && JSON.stringify(earlier.to) !== JSON.stringify(body.to)) throw conflict('该 requestId 已用于将此邮件重发至其他地址，请换一个新的编号');
    }
    // One resend per mail (and requestId) at a time: a second click joins the first.
    const workflowId = `resend-notification-${id}${final && body.to && body.requestId ? `-${body.requestId}` : ''}`;
    let result;
    try {
      const handle = await deps.temporal.workflow
        .start(resendNotificationWorkflow, { workflowId, taskQueue: deps.taskQueue, args: [{ id, to: body.to, requestId: body.requestId }] })
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
    // The resend is ops' act: recorded once it has been carried out (once per requestId).
    const audit = appliedByApi(req.actor!, { subjectType: 'notification', subjectId: id, action: 'resend', payload: { to: body.to ?? null, status: result.status, ...(result.resendId ? { resendId: result.resendId } : {}) }, reason: body.reason });
    await recordAct(deps.db, { audit: body.requestId ? { ...audit, decisionId: `resend/${id}/${body.requestId}` } : audit, changes: [] });
    res.json({ id, ...result });
  });

  return router;
}

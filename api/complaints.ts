// Investigating a complaint (调查核实, Art. 10, 15): the officer in charge
// records the outcome, or the province delegates a province notice's
// complaint to one of the unit's prefectures; or the office dismisses
// (不予受理) several of a notice's complaints at once. Each is an Update on
// the notice's workflow, with the client's decisionId as the Update id.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { MAX_DISMISSAL_COMPLAINTS, MAX_DISMISSAL_REASON_LENGTH } from '../domain/complaints';
import { maySee } from '../domain/scope';
import type { Db } from '../infra/database';
import type { InvestigationOutcome } from '../domain/notice';
import {
  dismissalActId,
  dismissComplaintsUpdate,
  investigateUpdate,
  type DismissalRequest,
  type DismissalResult,
  type InvestigationRequest,
} from '../workflows/notice-messages';
import { actGateway } from './acts';
import { attempt } from './audit-refusals';
import { forbidden, notFound } from './errors';
import { route } from './openapi';
import { decisionIdSchema, parseBody } from './validation';

// Outcome values and delegation targets are checked by the domain rule in the
// workflow (422 with the allowed values); here only the shape and sizes.
export const investigationSchema = z.strictObject({
  decisionId: decisionIdSchema,
  outcome: z.string().max(32).optional(),
  findings: z.string().max(20_000).optional(),
  delegateTo: z.string().max(16).optional(),
});

// Which complaints and why; whether they are this notice's, open and the
// caller's to dismiss is the workflow's rule (domain/complaints.ts checkDismissal).
export const dismissalSchema = z.strictObject({
  decisionId: decisionIdSchema,
  complaintIds: z.array(z.string().min(1).max(64)).min(1).max(MAX_DISMISSAL_COMPLAINTS),
  reason: z.string().max(MAX_DISMISSAL_REASON_LENGTH),
});

const dismissedSchema = z.looseObject({
  decisionId: z.string(),
  complaints: z.array(z.looseObject({ complaintId: z.string(), receivedAt: z.string(), status: z.string(), outcome: z.string().nullable(), findings: z.string().nullable() })),
});

/** The dismissed complaints, in the request's order (nothing of the complainants: the answer is about the act). */
async function dismissalView(db: Db, decisionId: string, complaintIds: readonly string[]) {
  const rows = await db.complaint.findMany({ where: { id: { in: [...complaintIds] } } });
  const byId = new Map(rows.map((c) => [c.id, c]));
  return {
    decisionId,
    complaints: complaintIds.flatMap((id) => {
      const c = byId.get(id);
      return c ? [{ complaintId: c.id, receivedAt: c.receivedAt.toISOString(), status: c.status, outcome: c.outcome, findings: c.findings, closedAt: c.closedAt?.toISOString() ?? null }] : [];
    }),
  };
}

const complaintViewSchema = z.looseObject({
  complaintId: z.string(), noticeId: z.string(), receivedAt: z.string(), status: z.string(), outcome: z.string().nullable(),
  content: z.string(), complainant: z.looseObject({ name: z.string(), contact: z.string() }),
});

/** The complaint as its investigators see it (the complainant's contact is for them only). */
async function complaintView(db: Db, id: string) {
  const c = await db.complaint.findUniqueOrThrow({ where: { id } });
  return {
    complaintId: c.id,
    noticeId: c.noticeId,
    receivedAt: c.receivedAt.toISOString(),
    status: c.status,
    outcome: c.outcome,
    findings: c.findings,
    delegatedTo: c.delegatedTo,
    investigatedBy: c.investigatedBy,
    closedAt: c.closedAt?.toISOString() ?? null,
    content: c.content,
    complainant: { name: c.complainantName, contact: c.complainantContact },
  };
}

export function complaintsRouter(deps: { db: Db; temporal: Client }): Router {
  const router = Router();
  const acts = actGateway(deps);

  route(router, {
    method: 'post', path: '/complaints/:id/investigation', summary: "A complaint's investigation, or its delegation by the province", auth: 'bearer',
    roles: ['prefectureOfficer', 'provinceOfficer'], body: investigationSchema, errors: [403, 409, 422],
    responses: { 200: { description: 'recorded (or the same decisionId again): the complaint', schema: complaintViewSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'complaint', subjectId: String(req.params.id), action: 'investigate' });
    if (actor.role !== 'prefectureOfficer' && actor.role !== 'provinceOfficer') throw forbidden('只有省、市（州）生态环境主管部门可以调查核实投诉举报');
    const body = parseBody(investigationSchema, req.body);
    attempt(req, { action: body.delegateTo !== undefined ? 'delegateComplaint' : 'investigate', decisionId: body.decisionId, details: { outcome: body.outcome, delegateTo: body.delegateTo } });
    const complaint = await deps.db.complaint.findUnique({
      where: { id: String(req.params.id) },
      include: { notice: { include: { application: { select: { prefectures: true, applicantSub: true } } } } },
    });
    // An officer who may not see the application does not learn that the complaint exists (404, like applications).
    const app = complaint?.notice.application;
    if (complaint) attempt(req, { applicationId: complaint.notice.applicationId, workflowId: complaint.notice.workflowId });
    if (!complaint || !app || !maySee(actor, { kind: 'application', prefectures: app.prefectures, applicantSub: app.applicantSub })) throw notFound();

    const action = body.delegateTo !== undefined ? 'delegateComplaint' : 'investigate';
    await acts.act({
      req, id: body.decisionId, action,
      // The same id on a dismissal (recorded per complaint as `<id>/<complaint>`) is another act too.
      perItem: true,
      isSame: (rows) => rows.length === 1 && rows[0]!.decisionId === body.decisionId && (rows[0]!.payload as { complaintId?: string } | null)?.complaintId === complaint.id,
      // A retry of a decision already applied answers with the complaint, also after the workflow ended.
      answerRecorded: () => undefined,
      via: {
        workflowId: complaint.notice.workflowId, update: investigateUpdate, ended: '该公示的流程已结束，不再受理调查结论',
        request: (): InvestigationRequest => ({
          decisionId: body.decisionId,
          complaintId: complaint.id,
          actor,
          ...(body.outcome !== undefined ? { outcome: body.outcome as InvestigationOutcome } : {}),
          ...(body.findings !== undefined ? { findings: body.findings } : {}),
          ...(body.delegateTo !== undefined ? { delegateTo: body.delegateTo } : {}),
        }),
        isOwnAnswer: (result) => result.complaintId === complaint.id && !('complaints' in (result as object)),
        answer: () => undefined,
      },
    });
    // The Update returns after its handler recorded the result: the row is current.
    res.json(await complaintView(deps.db, complaint.id));
  });

  route(router, {
    method: 'post', path: '/notices/:id/complaints/dismissals',
    summary: "Dismiss (不予受理) several of a notice's complaints with one reason: one Update, all or nothing; each complaint's act is in the audit log", auth: 'bearer',
    roles: ['prefectureOfficer', 'provinceOfficer'], body: dismissalSchema, errors: [403, 409, 422],
    responses: { 200: { description: 'dismissed (or the same decisionId again): the complaints', schema: dismissedSchema } },
  }, async (req, res) => {
    const actor = req.actor!;
    attempt(req, { subjectType: 'notice', subjectId: String(req.params.id), action: 'dismissComplaints' });
    const body = parseBody(dismissalSchema, req.body);
    attempt(req, { decisionId: body.decisionId, reason: body.reason, details: { complaints: body.complaintIds.length, complaintIds: body.complaintIds } });
    const notice = await deps.db.notice.findUnique({
      where: { id: String(req.params.id) },
      include: { application: { select: { prefectures: true, applicantSub: true } } },
    });
    if (notice) attempt(req, { applicationId: notice.applicationId, workflowId: notice.workflowId });
    if (!notice || !maySee(actor, { kind: 'application', prefectures: notice.application.prefectures, applicantSub: notice.application.applicantSub })) throw notFound();

    // One act per complaint, each under dismissalActId, each saying how many the request dismissed.
    const actIds = new Set(body.complaintIds.map((c) => dismissalActId(body.decisionId, c)));
    await acts.act({
      req, id: body.decisionId, action: 'dismissComplaint', perItem: true,
      isSame: (rows) => rows.length === actIds.size && rows.length === body.complaintIds.length
        && rows.every((r) => actIds.has(r.decisionId) && r.action === 'dismissComplaint' && (r.payload as { complaints?: unknown } | null)?.complaints === body.complaintIds.length),
      // A retry of a request already applied answers from the record, also after the workflow ended.
      answerRecorded: () => undefined,
      via: {
        workflowId: notice.workflowId, update: dismissComplaintsUpdate, ended: '该公示的流程已结束，不再办理投诉举报',
        request: (): DismissalRequest => ({ decisionId: body.decisionId, complaintIds: body.complaintIds, reason: body.reason, actor }),
        // The Update id names one request: the same id sent with other complaints
        // is another act (Temporal answers with the first one's result).
        isOwnAnswer: (result: DismissalResult) => {
          const dismissed = Array.isArray(result?.complaints) ? result.complaints.map((c) => c.complaintId) : [];
          return dismissed.length === body.complaintIds.length && dismissed.every((id, i) => id === body.complaintIds[i]);
        },
        answer: () => undefined,
      },
    });
    // The Update answers after every complaint's act was recorded: the rows are current.
    res.json(await dismissalView(deps.db, body.decisionId, body.complaintIds));
  });

  return router;
}

// The expert pool (专家库, Art. 25), kept by the province. An expert signs in
// with `sub` = the expert's id; their region is what Art. 26 conflicts
// are checked against.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { canonical } from '../activities/audit';
import { recordAct } from '../activities/record-act';
import type { Db } from '../infra/database';
import { actGateway, appliedByApi } from './acts';
import { attempt } from './audit-refusals';
import { notFound } from './errors';
import { route } from './openapi';
import { decisionIdSchema, parseBody, withFieldNames } from './validation';
import { EXPERT_FIELD_ZH } from '../domain/names';
import { problem } from '../domain/problems';
import { isRegionCode, regionPathZh } from '../domain/regions';

/** Where the expert is registered: a code of domain/regions.ts (the province, a prefecture or a county); any other is a 422 naming it. */
const regionCode = z.string().max(6).superRefine((code, ctx) => {
  if (isRegionCode(code)) return;
  const p = problem('region', 'unknownRegion', `“${code}”不是贵州省的行政区划代码（省、市（州）或县（市、区），如 520300 遵义市、520381 赤水市）`, `${code} is not a Guizhou administrative division code`);
  ctx.addIssue({ code: 'custom', message: p.zh, params: { problem: p } });
});

const expertSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  email: z.email().max(254),
  fields: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  region: regionCode.nullable().default(null),
  active: z.boolean().default(true),
  /** Why (the audit entry's reason): not stored on the expert. */
  reason: z.string().trim().min(1).max(5000).optional(),
});
// Without the defaults: a field the PATCH leaves out stays as it is (with them,
// `{ fields }` alone also set region to null and active to true).
/**
 * Adding takes a client-chosen `requestId`, as a decision takes its
 * `decisionId`: the audit entry's id is `expertAdded/<requestId>`, so the same
 * add sent again (a retry after a lost answer, a second click) finds that
 * entry and answers the expert it added instead of adding a second one.
 */
const newExpertSchema = withFieldNames(expertSchema.extend({
  requestId: decisionIdSchema.meta({
    description: 'The client’s id of this add (8-128 of A-Z a-z 0-9 . _ : -), one per content of the form: the same requestId again adds nothing and answers 200 with the expert it added; with another name, fields, region or active it is refused with 409',
  }),
}), EXPERT_FIELD_ZH);
const addedActId = (requestId: string) => `expertAdded/${requestId}`;
/**
 * A change takes a client-chosen `requestId` too, which is the audit entry's
 * id: the same change sent again answers the expert as it is and records
 * nothing; the same requestId with another change or on another expert is 409.
 */
const expertPatchSchema = withFieldNames(expertSchema
  .extend({ fields: expertSchema.shape.fields.unwrap(), region: expertSchema.shape.region.unwrap(), active: expertSchema.shape.active.unwrap() })
  .partial()
  .extend({
    requestId: decisionIdSchema.meta({
      description: 'The client’s id of this change (8-128 of A-Z a-z 0-9 . _ : -), one per content of the form: the same requestId again changes nothing and answers 200 with the expert as it is; with another change or on another expert it is refused with 409',
    }),
  })
  .refine((v) => Object.keys(v).some((k) => k !== 'reason' && k !== 'requestId'), '至少修改一项'), EXPERT_FIELD_ZH);

const expertView = z.looseObject({ id: z.string(), name: z.string(), email: z.string(), fields: z.array(z.string()), region: z.string().nullable(), regionZh: z.string().nullable(), active: z.boolean() });

const view = (e: { id: string; name: string; email: string; fields: string[]; region: string | null; active: boolean }) => ({
  id: e.id, name: e.name, email: e.email, fields: e.fields, region: e.region, regionZh: e.region ? regionPathZh(e.region) : null, active: e.active,
});

/** The audit log cannot be edited: an expert's mail address stays out of it (whether it changed is enough). */
const withoutEmail = ({ email, ...rest }: { email?: string | undefined } & Record<string, unknown>) => ({ ...rest, ...(email !== undefined ? { emailChanged: true } : {}) });

export function expertsRouter(deps: { db: Db }): Router {
  const router = Router();
  const acts = actGateway(deps);
  // Only the province keeps the pool: `roles` below is enforced by route() (403 for anyone else).
  route(router, {
    method: 'get', path: '/experts', summary: 'The expert pool (Art. 25)', auth: 'bearer', roles: ['provinceOfficer'], errors: [403],
    responses: { 200: { description: 'every expert', schema: z.looseObject({ experts: z.array(expertView) }) } },
  }, async (_req, res) => {
    const experts = await deps.db.expert.findMany({ orderBy: { createdAt: 'asc' } });
    res.json({ experts: experts.map(view) });
  });

  route(router, {
    method: 'post', path: '/experts', auth: 'bearer', roles: ['provinceOfficer'], body: newExpertSchema, errors: [403, 409, 422],
    summary: 'Add an expert to the pool; idempotent by the client’s requestId (the same requestId again answers the expert it added, 200, and records nothing)',
    responses: {
      201: { description: 'added', schema: expertView },
      200: { description: 'the same requestId again: the expert it added (as it is now), nothing recorded twice', schema: expertView },
    },
  }, async (req, res) => {
    attempt(req, { subjectType: 'expert', subjectId: 'new', action: 'addExpert' });
    const { reason, requestId, ...body } = parseBody(newExpertSchema, req.body);
    const id = randomUUID();
    const { status, expert } = await acts.act({
      req, id: requestId, idField: 'requestId', action: 'expertAdded', recordedAs: addedActId(requestId),
      // The log keeps no mail address: the rest of what was added must be the same.
      isSame: ([row]) => {
        const was = (row!.payload ?? {}) as Partial<Record<'name' | 'fields' | 'region' | 'active', unknown>>;
        return row!.action === 'expertAdded' && was.name === body.name && JSON.stringify(was.fields) === JSON.stringify(body.fields) && (was.region ?? null) === body.region && was.active === body.active;
      },
      // A concurrent request with the same requestId recorded its expert first: that one is the answer.
      answerRecorded: async ([row]) => ({ status: row!.subjectId === id ? 201 : 200, expert: await deps.db.expert.findUniqueOrThrow({ where: { id: row!.subjectId } }) }),
      via: {
        apply: () => recordAct(deps.db, {
          audit: { ...appliedByApi(req.actor!, { subjectType: 'expert', subjectId: id, action: 'expertAdded', payload: withoutEmail(body), reason }), decisionId: addedActId(requestId) },
          changes: [{ kind: 'expertAdded', id, data: body }],
        }),
      },
    });
    res.status(status).json(view(expert));
  });

  route(router, {
    method: 'patch', path: '/experts/:id', summary: 'Change an expert (fields, region, active); idempotent by the client’s requestId (the same requestId again answers the expert and records nothing)', auth: 'bearer', roles: ['provinceOfficer'], body: expertPatchSchema, errors: [403, 409, 422],
    responses: { 200: { description: 'changed (or the same requestId again): the expert as it is', schema: expertView } },
  }, async (req, res) => {
    const id = String(req.params.id);
    attempt(req, { subjectType: 'expert', subjectId: id.slice(0, 200), action: 'changeExpert' });
    const { reason, requestId, ...body } = parseBody(expertPatchSchema, req.body);
    if (!(await deps.db.expert.findUnique({ where: { id } }))) throw notFound();
    const payload = withoutEmail(body);
    // Deactivating is a change like another: the audit entry says which fields became what.
    const action = body.active === false ? 'expertDeactivated' : 'expertUpdated';
    const expert = await acts.act({
      req, id: requestId, idField: 'requestId', action,
      isSame: ([row]) => row!.subjectType === 'expert' && row!.subjectId === id && row!.action === action && canonical(row!.payload) === canonical(payload),
      answerRecorded: () => deps.db.expert.findUniqueOrThrow({ where: { id } }),
      via: {
        apply: () => recordAct(deps.db, {
          audit: { ...appliedByApi(req.actor!, { subjectType: 'expert', subjectId: id, action, payload, reason }), decisionId: requestId },
          changes: [{ kind: 'expertChanged', id, data: body }],
        }),
      },
    });
    res.json(view(expert));
  });

  return router;
}

// The expert pool (专家库, Art. 25), kept by the province. An expert signs in
// with `sub` = the expert's id; their region is what Art. 26 conflicts
// are checked against.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { recordAct } from '../activities/record-act';
import type { Db } from '../infra/database';
import { appliedByApi } from './acts';
import { attempt } from './audit-refusals';
import { notFound } from './errors';
import { route } from './openapi';
import { parseBody } from './validation';
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
const expertPatchSchema = expertSchema
  .extend({ fields: expertSchema.shape.fields.unwrap(), region: expertSchema.shape.region.unwrap(), active: expertSchema.shape.active.unwrap() })
  .partial()
  .refine((v) => Object.keys(v).some((k) => k !== 'reason'), '至少修改一项');

const expertView = z.looseObject({ id: z.string(), name: z.string(), email: z.string(), fields: z.array(z.string()), region: z.string().nullable(), regionZh: z.string().nullable(), active: z.boolean() });

const view = (e: { id: string; name: string; email: string; fields: string[]; region: string | null; active: boolean }) => ({
  id: e.id, name: e.name, email: e.email, fields: e.fields, region: e.region, regionZh: e.region ? regionPathZh(e.region) : null, active: e.active,
});

/** The audit log cannot be edited: an expert's mail address stays out of it (whether it changed is enough). */
const withoutEmail = ({ email, ...rest }: { email?: string | undefined } & Record<string, unknown>) => ({ ...rest, ...(email !== undefined ? { emailChanged: true } : {}) });

export function expertsRouter(deps: { db: Db }): Router {
  const router = Router();
  // Only the province keeps the pool: `roles` below is enforced by route() (403 for anyone else).
  route(router, {
    method: 'get', path: '/experts', summary: 'The expert pool (Art. 25)', auth: 'bearer', roles: ['provinceOfficer'], errors: [403],
    responses: { 200: { description: 'every expert', schema: z.looseObject({ experts: z.array(expertView) }) } },
  }, async (_req, res) => {
    const experts = await deps.db.expert.findMany({ orderBy: { createdAt: 'asc' } });
    res.json({ experts: experts.map(view) });
  });

  route(router, {
    method: 'post', path: '/experts', summary: 'Add an expert to the pool', auth: 'bearer', roles: ['provinceOfficer'], body: expertSchema, errors: [403, 422],
    responses: { 201: { description: 'added', schema: expertView } },
  }, async (req, res) => {
    attempt(req, { subjectType: 'expert', subjectId: 'new', action: 'addExpert' });
    const { reason, ...body } = parseBody(expertSchema, req.body);
    const id = randomUUID();
    await recordAct(deps.db, { audit: appliedByApi(req.actor!, { subjectType: 'expert', subjectId: id, action: 'expertAdded', payload: withoutEmail(body), reason }), changes: [{ kind: 'expertAdded', id, data: body }] });
    res.status(201).json(view(await deps.db.expert.findUniqueOrThrow({ where: { id } })));
  });

  route(router, {
    method: 'patch', path: '/experts/:id', summary: 'Change an expert (fields, region, active)', auth: 'bearer', roles: ['provinceOfficer'], body: expertPatchSchema, errors: [403, 422],
    responses: { 200: { description: 'changed', schema: expertView } },
  }, async (req, res) => {
    const id = String(req.params.id);
    attempt(req, { subjectType: 'expert', subjectId: id, action: 'changeExpert' });
    const { reason, ...body } = parseBody(expertPatchSchema, req.body);
    if (!(await deps.db.expert.findUnique({ where: { id } }))) throw notFound();
    // Deactivating is a change like another: the audit entry says which fields became what.
    await recordAct(deps.db, {
      audit: appliedByApi(req.actor!, { subjectType: 'expert', subjectId: id, action: body.active === false ? 'expertDeactivated' : 'expertUpdated', payload: withoutEmail(body), reason }),
      changes: [{ kind: 'expertChanged', id, data: body }],
    });
    res.json(view(await deps.db.expert.findUniqueOrThrow({ where: { id } })));
  });

  return router;
}

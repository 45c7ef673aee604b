// The expert pool (专家库, Art. 25), kept by the province. An expert signs in
// with `sub` = the expert's id; their prefecture is what Art. 26 conflicts
// are checked against.
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../infra/database';
import { forbidden, notFound } from './errors';
import { parseBody } from './validation';

const prefectureCode = z.string().regex(/^52\d{4}$/, '须为贵州省市（州）行政区划代码，如 520300');

const expertSchema = z.object({
  name: z.string().trim().min(1).max(100),
  email: z.email(),
  fields: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
  prefecture: prefectureCode.nullable().default(null),
  active: z.boolean().default(true),
});
const expertPatchSchema = expertSchema.partial().refine((v) => Object.keys(v).length > 0, '至少修改一项');

const view = (e: { id: string; name: string; email: string; fields: string[]; prefecture: string | null; active: boolean }) => ({
  id: e.id, name: e.name, email: e.email, fields: e.fields, prefecture: e.prefecture, active: e.active,
});

export function expertsRouter(deps: { db: Db }): Router {
  const router = Router();
  router.use('/experts', (req, _res, next) => {
    next(req.actor?.role === 'provinceOfficer' ? undefined : forbidden('专家库由省生态环境厅管理'));
  });

  router.get('/experts', async (_req, res) => {
    const experts = await deps.db.expert.findMany({ orderBy: { createdAt: 'asc' } });
    res.json({ experts: experts.map(view) });
  });

  router.post('/experts', async (req, res) => {
    const body = parseBody(expertSchema, req.body);
    const expert = await deps.db.expert.create({ data: body });
    res.status(201).json(view(expert));
  });

  router.patch('/experts/:id', async (req, res) => {
    const body = parseBody(expertPatchSchema, req.body);
    const id = String(req.params.id);
    if (!(await deps.db.expert.findUnique({ where: { id } }))) throw notFound();
    res.json(view(await deps.db.expert.update({ where: { id }, data: body })));
  });

  return router;
}

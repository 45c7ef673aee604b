// GET /api/dashboard: the province at a glance (issue 17.4, docs/DASHBOARD.md).
// The province sees all of it and drills down to a prefecture and a county; a
// prefecture officer sees their own prefecture (another one is refused, 403).
// Every figure is an aggregate query (api/dashboard-queries.ts); this module
// only names what they return.
import { Router } from 'express';
import { z } from 'zod';
import { loadDbCalendar } from '../activities/calendar';
import { breakdownLevel, dashboardHorizons, resolveDashboardScope, scopeZh, type DashboardScope } from '../domain/dashboard';
import { cstDateOf } from '../domain/dates';
import { INDICATORS } from '../domain/ls-index/catalogue';
import { baseStatusZh, officeZh, stageZh } from '../domain/names';
import { prefectureName } from '../domain/prefectures';
import { regionZh } from '../domain/regions';
import type { Actor } from '../domain/roles';
import type { Db } from '../infra/database';
import { applicationsByYearAndStage, areas, basesByStatus, heat, tasksByOffice, titlesAndEvaluations, trends, type BreakdownLevel } from './dashboard-queries';
import { attempt } from './audit-refusals';
import { route } from './openapi';
import { domainRefusalToHttp } from './refusals';
import { parseBody } from './validation';

const code = z.string().regex(/^52\d{4}$/, '须为6位行政区划代码');
const querySchema = z.strictObject({
  prefecture: code.optional().meta({ description: 'A prefecture’s code: the province drills down to it; a prefecture officer may name only their own' }),
  county: code.optional().meta({ description: 'A county’s code (within the prefecture, if one is named): the bases placed in it by their unit’s name' }),
});

const count = z.number().int();
const dashboardSchema = z.looseObject({
  scope: z.looseObject({ prefecture: z.string().nullable(), county: z.string().nullable(), zh: z.string(), breakdown: z.enum(['prefecture', 'county', 'base']) }),
  horizons: z.looseObject({ today: z.string(), dueSoonDate: z.string(), lookaheadUntil: z.string(), provisional: z.boolean() }),
  applications: z.array(z.looseObject({ year: count, stage: z.string(), stageZh: z.string(), count })),
  bases: z.array(z.looseObject({ status: z.string(), statusZh: z.string(), count })),
  tasks: z.array(z.looseObject({ officeZh: z.string(), overdue: count, dueSoon: count })),
  titles: z.looseObject({ lapsing: count, evaluationsOpen: count, evaluationsOpening: count }),
  areas: z.array(z.looseObject({ key: z.string(), zh: z.string(), bases: count, held: count, lapsing: count, evaluationsOpen: count, evaluationsOpening: count, overdueTasks: count })),
  heat: z.looseObject({
    indicators: z.array(z.looseObject({ id: z.string(), zh: z.string(), targetZh: z.string() })),
    rows: z.array(z.looseObject({ key: z.string(), zh: z.string(), held: count, evaluated: count, cells: z.array(z.looseObject({ indicator: z.string(), met: count, notMet: count, noData: count })) })),
  }),
  trends: z.array(z.looseObject({ indicator: z.string(), zh: z.string(), valueKind: z.string(), points: z.array(z.looseObject({ year: count, mean: z.number().nullable(), bases: count })) })),
});
export type DashboardView = z.infer<typeof dashboardSchema>;

const UNPLACED_ZH = '未对应到县（市、区）';

/** A key of the breakdown in words. */
function keyZh(level: BreakdownLevel, key: string, names: ReadonlyMap<string, string | null>): string {
  if (level === 'prefecture') return prefectureName(key);
  if (level === 'county') return key ? regionZh(key) : UNPLACED_ZH;
  return names.get(key) ?? '基地';
}

/** Every figure of the dashboard for a scope, as the route answers it. */
export async function dashboardOf(db: Db, scope: DashboardScope, now: Date): Promise<DashboardView> {
  const h = dashboardHorizons(await loadDbCalendar(db), cstDateOf(now));
  const level = breakdownLevel(scope);
  const [apps, bases, tasks, titles, area, heatRows, trendRows] = await Promise.all([
    applicationsByYearAndStage(db, scope),
    basesByStatus(db, scope),
    tasksByOffice(db, scope, now, h),
    titlesAndEvaluations(db, scope, h),
    areas(db, scope, level, now, h),
    heat(db, scope, level),
    trends(db, scope),
  ]);
  const names = new Map(area.map((a) => [a.key, a.name]));
  const catalogue = INDICATORS.map((i) => ({ id: i.id, zh: i.zh, targetZh: i.targetZh }));
  return {
    scope: { prefecture: scope.prefecture, county: scope.county, zh: scopeZh(scope), breakdown: level },
    horizons: { today: h.today, dueSoonDate: h.dueSoonDate, lookaheadUntil: h.lookaheadUntil, provisional: h.provisional },
    applications: apps.map((a) => ({ ...a, stageZh: stageZh(a.stage) })),
    bases: bases.map((b) => ({ ...b, statusZh: baseStatusZh(b.status) })),
    // Offices in a stable order: the province first, then prefectures by code, then the other roles.
    tasks: tasks.map((t) => ({ ...t, officeZh: officeZh(t.role, t.prefecture) })),
    titles,
    areas: area.map(({ name: _name, ...a }) => ({ ...a, zh: keyZh(level, a.key, names) })),
    heat: {
      indicators: catalogue,
      rows: heatRows.map((r) => {
        // A base holding the title without a verdict on an indicator (no data in its term) counts as no data.
        const cells = catalogue.map((i) => {
          const c = r.cells.find((x) => x.indicator === i.id) ?? { met: 0, notMet: 0, noData: 0 };
          return { indicator: i.id, met: c.met, notMet: c.notMet, noData: r.held - c.met - c.notMet };
        });
        return { key: r.key, zh: keyZh(level, r.key, names), held: r.held, evaluated: r.evaluated, cells };
      }),
    },
    trends: INDICATORS.map((i) => ({
      indicator: i.id,
      zh: i.zh,
      valueKind: i.valueKind,
      points: trendRows.filter((t) => t.indicator === i.id).map((t) => ({ year: t.year, mean: t.mean, bases: t.bases })),
    })),
  };
}

export function dashboardRouter(deps: { db: Db; clock: () => Date }): Router {
  const router = Router();
  route(router, {
    method: 'get', path: '/dashboard', auth: 'bearer', roles: ['provinceOfficer', 'prefectureOfficer'], query: querySchema, errors: [403, 422],
    summary: 'The province (or a prefecture, or a county) at a glance: applications by year and stage, bases by status, tasks overdue and due within 10 working days by office, titles lapsing and post-evaluations due within six months, the 两山指数 heat table and trends',
    responses: { 200: { description: 'the figures of the scope, with the breakdown one level down', schema: dashboardSchema } },
  }, async (req, res) => {
    attempt(req, { subjectType: 'route', subjectId: '/api/dashboard', action: 'readDashboard' });
    const query = parseBody(querySchema, req.query);
    const scope = resolveDashboardScope(req.actor as Actor, query);
    if ('kind' in scope) throw domainRefusalToHttp(scope);
    res.json(await dashboardOf(deps.db, scope, deps.clock()));
  });
  return router;
}

// The dashboard's figures (docs/DASHBOARD.md), each one aggregate query over
// the read model: PostgreSQL counts and groups, and only the grouped rows come
// back (a few hundred at most), never the rows of a table. Raw SQL rather
// than Prisma's groupBy because the figures group by a prefecture inside an
// array (unnest), by a county matched from the unit's name, and by the
// verdicts inside the stored 两山指数 evaluation (jsonb), none of which
// groupBy can say. Tables and columns are Prisma's (prisma/schema.prisma).
import { Prisma } from '../generated/prisma/client';
import { countiesForMatching, type DashboardHorizons, type DashboardScope } from '../domain/dashboard';
import { INDICATORS } from '../domain/ls-index/catalogue';
import { verdictPosition } from '../domain/ls-index/verdict-line';
import { TITLE_HELD_STATUSES } from '../domain/stages';
import type { Db } from '../infra/database';

/** The level the breakdown and the heat table are by. */
export type BreakdownLevel = 'prefecture' | 'county' | 'base';

export interface DashboardCounts {
  applications: { year: number; stage: string; count: number }[];
  bases: { status: string; count: number }[];
  tasks: { role: string; prefecture: string | null; overdue: number; dueSoon: number }[];
  titles: { lapsing: number; evaluationsOpen: number; evaluationsOpening: number };
  /** Per key of the breakdown: the bases, those holding the title, lapsing within six months, with a post-evaluation open or opening. */
  areas: { key: string; name: string | null; bases: number; held: number; lapsing: number; evaluationsOpen: number; evaluationsOpening: number; overdueTasks: number }[];
  /** Per key of the breakdown and catalogue indicator: how many title-holding bases met it, did not, or had no verdict, by the stored evaluation. */
  heat: { key: string; held: number; evaluated: number; cells: { indicator: string; met: number; notMet: number; noData: number }[] }[];
  /** Per indicator and data year: the mean of the values the bases in scope reported, and how many reported. */
  trends: { indicator: string; year: number; mean: number | null; bases: number }[];
}

const HELD = [...TITLE_HELD_STATUSES] as string[];

/**
 * The county a row's unit lies in, by the rule of domain/dashboard.ts
 * countyOfUnitName: the longest name of the prefecture's counties that the
 * unit's name contains; NULL when none is named (or outside a prefecture).
 */
function countyOf(unitName: Prisma.Sql, prefecture: string | null): Prisma.Sql {
  const counties = countiesForMatching(prefecture);
  if (counties.length === 0) return Prisma.sql`NULL::text`;
  return Prisma.sql`(SELECT c.code FROM unnest(${counties.map((c) => c.code)}::text[], ${counties.map((c) => c.zh)}::text[]) AS c(code, name)
    WHERE position(c.name in ${unitName}) > 0 ORDER BY length(c.name) DESC LIMIT 1)`;
}

/** Rows of a table with `prefectures` and `unitName` (alias `t`) inside the scope. */
function inScope(scope: DashboardScope, alias: string): Prisma.Sql {
  const t = Prisma.raw(`"${alias}"`);
  const parts: Prisma.Sql[] = [];
  if (scope.prefecture) parts.push(Prisma.sql`${t}."prefectures" @> ARRAY[${scope.prefecture}]::text[]`);
  if (scope.county) parts.push(Prisma.sql`${countyOf(Prisma.sql`${t}."unitName"`, scope.prefecture)} = ${scope.county}`);
  return parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`;
}

/**
 * Every base in scope with its key in the breakdown: a prefecture of its unit
 * (a cross-prefecture base is under each of its prefectures), the county its
 * name places it in ('' when none), or itself.
 */
function keyedBases(scope: DashboardScope, level: BreakdownLevel): Prisma.Sql {
  const where = inScope(scope, 'b');
  switch (level) {
    case 'prefecture':
      return Prisma.sql`SELECT b."id", p AS "key", b."unitName" AS "name", b."status", b."termEndsOn" FROM "Base" b, unnest(b."prefectures") AS p WHERE ${where}`;
    case 'county':
      return Prisma.sql`SELECT b."id", COALESCE(${countyOf(Prisma.sql`b."unitName"`, scope.prefecture)}, '') AS "key", b."unitName" AS "name", b."status", b."termEndsOn" FROM "Base" b WHERE ${where}`;
    case 'base':
      return Prisma.sql`SELECT b."id", b."id" AS "key", b."unitName" AS "name", b."status", b."termEndsOn" FROM "Base" b WHERE ${where}`;
  }
}

export async function applicationsByYearAndStage(db: Db, scope: DashboardScope): Promise<DashboardCounts['applications']> {
  return db.$queryRaw`
    SELECT a."year", a."stage", count(*)::int AS "count" FROM "Application" a
    WHERE ${inScope(scope, 'a')} GROUP BY a."year", a."stage" ORDER BY a."year" DESC, a."stage"`;
}

export async function basesByStatus(db: Db, scope: DashboardScope): Promise<DashboardCounts['bases']> {
  return db.$queryRaw`SELECT b."status", count(*)::int AS "count" FROM "Base" b WHERE ${inScope(scope, 'b')} GROUP BY b."status" ORDER BY b."status"`;
}

/**
 * Open tasks overdue or due within the horizon, by the office that holds them
 * (role and prefecture). In a prefecture or county, the tasks on its
 * applications and bases, whoever holds them.
 */
export async function tasksByOffice(db: Db, scope: DashboardScope, now: Date, h: DashboardHorizons): Promise<DashboardCounts['tasks']> {
  const counts = Prisma.sql`t."role", t."prefecture", count(*) FILTER (WHERE t."dueAt" < ${now})::int AS "overdue",
    count(*) FILTER (WHERE t."dueAt" >= ${now})::int AS "dueSoon"`;
  const due = Prisma.sql`t."status" = 'open' AND t."dueAt" <= ${new Date(h.dueSoonBy)}`;
  if (!scope.prefecture) {
    return db.$queryRaw`SELECT ${counts} FROM "Task" t WHERE ${due} GROUP BY t."role", t."prefecture" ORDER BY t."role", t."prefecture"`;
  }
  return db.$queryRaw`
    SELECT ${counts} FROM "Task" t
    LEFT JOIN "Application" a ON t."subjectType" = 'application' AND a."id" = t."subjectId"
    LEFT JOIN "Base" b ON t."subjectType" = 'base' AND b."id" = t."subjectId"
    WHERE ${due} AND ((a."id" IS NOT NULL AND ${inScope(scope, 'a')}) OR (b."id" IS NOT NULL AND ${inScope(scope, 'b')}))
    GROUP BY t."role", t."prefecture" ORDER BY t."role", t."prefecture"`;
}

/** Titles lapsing within six months, post-evaluations open (a 后评估 task waiting for the province) and opening within six months. */
export async function titlesAndEvaluations(db: Db, scope: DashboardScope, h: DashboardHorizons): Promise<DashboardCounts['titles']> {
  const [row] = await db.$queryRaw<DashboardCounts['titles'][]>`
    SELECT
      count(*) FILTER (WHERE b."termEndsOn" >= ${h.today} AND b."termEndsOn" <= ${h.lookaheadUntil})::int AS "lapsing",
      (SELECT count(*) FROM "Task" t JOIN "Base" b2 ON b2."id" = t."subjectId"
        WHERE t."subjectType" = 'base' AND t."step" = 'postEvaluation' AND t."status" = 'open' AND ${inScope(scope, 'b2')})::int AS "evaluationsOpen",
      count(*) FILTER (WHERE b."termEndsOn" > ${h.evaluationOpenTermEnd} AND b."termEndsOn" <= ${h.evaluationOpensByTermEnd})::int AS "evaluationsOpening"
    FROM "Base" b WHERE b."status" = ANY(${HELD}::text[]) AND ${inScope(scope, 'b')}`;
  return row ?? { lapsing: 0, evaluationsOpen: 0, evaluationsOpening: 0 };
}

/** The breakdown one level down: per prefecture, county or base. */
export async function areas(db: Db, scope: DashboardScope, level: BreakdownLevel, now: Date, h: DashboardHorizons): Promise<DashboardCounts['areas']> {
  return db.$queryRaw`
    WITH k AS (${keyedBases(scope, level)}),
    -- The open tasks of bases, once per base: a hash join below rather than a look-up per base.
    open_tasks AS (
      SELECT t."subjectId", bool_or(t."step" = 'postEvaluation') AS "evaluating", count(*) FILTER (WHERE t."dueAt" < ${now}) AS "overdue"
      FROM "Task" t WHERE t."subjectType" = 'base' AND t."status" = 'open' GROUP BY t."subjectId"
    )
    SELECT k."key", CASE WHEN ${level === 'base'}::boolean THEN min(k."name") END AS "name",
      count(*)::int AS "bases",
      count(*) FILTER (WHERE k."status" = ANY(${HELD}::text[]))::int AS "held",
      count(*) FILTER (WHERE k."status" = ANY(${HELD}::text[]) AND k."termEndsOn" >= ${h.today} AND k."termEndsOn" <= ${h.lookaheadUntil})::int AS "lapsing",
      count(*) FILTER (WHERE k."status" = ANY(${HELD}::text[]) AND o."evaluating")::int AS "evaluationsOpen",
      count(*) FILTER (WHERE k."status" = ANY(${HELD}::text[]) AND k."termEndsOn" > ${h.evaluationOpenTermEnd} AND k."termEndsOn" <= ${h.evaluationOpensByTermEnd})::int AS "evaluationsOpening",
      COALESCE(sum(o."overdue"), 0)::int AS "overdueTasks"
    FROM k LEFT JOIN open_tasks o ON o."subjectId" = k."id" GROUP BY k."key" ORDER BY k."key" LIMIT 500`;
}

/**
 * The 两山指数 heat table: for each title-holding base in scope, the verdicts
 * of the evaluation stored with its latest indicator data of the current term
 * (computed by domain/ls-index when the data was submitted, the same that
 * GET /api/bases/:id/evaluation computes), counted per key and indicator.
 * The verdicts are read from their one-character-per-indicator line
 * (BaseIndicatorData.verdicts, domain/ls-index/verdict-line.ts): three
 * counts per indicator over one row per base, rather than unpacking every
 * stored evaluation's JSON (which took 300 ms at 10,000 bases).
 * A base without data in its term has no verdict: no data for every indicator.
 */
export async function heat(db: Db, scope: DashboardScope, level: BreakdownLevel): Promise<DashboardCounts['heat']> {
  const counts = INDICATORS.map((d, i) => {
    const at = verdictPosition(d.id);
    return Prisma.sql`count(*) FILTER (WHERE substr(l."verdicts", ${at}::int, 1) = 'M')::int AS ${Prisma.raw(`"m${i}"`)},
      count(*) FILTER (WHERE substr(l."verdicts", ${at}::int, 1) = 'N')::int AS ${Prisma.raw(`"x${i}"`)}`;
  });
  const rows = await db.$queryRaw<Record<string, number | string>[]>`
    WITH k AS (${keyedBases(scope, level)}),
    held AS (SELECT k."id", k."key", b."termStartsOn", b."termEndsOn" FROM k JOIN "Base" b ON b."id" = k."id" WHERE k."status" = ANY(${HELD}::text[])),
    latest AS (
      SELECT DISTINCT ON (d."baseId") d."baseId", d."verdicts" FROM "BaseIndicatorData" d JOIN held h ON h."id" = d."baseId"
      WHERE d."year" BETWEEN left(h."termStartsOn", 4)::int AND left(h."termEndsOn", 4)::int AND d."verdicts" IS NOT NULL
      ORDER BY d."baseId", d."submittedAt" DESC
    )
    SELECT held."key", count(*)::int AS "held", count(l."baseId")::int AS "evaluated", ${Prisma.join(counts, ', ')}
    FROM held LEFT JOIN latest l ON l."baseId" = held."id" GROUP BY held."key" ORDER BY held."key" LIMIT 1000`;
  return rows.map((r) => {
    const evaluated = Number(r.evaluated);
    return {
      key: String(r.key),
      held: Number(r.held),
      evaluated,
      // A base with no evaluation has no cells (as before): cells count the evaluated bases only.
      cells: evaluated === 0 ? [] : INDICATORS.map((d, i) => {
        const met = Number(r[`m${i}`]);
        const notMet = Number(r[`x${i}`]);
        return { indicator: d.id, met, notMet, noData: evaluated - met - notMet };
      }),
    };
  });
}

/** The SQL type each catalogue indicator's value is read as: validated on submission (domain/ls-index/values.ts), so the types hold. */
const SQL_TYPE: Readonly<Record<string, string>> = { ratio: 'float8', quantity: 'float8', boolean: 'boolean', areaPair: 'jsonb' };

/** One indicator's value as a number: a ratio or quantity as it is, yes/no as 1/0, indicator 9 by its red-line area. */
function valueOf(column: Prisma.Sql, kind: string): Prisma.Sql {
  if (kind === 'boolean') return Prisma.sql`CASE WHEN ${column} THEN 1 WHEN NOT ${column} THEN 0 END`;
  if (kind === 'areaPair') return Prisma.sql`CASE WHEN jsonb_typeof(${column}->'redLine') = 'number' THEN (${column}->>'redLine')::float8 END`;
  return column;
}

/**
 * Per indicator and data year, the mean of the values reported by the bases
 * in scope (a ratio as a fraction, yes/no as the share of yes, indicator 9 by
 * its red-line area), for the trend charts: one pass over the rows, each
 * row's values parsed once into typed columns (jsonb_to_record), grouped by
 * year, two aggregates per catalogue indicator.
 */
export async function trends(db: Db, scope: DashboardScope): Promise<DashboardCounts['trends']> {
  const record = Prisma.raw(INDICATORS.map((d) => `"${d.id}" ${SQL_TYPE[d.valueKind] ?? 'float8'}`).join(', '));
  const columns = INDICATORS.map((d, i) => {
    const v = valueOf(Prisma.raw(`r."${d.id}"`), d.valueKind);
    return Prisma.sql`avg(${v})::float8 AS ${Prisma.raw(`"m${i}"`)}, count(${v})::int AS ${Prisma.raw(`"n${i}"`)}`;
  });
  const rows = await db.$queryRaw<Record<string, number | null>[]>`
    SELECT x."year", ${Prisma.join(columns, ', ')}
    FROM "BaseIndicatorData" x JOIN "Base" b ON b."id" = x."baseId",
      jsonb_to_record(CASE WHEN jsonb_typeof(x."values"->'values') = 'object' THEN x."values"->'values' ELSE '{}'::jsonb END) AS r(${record})
    WHERE ${inScope(scope, 'b')} GROUP BY x."year" ORDER BY x."year" LIMIT 200`;
  return INDICATORS.flatMap((d, i) =>
    rows.filter((r) => (r[`n${i}`] ?? 0) > 0).map((r) => ({ indicator: d.id, year: r.year as number, mean: r[`m${i}`] ?? null, bases: r[`n${i}`] as number })),
  );
}

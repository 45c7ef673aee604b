// Dashboard queries (issue 17.4): 10,000 bases with their applications,
// tasks and indicator data written straight into an embedded PostgreSQL
// (migrated as it ships, indexes included), then each aggregate query of
// api/dashboard-queries.ts timed at the province, a prefecture (遵义市) and a
// county (赤水市): median and p95 over repeated runs, and the whole dashboard
// (all of them at once, as GET /api/dashboard runs them). No Temporal: the
// dashboard reads the read model only.
//
//   npx tsx bench/dashboard.ts            # 10,000 bases, 30 runs per query
//   npx tsx bench/dashboard.ts --smoke    # 500 bases, 5 runs: checks that it runs
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dashboardOf } from '../api/dashboard';
import { applicationsByYearAndStage, areas, basesByStatus, heat, tasksByOffice, titlesAndEvaluations, trends } from '../api/dashboard-queries';
import { loadDbCalendar } from '../activities/calendar';
import { breakdownLevel, dashboardHorizons, type DashboardScope } from '../domain/dashboard';
import { addDays, cstDateOf } from '../domain/dates';
import { titleTerm } from '../domain/deadlines';
import { INDICATORS } from '../domain/ls-index/catalogue';
import { PREFECTURE_CODES } from '../domain/prefectures';
import { countiesOf } from '../domain/regions';
import { createDb, type Db } from '../infra/database';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { applyMigrations } from '../infra/migrate';
import { freePort } from '../infra/ports';
import { seed } from '../prisma/seed';
import { verdictLine } from '../domain/ls-index/verdict-line';

const smoke = process.argv.includes('--smoke');
const BASES = smoke ? 500 : 10_000;
const RUNS = smoke ? 5 : 30;
const NOW = new Date('2027-03-10T10:00:00+08:00');

/** A deterministic pseudo-random sequence, so two runs seed the same province. */
let state = 20_270_310;
const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const STATUSES: [string, number][] = [['named', 0.55], ['renewed', 0.2], ['warned', 0.05], ['underRectification', 0.05], ['revoked', 0.05], ['expired', 0.1]];
function status(): string {
  let r = random();
  for (const [s, share] of STATUSES) if ((r -= share) < 0) return s;
  return 'named';
}
const STAGES = ['prefectureReview', 'prefectureNotice', 'prefectureRecommendation', 'expertAssignment', 'expertReview', 'reviewConclusion', 'selection', 'provinceNotice', 'naming', 'rejected', 'withdrawn'];
const RESULTS = ['met', 'met', 'met', 'notMet', 'noData'] as const;

/**
 * The province in the proportions of a few years' running: per base its named
 * application, plus one open or ended application in two; an open task on one
 * base in three (some overdue) and on every open application; three years of
 * indicator data for two bases in three, each with its stored evaluation.
 */
async function seedProvince(db: Db): Promise<{ tasks: number; applications: number; indicatorRows: number }> {
  const today = cstDateOf(NOW);
  const bases = [];
  const applications = [];
  const tasks = [];
  const data = [];
  for (let i = 0; i < BASES; i++) {
    const prefecture = pick(PREFECTURE_CODES);
    const county = pick(countiesOf(prefecture));
    const cross = random() < 0.05;
    const prefectures = cross ? [prefecture, pick(PREFECTURE_CODES.filter((p) => p !== prefecture))] : [prefecture];
    const unitName = cross ? `${county.zh}跨区流域${i}` : random() < 0.3 ? `${county.zh}第${i}镇` : random() < 0.05 ? `生态园区${i}` : county.zh;
    const namedOn = addDays(today, -Math.floor(random() * 3 * 365));
    const term = titleTerm(namedOn);
    const id = `bench-base-${i}`;
    const s = status();
    bases.push({ id, workflowId: `base-${id}`, unitName, unitType: 'county', prefectures, applicantSub: `applicant-${i}`, contactEmail: `b${i}@unit.example`, status: s, namedOn, termStartsOn: namedOn, termEndsOn: term.endsOn });
    applications.push({ id, workflowId: `application-${id}`, year: Number(namedOn.slice(0, 4)) - 1, unitName, unitType: 'county', prefectures, applicantName: `${unitName}人民政府`, applicantSub: `applicant-${i}`, contactEmail: `b${i}@unit.example`, materials: [], stage: 'named', submittedAt: NOW });
    if (random() < 0.5) {
      const appId = `bench-app-${i}`;
      const stage = pick(STAGES);
      applications.push({ id: appId, workflowId: `application-${appId}`, year: 2027, unitName: `${unitName}二期`, unitType: 'county', prefectures, applicantName: `${unitName}人民政府`, applicantSub: `applicant-${i}`, contactEmail: `b${i}@unit.example`, materials: [], stage, submittedAt: NOW });
      const open = !['rejected', 'withdrawn'].includes(stage);
      tasks.push({ id: `${appId}:${stage}:1`, workflowId: `application-${appId}`, subjectType: 'application', subjectId: appId, applicationId: appId, step: stage, role: stage.startsWith('prefecture') ? 'prefectureOfficer' : 'provinceOfficer', prefecture: stage.startsWith('prefecture') ? prefecture : null, dueAt: new Date(NOW.getTime() + (random() * 40 - 10) * 86_400_000), status: open ? 'open' : 'done' });
    }
    if (random() < 0.33) tasks.push({ id: `${id}:annualSummary.2026:1`, workflowId: `base-${id}`, subjectType: 'base', subjectId: id, applicationId: null, step: random() < 0.3 ? 'postEvaluation' : 'annualSummary.2026', role: 'prefectureOfficer', prefecture, dueAt: new Date(NOW.getTime() + (random() * 40 - 20) * 86_400_000), status: 'open' });
    // Closed tasks of the years before: most rows of the table, none of the figures.
    for (let n = 0; n < 3; n++) tasks.push({ id: `${id}:closed:${n}`, workflowId: `base-${id}`, subjectType: 'base', subjectId: id, applicationId: null, step: `annualSummary.${2024 + n}`, role: 'prefectureOfficer', prefecture, dueAt: new Date(NOW.getTime() - (n + 1) * 300 * 86_400_000), status: 'done' });
    if (random() < 0.67) {
      const from = Number(namedOn.slice(0, 4));
      for (let year = from; year < 2027; year++) {
        const values: Record<string, unknown> = Object.fromEntries(INDICATORS.map((d) => [d.id, d.valueKind === 'boolean' ? random() < 0.7 : d.valueKind === 'areaPair' ? { redLine: 100 + random() * 50, protectedArea: 80 } : random()]));
        const evaluation = { indicators: INDICATORS.map((d) => ({ id: d.id, zh: d.zh, result: pick(RESULTS), reasonZh: '基准测试', custom: false })) };
        data.push({ baseId: id, year, values: JSON.parse(JSON.stringify({ values })) as object, evaluation, verdicts: verdictLine(evaluation), submittedBy: `applicant-${i}`, submittedAt: new Date(Date.UTC(year + 1, 0, 15)) });
      }
    }
  }
  const chunks = async <T>(rows: T[], write: (chunk: T[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += 1000) await write(rows.slice(i, i + 1000));
  };
  await chunks(bases, (c) => db.base.createMany({ data: c }));
  await chunks(applications, (c) => db.application.createMany({ data: c }));
  await chunks(tasks, (c) => db.task.createMany({ data: c }));
  await chunks(data, (c) => db.baseIndicatorData.createMany({ data: c }));
  await db.$executeRawUnsafe('ANALYZE');
  return { tasks: tasks.length, applications: applications.length, indicatorRows: data.length };
}

async function time(run: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 3; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!;
  return { median: Number(at(0.5).toFixed(1)), p95: Number(at(0.95).toFixed(1)) };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'liangshan-bench-dashboard-'));
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), persistent: false });
  await pg.createDatabase('bench');
  const url = pg.urlFor('bench');
  await applyMigrations(url);
  const db = createDb(url);
  try {
    await seed(db);
    const started = performance.now();
    const seeded = await seedProvince(db);
    console.log(`seeded ${BASES} bases, ${seeded.applications} applications, ${seeded.tasks} tasks, ${seeded.indicatorRows} indicator-data rows in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const h = dashboardHorizons(await loadDbCalendar(db), cstDateOf(NOW));
    const scopes: [string, DashboardScope][] = [['全省', { prefecture: null, county: null }], ['遵义市', { prefecture: '520300', county: null }], ['赤水市', { prefecture: '520300', county: '520381' }]];
    const figures: Record<string, Record<string, { median: number; p95: number }>> = {};
    for (const [name, scope] of scopes) {
      const level = breakdownLevel(scope);
      const queries: [string, () => Promise<unknown>][] = [
        ['applications by year and stage', () => applicationsByYearAndStage(db, scope)],
        ['bases by status', () => basesByStatus(db, scope)],
        ['tasks by office', () => tasksByOffice(db, scope, NOW, h)],
        ['titles and evaluations', () => titlesAndEvaluations(db, scope, h)],
        ['breakdown', () => areas(db, scope, level, NOW, h)],
        ['heat table', () => heat(db, scope, level)],
        ['trends', () => trends(db, scope)],
        ['whole dashboard', () => dashboardOf(db, scope, NOW)],
      ];
      figures[name] = {};
      for (const [query, run] of queries) figures[name]![query] = await time(run);
    }
    console.log(`\n| query | ${scopes.map(([n]) => `${n} p50 / p95 (ms)`).join(' | ')} |\n|---|${scopes.map(() => '---|').join('')}`);
    for (const query of Object.keys(figures['全省']!)) {
      console.log(`| ${query} | ${scopes.map(([n]) => `${figures[n]![query]!.median} / ${figures[n]![query]!.p95}`).join(' | ')} |`);
    }
    console.log(JSON.stringify({ bench: 'dashboard', bases: BASES, runs: RUNS, ...seeded, figures }));
  } finally {
    await db.$disconnect();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

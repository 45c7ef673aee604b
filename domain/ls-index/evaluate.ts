// Evaluating a base's yearly data by the 两山指数 (Art. 22 post-evaluation):
// each indicator met / not met / no data with its reason in Chinese, then
// attainment per task, per goal and overall. The regulation gives no formula
// for a score: the weighting below is ours [interpretation], configurable.
import type { Terrain } from '../materials';
import {
  GOALS,
  goalZh,
  formatValue,
  indicatorCatalogue,
  ruleZh,
  taskZh,
  TERRAINS_ZH,
  type CustomIndicator,
  type IndicatorDef,
  type TargetRule,
} from './catalogue';

export type IndicatorValue = number | boolean | { redLine: number; protectedArea: number };

export interface YearData {
  values: Record<string, IndicatorValue | null | undefined>;
  /** That year's provincial averages for indicators with the rule "above the provincial average" (indicator 1). */
  provincialAverages?: Record<string, number | null | undefined>;
}

export interface EvaluationOptions {
  /** [interpretation] Allowed dip from one year to the next (stably improving) or below baseline (not decreasing), in the value's units. Default 0. */
  tolerance?: number;
  /** [interpretation] Threshold rules are judged on the last evaluation year (`last`, default) or on every evaluation year (`every`). */
  thresholdYears?: 'last' | 'every';
  /** Weights, equal (1) by default: of indicators within a task, of tasks within a goal, of goals overall. */
  weights?: { indicators?: Record<string, number>; tasks?: Record<string, number>; goals?: Record<string, number> };
}

export interface EvaluationInput {
  /** The naming year: the baseline of "stably improving" and "not decreasing". */
  baselineYear: number;
  /** The evaluation years, e.g. the three years of the title. */
  years: readonly number[];
  /** Yearly data keyed by year ("2027"). */
  data: Record<string, YearData | undefined>;
  terrain?: Terrain | null;
  customIndicators?: readonly CustomIndicator[];
  /** Targets of the plan's 建设指标, judged in addition to the reference target (so never looser). */
  planTargets?: Record<string, TargetRule>;
  options?: EvaluationOptions;
}

export type IndicatorOutcome = 'met' | 'notMet' | 'noData';

export interface IndicatorResult {
  id: string;
  zh: string;
  goal: string;
  task: string;
  custom: boolean;
  target: string;
  result: IndicatorOutcome;
  /** Why, in words an officer understands. */
  reasonZh: string;
}

export interface Attainment {
  key: string;
  zh: string;
  /** 0–1: weighted share of met indicators (no data counts as not met). */
  score: number;
  met: number;
  notMet: number;
  noData: number;
}

export interface Evaluation {
  indicators: IndicatorResult[];
  tasks: (Attainment & { goal: string })[];
  goals: Attainment[];
  overall: Attainment;
  /** How the score is computed, for the report. */
  methodZh: string;
}

const EPS = 1e-9;
type Judgement = { result: IndicatorOutcome; reasonZh: string };

function numberAt(data: EvaluationInput['data'], year: number, id: string): number | undefined {
  const v = data[String(year)]?.values[id];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function compare(rule: TargetRule, v: number, def: IndicatorDef, input: EvaluationInput, year: number): Judgement {
  const f = (x: number) => formatValue(x, def.valueKind);
  switch (rule.type) {
    case 'aboveProvincialAverage': {
      const avg = input.data[String(year)]?.provincialAverages?.[def.id];
      if (typeof avg !== 'number' || !Number.isFinite(avg)) return { result: 'noData', reasonZh: `缺少${year}年全省平均水平，无法判断` };
      return v > avg + EPS
        ? { result: 'met', reasonZh: `${year}年${f(v)}，超过全省平均${f(avg)}` }
        : { result: 'notMet', reasonZh: `${year}年${f(v)}，未超过全省平均${f(avg)}` };
    }
    case 'equals':
      return Math.abs(v - rule.value) <= EPS
        ? { result: 'met', reasonZh: `${year}年${f(v)}，达到${f(rule.value)}` }
        : { result: 'notMet', reasonZh: `${year}年${f(v)}，未达到${f(rule.value)}` };
    case 'greaterThan':
      return v > rule.value + EPS
        ? { result: 'met', reasonZh: `${year}年${f(v)}，高于${f(rule.value)}` }
        : { result: 'notMet', reasonZh: `${year}年${f(v)}，须高于${f(rule.value)}（恰好${f(rule.value)}不算达标）` };
    case 'atLeast':
      return v >= rule.value - EPS
        ? { result: 'met', reasonZh: `${year}年${f(v)}，不低于${f(rule.value)}` }
        : { result: 'notMet', reasonZh: `${year}年${f(v)}，低于${f(rule.value)}` };
    case 'atMost':
      return v <= rule.value + EPS
        ? { result: 'met', reasonZh: `${year}年${f(v)}，不高于${f(rule.value)}` }
        : { result: 'notMet', reasonZh: `${year}年${f(v)}，高于${f(rule.value)}` };
    case 'atLeastByTerrain': {
      if (!input.terrain) return { result: 'noData', reasonZh: '未填写建设单元的地形（山区、丘陵区、平原区、干旱半干旱地区），无法确定目标值' };
      const t = rule.thresholds[input.terrain];
      const name = TERRAINS_ZH[input.terrain];
      return v >= t - EPS
        ? { result: 'met', reasonZh: `${year}年${f(v)}，达到${name}目标${f(t)}` }
        : { result: 'notMet', reasonZh: `${year}年${f(v)}，低于${name}目标${f(t)}` };
    }
    default:
      throw new Error(`not a threshold rule: ${rule.type}`);
  }
}

function judgeThreshold(rule: TargetRule, def: IndicatorDef, input: EvaluationInput): Judgement {
  const years = input.options?.thresholdYears === 'every' ? [...input.years] : input.years.slice(-1);
  if (years.length === 0) return { result: 'noData', reasonZh: '没有评估年度' };
  const judged: Judgement[] = [];
  const missing: number[] = [];
  for (const y of years) {
    if (rule.type === 'obtained' || rule.type === 'established') {
      const v = input.data[String(y)]?.values[def.id];
      const word = rule.type === 'obtained' ? '获得' : '建立实施';
      if (typeof v !== 'boolean') missing.push(y);
      else judged.push(v ? { result: 'met', reasonZh: `${y}年已${word}` } : { result: 'notMet', reasonZh: `${y}年尚未${word}` });
      continue;
    }
    const v = numberAt(input.data, y, def.id);
    if (v === undefined) missing.push(y);
    else judged.push(compare(rule, v, def, input, y));
  }
  const failed = judged.find((j) => j.result === 'notMet');
  if (failed) return failed;
  const unknown = judged.find((j) => j.result === 'noData');
  if (unknown) return unknown;
  if (missing.length) return { result: 'noData', reasonZh: `缺少${missing.join('、')}年数据` };
  return judged.length === 1 ? (judged[0] as Judgement) : { result: 'met', reasonZh: judged.map((j) => j.reasonZh).join('；') };
}

/** The series from the baseline year through the evaluation years, for one number. */
function series(input: EvaluationInput, pick: (year: number) => number | undefined): { year: number; v: number | undefined }[] {
  return [input.baselineYear, ...input.years.filter((y) => y > input.baselineYear)].map((year) => ({ year, v: pick(year) }));
}

/**
 * 稳定提高 [interpretation, ours]: over baseline + evaluation years, no
 * year below the year before (minus the tolerance), and the last year above
 * the baseline — or already at the ceiling (e.g. 100%), which cannot rise.
 * A decline already visible is "not met" even when other years are missing;
 * otherwise a missing year means "no data".
 */
function judgeImproving(s: { year: number; v: number | undefined }[], ceiling: number | undefined, tolerance: number, f: (x: number) => string): Judgement {
  for (let i = 1; i < s.length; i++) {
    const prev = s[i - 1];
    const cur = s[i];
    if (prev?.v !== undefined && cur?.v !== undefined && cur.v < prev.v - tolerance - EPS) {
      return { result: 'notMet', reasonZh: `${cur.year}年${f(cur.v)}低于${prev.year}年${f(prev.v)}，未能稳定提高` };
    }
  }
  const missing = s.filter((p) => p.v === undefined).map((p) => p.year);
  if (missing.length) return { result: 'noData', reasonZh: `缺少${missing.join('、')}年数据，无法判断是否稳定提高` };
  if (s.length < 2) return { result: 'noData', reasonZh: '只有基准年数据，无法判断是否稳定提高' };
  const first = s[0] as { year: number; v: number };
  const last = s[s.length - 1] as { year: number; v: number };
  if (last.v > first.v + EPS) return { result: 'met', reasonZh: `由${first.year}年${f(first.v)}提高到${last.year}年${f(last.v)}，逐年未下降` };
  if (ceiling !== undefined && last.v >= ceiling - EPS) return { result: 'met', reasonZh: `${last.year}年保持在上限${f(ceiling)}，逐年未下降` };
  return { result: 'notMet', reasonZh: `${last.year}年${f(last.v)}未高于基准年（${first.year}年）${f(first.v)}` };
}

/** 不减少 [interpretation, ours]: no evaluation year below the baseline (minus the tolerance). */
function judgeNotDecreasing(s: { year: number; v: number | undefined }[], tolerance: number, f: (x: number) => string, label: string): Judgement {
  const base = s[0];
  if (base?.v !== undefined) {
    const below = s.slice(1).find((p) => p.v !== undefined && p.v < (base.v as number) - tolerance - EPS);
    if (below) return { result: 'notMet', reasonZh: `${label}${below.year}年${f(below.v as number)}，少于基准年（${base.year}年）${f(base.v)}` };
  }
  const missing = s.filter((p) => p.v === undefined).map((p) => p.year);
  if (missing.length) return { result: 'noData', reasonZh: `${label}缺少${missing.join('、')}年数据` };
  if (s.length < 2) return { result: 'noData', reasonZh: `${label}只有基准年数据` };
  return { result: 'met', reasonZh: `${label}各年均不少于基准年（${(base as { year: number }).year}年）${f(base?.v as number)}` };
}

function judge(rule: TargetRule, def: IndicatorDef, input: EvaluationInput): Judgement {
  const tolerance = input.options?.tolerance ?? 0;
  const f = (x: number) => formatValue(x, def.valueKind);
  if (rule.type === 'stablyImproving') return judgeImproving(series(input, (y) => numberAt(input.data, y, def.id)), rule.ceiling, tolerance, f);
  if (rule.type === 'notDecreasing') {
    if (def.valueKind !== 'areaPair') return judgeNotDecreasing(series(input, (y) => numberAt(input.data, y, def.id)), tolerance, f, '');
    const part = (k: 'redLine' | 'protectedArea') => (y: number) => {
      const v = input.data[String(y)]?.values[def.id];
      const n = typeof v === 'object' && v !== null ? v[k] : undefined;
      return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
    };
    const a = judgeNotDecreasing(series(input, part('redLine')), tolerance, f, '生态保护红线面积');
    const b = judgeNotDecreasing(series(input, part('protectedArea')), tolerance, f, '自然保护地面积');
    return combine([a, b]);
  }
  return judgeThreshold(rule, def, input);
}

function combine(js: Judgement[]): Judgement {
  const result: IndicatorOutcome = js.some((j) => j.result === 'notMet') ? 'notMet' : js.some((j) => j.result === 'noData') ? 'noData' : 'met';
  return { result, reasonZh: js.map((j) => j.reasonZh).join('；') };
}

export function evaluateIndicator(def: IndicatorDef, input: EvaluationInput): IndicatorResult {
  const reference = judge(def.rule, def, input);
  const plan = input.planTargets?.[def.id];
  let j = reference;
  let target = def.targetZh;
  if (plan) {
    const p = judge(plan, def, input);
    j = combine([
      { result: reference.result, reasonZh: `参考值（${def.targetZh}）：${reference.reasonZh}` },
      { result: p.result, reasonZh: `实施方案目标（${ruleZh(plan, def.valueKind)}）：${p.reasonZh}` },
    ]);
    target = `${def.targetZh}；实施方案：${ruleZh(plan, def.valueKind)}`;
  }
  return { id: def.id, zh: def.zh, goal: def.goal, task: def.task, custom: def.custom ?? false, target, result: j.result, reasonZh: j.reasonZh };
}

function attainment(key: string, zh: string, parts: { weight: number; score: number; met: number; notMet: number; noData: number }[]): Attainment {
  const total = parts.reduce((s, p) => s + p.weight, 0);
  const score = total > 0 ? parts.reduce((s, p) => s + p.weight * p.score, 0) / total : 0;
  return {
    key,
    zh,
    score,
    met: parts.reduce((s, p) => s + p.met, 0),
    notMet: parts.reduce((s, p) => s + p.notMet, 0),
    noData: parts.reduce((s, p) => s + p.noData, 0),
  };
}

const weightOf = (w: Record<string, number> | undefined, key: string): number => {
  const v = w?.[key];
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 1;
};

/**
 * Evaluate a base's data. Scores [interpretation, ours]: a task's score is the
 * weighted share of its indicators that are met (no data counts as not met);
 * a goal's is the weighted mean of its tasks'; the overall score is the
 * weighted mean of the goals'. All weights are 1 unless configured.
 */
export function evaluateLsIndex(input: EvaluationInput): Evaluation {
  const weights = input.options?.weights;
  const defs = indicatorCatalogue(input.customIndicators ?? []);
  const indicators = defs.map((d) => evaluateIndicator(d, input));
  const taskKeys = [...new Set(defs.map((d) => d.task))];
  const tasks = taskKeys.map((task) => {
    const own = indicators.filter((r) => r.task === task);
    const goal = own[0]?.goal ?? '';
    const a = attainment(
      task,
      taskZh(task),
      own.map((r) => ({ weight: weightOf(weights?.indicators, r.id), score: r.result === 'met' ? 1 : 0, met: r.result === 'met' ? 1 : 0, notMet: r.result === 'notMet' ? 1 : 0, noData: r.result === 'noData' ? 1 : 0 })),
    );
    return { ...a, goal };
  });
  const goals = GOALS.map((g) =>
    attainment(g.goal, goalZh(g.goal), tasks.filter((t) => t.goal === g.goal).map((t) => ({ ...t, weight: weightOf(weights?.tasks, t.key) }))),
  );
  const overall = attainment('overall', '两山指数总体达标程度', goals.map((g) => ({ ...g, weight: weightOf(weights?.goals, g.key) })));
  return {
    indicators,
    tasks,
    goals,
    overall,
    methodZh: '任务得分 = 该任务中达标指标的加权占比（无数据按未达标计）；目标得分 = 所属任务得分的加权平均；总体得分 = 三个目标得分的加权平均；权重默认相等。规程未规定计算公式，此为本系统的约定。',
  };
}

// Checking submitted indicator data (the body of POST /api/bases/:id/indicator-data):
// `{ year, values: { "1": 0.93, ..., "16": true, "9": { redLine, protectedArea } }, provincialAverages?: { "1": 0.95 } }`.
// Every problem is listed (422), in Chinese for the applicant.
import { problem, type Problem } from '../problems';
import { indicatorCatalogue, type CustomIndicator, type IndicatorDef, type TargetRule, type ValueKind } from './catalogue';

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function valueProblems(def: IndicatorDef, v: unknown): Problem[] {
  const field = `values.${def.id}`;
  const name = `指标${def.id}“${def.zh}”`;
  switch (def.valueKind) {
    case 'ratio':
      if (!finite(v)) return [problem(field, 'notNumber', `${name}须为数值（比例，如 0.93 表示 93%）`, `${field} must be a number (a fraction)`)];
      if (v < 0 || v > 1) {
        const hint = v > 1 && v <= 100 ? `，是否把 ${v}% 填成了 ${v}？请填 ${Number((v / 100).toFixed(6))}` : '';
        return [problem(field, 'outOfRange', `${name}是比例，须在 0 到 1 之间${hint}`, `${field} is a fraction and must be between 0 and 1`)];
      }
      return [];
    case 'quantity':
      if (!finite(v)) return [problem(field, 'notNumber', `${name}须为数值（${def.unit}）`, `${field} must be a number`)];
      if (v < 0) return [problem(field, 'negative', `${name}不能为负数`, `${field} cannot be negative`)];
      return [];
    case 'boolean':
      return typeof v === 'boolean' ? [] : [problem(field, 'notBoolean', `${name}须填 true（是）或 false（否）`, `${field} must be true or false`)];
    case 'areaPair': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        return [problem(field, 'notAreaPair', `${name}须为 { redLine: 生态保护红线面积, protectedArea: 自然保护地面积 }（km²）`, `${field} must be { redLine, protectedArea } in km²`)];
      }
      const o = v as Record<string, unknown>;
      const out: Problem[] = [];
      for (const [k, zh] of [['redLine', '生态保护红线面积'], ['protectedArea', '自然保护地面积']] as const) {
        if (!finite(o[k])) out.push(problem(`${field}.${k}`, 'notNumber', `${name}缺少${zh}（${k}，km²）`, `${field}.${k} must be a number`));
        else if ((o[k] as number) < 0) out.push(problem(`${field}.${k}`, 'negative', `${name}的${zh}不能为负数`, `${field}.${k} cannot be negative`));
      }
      return out;
    }
  }
}

/** Check one year's indicator data. Values may be partial (missing ones are "no data" in the evaluation). */
export function validateIndicatorData(body: unknown, customIndicators: readonly CustomIndicator[] = []): Problem[] {
  if (typeof body !== 'object' || body === null) return [problem('body', 'notAnObject', '须提交 { year, values }', 'Expected { year, values }')];
  const b = body as Record<string, unknown>;
  const problems: Problem[] = [];
  if (!Number.isInteger(b.year) || (b.year as number) < 2000 || (b.year as number) > 2100) problems.push(problem('year', 'invalid', '年度须为四位整数年份', 'year must be an integer year'));
  const defs = indicatorCatalogue(customIndicators);
  if (typeof b.values !== 'object' || b.values === null || Array.isArray(b.values)) {
    problems.push(problem('values', 'missing', '须提交指标数值 values', 'values must be an object keyed by indicator'));
  } else {
    const entries = Object.entries(b.values as Record<string, unknown>);
    if (entries.length === 0) problems.push(problem('values', 'empty', '至少填写一项指标数值', 'values is empty'));
    for (const [id, v] of entries) {
      const def = defs.find((d) => d.id === id);
      if (!def) problems.push(problem(`values.${id}`, 'unknownIndicator', `没有编号为“${id}”的指标（两山指数为1–20，自行探索指标须先登记）`, `No indicator ${id}`));
      else problems.push(...valueProblems(def, v));
    }
  }
  if (b.provincialAverages !== undefined && b.provincialAverages !== null) {
    if (typeof b.provincialAverages !== 'object' || Array.isArray(b.provincialAverages)) {
      problems.push(problem('provincialAverages', 'notAnObject', '全省平均水平须按指标编号填写，如 { "1": 0.95 }', 'provincialAverages must be an object keyed by indicator'));
    } else {
      for (const [id, v] of Object.entries(b.provincialAverages as Record<string, unknown>)) {
        const def = defs.find((d) => d.id === id);
        if (!def || def.rule.type !== 'aboveProvincialAverage') {
          problems.push(problem(`provincialAverages.${id}`, 'notApplicable', `指标“${id}”的目标不是“超过当年度全省平均水平”，不需要全省平均值`, `Indicator ${id} does not use a provincial average`));
        } else {
          problems.push(...valueProblems(def, v).map((p) => ({ ...p, field: `provincialAverages.${id}`, zh: p.zh.replace(`指标${id}`, `指标${id}的全省平均水平`) })));
        }
      }
    }
  }
  return problems;
}

const numericRules: readonly TargetRule['type'][] = ['aboveProvincialAverage', 'equals', 'greaterThan', 'atLeast', 'atMost', 'atLeastByTerrain', 'stablyImproving', 'notDecreasing'];

function ruleFits(rule: TargetRule, kind: ValueKind): boolean {
  if (kind === 'boolean') return rule.type === 'obtained' || rule.type === 'established';
  if (kind === 'areaPair') return rule.type === 'notDecreasing';
  if (rule.type === 'atLeastByTerrain' && kind !== 'ratio') return false;
  return numericRules.includes(rule.type);
}

/**
 * Check a base's custom indicators (自行探索指标) and plan targets (建设指标).
 * Plan targets are judged in addition to the reference target, so they can
 * only make an indicator harder to meet, never easier.
 */
export function validateIndexSetup(customIndicators: readonly CustomIndicator[], planTargets: Record<string, TargetRule> = {}): Problem[] {
  const problems: Problem[] = [];
  const ids = new Set<string>();
  for (const c of customIndicators) {
    const field = `customIndicators.${c.id}`;
    if (!c.id || /^(?:[1-9]|1\d|20)$/.test(c.id)) problems.push(problem(field, 'reservedId', `自行探索指标的编号不能为空，也不能使用两山指数的编号1–20`, 'A custom indicator id must not be empty or 1-20'));
    if (ids.has(c.id)) problems.push(problem(field, 'duplicate', `自行探索指标编号“${c.id}”重复`, `Duplicate custom indicator ${c.id}`));
    ids.add(c.id);
    if (!c.zh?.trim()) problems.push(problem(field, 'noName', '自行探索指标须有名称', 'A custom indicator needs a name'));
    if (!ruleFits(c.rule, c.valueKind)) problems.push(problem(field, 'ruleMismatch', `指标“${c.zh}”的目标类型 ${c.rule.type} 不适用于 ${c.valueKind} 类数值`, `Rule ${c.rule.type} does not fit ${c.valueKind}`));
    if (c.rule.type === 'aboveProvincialAverage') problems.push(problem(field, 'noProvincialAverage', '自行探索指标没有全省平均水平可比', 'Custom indicators have no provincial average'));
  }
  const defs = indicatorCatalogue(customIndicators);
  for (const [id, rule] of Object.entries(planTargets)) {
    const def = defs.find((d) => d.id === id);
    if (!def) problems.push(problem(`planTargets.${id}`, 'unknownIndicator', `没有编号为“${id}”的指标`, `No indicator ${id}`));
    else if (!ruleFits(rule, def.valueKind) || rule.type === 'aboveProvincialAverage') problems.push(problem(`planTargets.${id}`, 'ruleMismatch', `指标${id}的实施方案目标类型 ${rule.type} 不适用`, `Plan target ${rule.type} does not fit indicator ${id}`));
    else if ('value' in rule && def.valueKind === 'ratio' && (rule.value < 0 || rule.value > 1)) problems.push(problem(`planTargets.${id}`, 'outOfRange', `指标${id}的目标值是比例，须在 0 到 1 之间`, 'A ratio target must be between 0 and 1'));
  }
  return problems;
}

// The 两山指数 (appendix "“两山指数”评估指标体系"): three goals, eight tasks,
// twenty indicators, each with a reference target (目标参考值). Bases may add
// their own indicators (自行探索指标); their plan's 建设指标 may set stricter
// targets. Percentages are fractions (0.93 = 93%), as in the body of POST /api/bases/:id/indicator-data.
import type { Terrain } from '../materials';

export const GOALS = [
  { goal: 'greenMountains', zh: '构筑绿水青山' },
  { goal: 'conversion', zh: '推动“两山”转化' },
  { goal: 'mechanism', zh: '建立长效机制' },
] as const;
export type GoalKey = (typeof GOALS)[number]['goal'];

export const TASKS = [
  { task: 'environmentQuality', goal: 'greenMountains', zh: '环境质量' },
  { task: 'ecologicalStatus', goal: 'greenMountains', zh: '生态状况' },
  { task: 'livelihood', goal: 'conversion', zh: '民生福祉' },
  { task: 'ecoEconomy', goal: 'conversion', zh: '生态经济' },
  { task: 'ecoCompensation', goal: 'conversion', zh: '生态补偿' },
  { task: 'socialBenefit', goal: 'conversion', zh: '社会效益' },
  { task: 'institutionalInnovation', goal: 'mechanism', zh: '制度创新' },
  { task: 'funding', goal: 'mechanism', zh: '资金保障' },
] as const;
export type TaskKey = (typeof TASKS)[number]['task'];

/** Each goal's row "……（其他自行探索指标）": custom indicators without a task go there. */
export function customTaskKey(goal: GoalKey): string {
  return `custom:${goal}`;
}

/**
 * - ratio: a fraction 0–1 (shown as %);
 * - quantity: a non-negative number in the indicator's unit;
 * - boolean: yes / no;
 * - areaPair: `{ redLine, protectedArea }` in km² (indicator 9 names two areas).
 */
export type ValueKind = 'ratio' | 'quantity' | 'boolean' | 'areaPair';

export const TERRAIN_FOREST_COVER: Readonly<Record<Terrain, number>> = { mountain: 0.6, hill: 0.4, plain: 0.18, arid: 0.35 };

export type TargetRule =
  /** 超过当年度全省平均水平: strictly above that year's provincial average (an input per year). */
  | { type: 'aboveProvincialAverage' }
  /** = value (e.g. 100%). */
  | { type: 'equals'; value: number }
  /** > value (e.g. >95%: exactly 95% is not met). */
  | { type: 'greaterThan'; value: number }
  /** ≥ value (plan targets and custom indicators). */
  | { type: 'atLeast'; value: number }
  /** ≤ value (custom indicators where lower is better). */
  | { type: 'atMost'; value: number }
  /** ≥ the threshold of the unit's terrain (indicator 7). */
  | { type: 'atLeastByTerrain'; thresholds: Readonly<Record<Terrain, number>> }
  /** 稳定提高 [interpretation]: see evaluate.ts. `ceiling`: the value at which "already at the top" counts as met. */
  | { type: 'stablyImproving'; ceiling?: number }
  /** 不减少 [interpretation]: no year below the baseline. */
  | { type: 'notDecreasing' }
  /** 获得: obtained (yes). */
  | { type: 'obtained' }
  /** 建立实施: established and implemented (yes). */
  | { type: 'established' };

export type RuleType = TargetRule['type'];

export interface IndicatorDef {
  /** "1".."20" for the catalogue; a base's own id for custom indicators. */
  id: string;
  zh: string;
  goal: GoalKey;
  task: string;
  valueKind: ValueKind;
  /** The unit in words: %, km², 万元/km², … */
  unit: string;
  rule: TargetRule;
  /** The appendix's wording of the target. */
  targetZh: string;
  custom?: boolean;
}

const improving: TargetRule = { type: 'stablyImproving', ceiling: 1 };

export const INDICATORS: readonly IndicatorDef[] = [
  { id: '1', zh: '环境空气质量优良天数比例', goal: 'greenMountains', task: 'environmentQuality', valueKind: 'ratio', unit: '%', rule: { type: 'aboveProvincialAverage' }, targetZh: '超过当年度全省平均水平' },
  { id: '2', zh: '集中式饮用水水源地水质达标率', goal: 'greenMountains', task: 'environmentQuality', valueKind: 'ratio', unit: '%', rule: { type: 'equals', value: 1 }, targetZh: '100%' },
  { id: '3', zh: '地表水水质达到或优于III类水的比例', goal: 'greenMountains', task: 'environmentQuality', valueKind: 'ratio', unit: '%', rule: improving, targetZh: '稳定提高' },
  { id: '4', zh: '地下水水质达到或优于III类水的比例', goal: 'greenMountains', task: 'environmentQuality', valueKind: 'ratio', unit: '%', rule: improving, targetZh: '稳定提高' },
  { id: '5', zh: '受污染耕地安全利用率', goal: 'greenMountains', task: 'environmentQuality', valueKind: 'ratio', unit: '%', rule: { type: 'greaterThan', value: 0.95 }, targetZh: '>95%' },
  { id: '6', zh: '污染地块安全利用率', goal: 'greenMountains', task: 'environmentQuality', valueKind: 'ratio', unit: '%', rule: { type: 'greaterThan', value: 0.95 }, targetZh: '>95%' },
  { id: '7', zh: '林草覆盖率', goal: 'greenMountains', task: 'ecologicalStatus', valueKind: 'ratio', unit: '%', rule: { type: 'atLeastByTerrain', thresholds: TERRAIN_FOREST_COVER }, targetZh: '山区≥60%，丘陵区≥40%，平原区≥18%，干旱半干旱地区≥35%' },
  { id: '8', zh: '物种丰富度', goal: 'greenMountains', task: 'ecologicalStatus', valueKind: 'quantity', unit: '种（或指数）', rule: { type: 'stablyImproving' }, targetZh: '稳定提高' },
  { id: '9', zh: '生态保护红线面积、自然保护地面积', goal: 'greenMountains', task: 'ecologicalStatus', valueKind: 'areaPair', unit: 'km²', rule: { type: 'notDecreasing' }, targetZh: '不减少' },
  { id: '10', zh: '单位国土面积生态系统生产总值', goal: 'greenMountains', task: 'ecologicalStatus', valueKind: 'quantity', unit: '万元/km²', rule: { type: 'stablyImproving' }, targetZh: '稳定提高' },
  { id: '11', zh: '居民人均生态产品产值占比', goal: 'conversion', task: 'livelihood', valueKind: 'ratio', unit: '%', rule: improving, targetZh: '稳定提高' },
  { id: '12', zh: '绿色、有机等生态农产品产值占农业总产值比重', goal: 'conversion', task: 'ecoEconomy', valueKind: 'ratio', unit: '%', rule: improving, targetZh: '稳定提高' },
  { id: '13', zh: '生态加工业产值占工业总产值比重', goal: 'conversion', task: 'ecoEconomy', valueKind: 'ratio', unit: '%', rule: improving, targetZh: '稳定提高' },
  { id: '14', zh: '生态旅游收入占服务业总产值比重', goal: 'conversion', task: 'ecoEconomy', valueKind: 'ratio', unit: '%', rule: improving, targetZh: '稳定提高' },
  { id: '15', zh: '生态补偿类收入占财政总收入比重', goal: 'conversion', task: 'ecoCompensation', valueKind: 'ratio', unit: '%', rule: improving, targetZh: '稳定提高' },
  { id: '16', zh: '国际国内生态文明品牌', goal: 'conversion', task: 'socialBenefit', valueKind: 'boolean', unit: '是/否', rule: { type: 'obtained' }, targetZh: '获得' },
  { id: '17', zh: '“两山”建设成效公众满意度', goal: 'conversion', task: 'socialBenefit', valueKind: 'ratio', unit: '%', rule: { type: 'greaterThan', value: 0.95 }, targetZh: '>95%' },
  { id: '18', zh: '“两山”基地制度建设', goal: 'mechanism', task: 'institutionalInnovation', valueKind: 'boolean', unit: '是/否', rule: { type: 'established' }, targetZh: '建立实施' },
  { id: '19', zh: '生态产品市场化机制', goal: 'mechanism', task: 'institutionalInnovation', valueKind: 'boolean', unit: '是/否', rule: { type: 'established' }, targetZh: '建立实施' },
  { id: '20', zh: '生态环保投入占 GDP 比重', goal: 'mechanism', task: 'funding', valueKind: 'ratio', unit: '%', rule: { type: 'greaterThan', value: 0.03 }, targetZh: '>3%' },
];

/** Rule types with their meaning, for the docs. */
export const RULE_TYPES: readonly { type: RuleType; zh: string; valueKinds: readonly ValueKind[] }[] = [
  { type: 'aboveProvincialAverage', zh: '评估年度数值严格高于当年度全省平均水平（全省平均按年提交）', valueKinds: ['ratio', 'quantity'] },
  { type: 'equals', zh: '评估年度数值等于目标值（如100%）', valueKinds: ['ratio', 'quantity'] },
  { type: 'greaterThan', zh: '评估年度数值严格大于目标值（>95%：恰好95%为未达标）', valueKinds: ['ratio', 'quantity'] },
  { type: 'atLeast', zh: '评估年度数值不低于目标值', valueKinds: ['ratio', 'quantity'] },
  { type: 'atMost', zh: '评估年度数值不高于目标值', valueKinds: ['ratio', 'quantity'] },
  { type: 'atLeastByTerrain', zh: '评估年度数值不低于所在地形的目标值（山区60%、丘陵区40%、平原区18%、干旱半干旱地区35%）', valueKinds: ['ratio'] },
  { type: 'stablyImproving', zh: '（解释）基准年（命名年）至各评估年，每年不低于上一年（容差默认0），且最后一年高于基准年；或已达到上限（如100%）并保持', valueKinds: ['ratio', 'quantity'] },
  { type: 'notDecreasing', zh: '（解释）每个评估年都不低于基准年（命名年）（容差默认0）；指标9两项面积都须满足', valueKinds: ['ratio', 'quantity', 'areaPair'] },
  { type: 'obtained', zh: '评估年度已获得（是）', valueKinds: ['boolean'] },
  { type: 'established', zh: '评估年度已建立并实施（是）', valueKinds: ['boolean'] },
];

/** A base's own indicator (自行探索指标). Without a task it goes to its goal's "其他自行探索指标". */
export interface CustomIndicator {
  id: string;
  zh: string;
  goal: GoalKey;
  task?: string;
  valueKind: Exclude<ValueKind, 'areaPair'>;
  unit: string;
  rule: TargetRule;
}

export function customIndicatorDef(c: CustomIndicator): IndicatorDef {
  return { id: c.id, zh: c.zh, goal: c.goal, task: c.task ?? customTaskKey(c.goal), valueKind: c.valueKind, unit: c.unit, rule: c.rule, targetZh: ruleZh(c.rule, c.valueKind), custom: true };
}

export function indicatorCatalogue(custom: readonly CustomIndicator[] = []): IndicatorDef[] {
  return [...INDICATORS, ...custom.map(customIndicatorDef)];
}

export function taskZh(task: string): string {
  const known = TASKS.find((t) => t.task === task);
  if (known) return known.zh;
  return task.startsWith('custom:') ? '其他自行探索指标' : task;
}

export function goalZh(goal: string): string {
  return GOALS.find((g) => g.goal === goal)?.zh ?? goal;
}

export function formatValue(v: number, kind: ValueKind): string {
  if (kind === 'ratio') return `${Number((v * 100).toFixed(2))}%`;
  return String(Number(v.toFixed(4)));
}

/** The target in words, for custom indicators and plan targets. */
export function ruleZh(rule: TargetRule, kind: ValueKind = 'ratio'): string {
  switch (rule.type) {
    case 'aboveProvincialAverage': return '超过当年度全省平均水平';
    case 'equals': return `=${formatValue(rule.value, kind)}`;
    case 'greaterThan': return `>${formatValue(rule.value, kind)}`;
    case 'atLeast': return `≥${formatValue(rule.value, kind)}`;
    case 'atMost': return `≤${formatValue(rule.value, kind)}`;
    case 'atLeastByTerrain': return '按地形：山区≥60%，丘陵区≥40%，平原区≥18%，干旱半干旱地区≥35%';
    case 'stablyImproving': return '稳定提高';
    case 'notDecreasing': return '不减少';
    case 'obtained': return '获得';
    case 'established': return '建立实施';
  }
}

export const TERRAINS_ZH: Readonly<Record<Terrain, string>> = { mountain: '山区', hill: '丘陵区', plain: '平原区', arid: '干旱半干旱地区' };

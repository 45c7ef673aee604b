import { describe, expect, it } from 'vitest';
import {
  evaluateLsIndex,
  GOALS,
  INDICATORS,
  TASKS,
  validateIndexSetup,
  validateIndicatorData,
  type EvaluationInput,
  type IndicatorValue,
  type YearData,
} from '../../domain';

const YEARS = [2027, 2028, 2029];

/** Four years (baseline 2026 + three) where every indicator is met. */
function allMet(): Record<string, YearData> {
  const data: Record<string, YearData> = {};
  [2026, ...YEARS].forEach((year, i) => {
    const values: Record<string, IndicatorValue> = {
      '1': 0.96, '2': 1, '3': 0.8 + 0.05 * i, '4': 0.7 + 0.05 * i, '5': 0.97, '6': 0.97, '7': 0.65, '8': 100 + i,
      '9': { redLine: 100, protectedArea: 50 }, '10': 1000 + i, '16': true, '17': 0.97, '18': true, '19': true, '20': 0.035,
    };
    for (const id of ['11', '12', '13', '14', '15']) values[id] = 0.1 + 0.01 * i;
    data[String(year)] = { values, provincialAverages: { '1': 0.9 } };
  });
  return data;
}

function input(patch: (data: Record<string, YearData>) => void = () => {}, extra: Partial<EvaluationInput> = {}): EvaluationInput {
  const data = allMet();
  patch(data);
  return { baselineYear: 2026, years: YEARS, data, terrain: 'mountain', ...extra };
}

const set = (data: Record<string, YearData>, id: string, byYear: Record<number, IndicatorValue | undefined>) => {
  for (const [year, v] of Object.entries(byYear)) {
    const values = (data[year] as YearData).values;
    if (v === undefined) delete values[id];
    else values[id] = v;
  }
};

const result = (i: EvaluationInput, id: string) => {
  const r = evaluateLsIndex(i).indicators.find((x) => x.id === id);
  if (!r) throw new Error(`no indicator ${id}`);
  return r;
};

describe('the catalogue', () => {
  it('has three goals, eight tasks, twenty indicators in the appendix order', () => {
    expect(GOALS).toHaveLength(3);
    expect(TASKS).toHaveLength(8);
    expect(INDICATORS.map((i) => i.id)).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    expect(INDICATORS.filter((i) => i.rule.type === 'stablyImproving').map((i) => i.id)).toEqual(['3', '4', '8', '10', '11', '12', '13', '14', '15']);
    for (const i of INDICATORS) expect(TASKS.find((t) => t.task === i.task)?.goal).toBe(i.goal);
  });
});

describe('evaluation per indicator', () => {
  it('all met', () => {
    const e = evaluateLsIndex(input());
    expect(e.indicators.filter((r) => r.result !== 'met')).toEqual([]);
    expect(e.overall).toMatchObject({ score: 1, met: 20, notMet: 0, noData: 0 });
  });

  it('>95%: exactly 95% is not met, just above is', () => {
    const exact = result(input((d) => set(d, '5', { 2029: 0.95 })), '5');
    expect(exact.result).toBe('notMet');
    expect(exact.reasonZh).toBe('2029年95%，须高于95%（恰好95%不算达标）');
    expect(result(input((d) => set(d, '17', { 2029: 0.9501 })), '17').result).toBe('met');
    expect(result(input((d) => set(d, '6', { 2029: 0.95 })), '6').result).toBe('notMet');
  });

  it('>3% for environmental investment', () => {
    expect(result(input((d) => set(d, '20', { 2029: 0.03 })), '20').result).toBe('notMet');
    expect(result(input((d) => set(d, '20', { 2029: 0.0301 })), '20').result).toBe('met');
  });

  it('=100% for drinking water sources', () => {
    expect(result(input(), '2').reasonZh).toBe('2029年100%，达到100%');
    expect(result(input((d) => set(d, '2', { 2029: 0.999 })), '2').result).toBe('notMet');
  });

  it('above that year’s provincial average; equal is not above; no average is no data', () => {
    expect(result(input(), '1').reasonZh).toBe('2029年96%，超过全省平均90%');
    expect(result(input((d) => set(d, '1', { 2029: 0.9 })), '1').result).toBe('notMet');
    const noAvg = result(input((d) => delete (d['2029'] as YearData).provincialAverages), '1');
    expect(noAvg).toMatchObject({ result: 'noData', reasonZh: '缺少2029年全省平均水平，无法判断' });
  });

  it('forest cover by terrain, at the exact thresholds', () => {
    for (const [terrain, threshold] of [['mountain', 0.6], ['hill', 0.4], ['plain', 0.18], ['arid', 0.35]] as const) {
      expect(result(input((d) => set(d, '7', { 2029: threshold }), { terrain }), '7').result).toBe('met');
      expect(result(input((d) => set(d, '7', { 2029: threshold - 0.001 }), { terrain }), '7').result).toBe('notMet');
    }
    expect(result(input(() => {}, { terrain: null }), '7').result).toBe('noData');
  });

  it('missing data is never met', () => {
    const r = result(input((d) => set(d, '5', { 2029: undefined })), '5');
    expect(r).toMatchObject({ result: 'noData', reasonZh: '缺少2029年数据' });
    expect(result(input((d) => set(d, '16', { 2029: undefined })), '16').result).toBe('noData');
    expect(result(input((d) => delete d['2029']), '3').result).toBe('noData');
  });

  describe('stably improving [interpretation]', () => {
    it('rising each year: met', () => {
      expect(result(input(), '3').reasonZh).toBe('由2026年80%提高到2029年95%，逐年未下降');
    });
    it('flat at 100%: met (already at the ceiling)', () => {
      const r = result(input((d) => set(d, '3', { 2026: 1, 2027: 1, 2028: 1, 2029: 1 })), '3');
      expect(r).toMatchObject({ result: 'met', reasonZh: '2029年保持在上限100%，逐年未下降' });
    });
    it('flat below the ceiling: not met', () => {
      const r = result(input((d) => set(d, '3', { 2026: 0.8, 2027: 0.8, 2028: 0.8, 2029: 0.8 })), '3');
      expect(r).toMatchObject({ result: 'notMet', reasonZh: '2029年80%未高于基准年（2026年）80%' });
    });
    it('a flat quantity has no ceiling: not met', () => {
      expect(result(input((d) => set(d, '8', { 2026: 300, 2027: 300, 2028: 300, 2029: 300 })), '8').result).toBe('notMet');
    });
    it('one year down: not met, even if the end is higher', () => {
      const r = result(input((d) => set(d, '11', { 2026: 0.1, 2027: 0.12, 2028: 0.11, 2029: 0.15 })), '11');
      expect(r).toMatchObject({ result: 'notMet', reasonZh: '2028年11%低于2027年12%，未能稳定提高' });
    });
    it('a dip within the configured tolerance is accepted', () => {
      const i = input((d) => set(d, '11', { 2026: 0.1, 2027: 0.12, 2028: 0.115, 2029: 0.15 }), { options: { tolerance: 0.01 } });
      expect(result(i, '11').result).toBe('met');
    });
    it('a missing year is no data, unless a decline is already visible', () => {
      expect(result(input((d) => set(d, '12', { 2028: undefined })), '12')).toMatchObject({ result: 'noData', reasonZh: '缺少2028年数据，无法判断是否稳定提高' });
      expect(result(input((d) => set(d, '12', { 2026: undefined })), '12').result).toBe('noData');
      expect(result(input((d) => set(d, '12', { 2027: 0.2, 2028: undefined, 2029: 0.1 })), '12').result).toBe('noData');
      expect(result(input((d) => set(d, '12', { 2027: 0.2, 2028: 0.1, 2029: undefined })), '12').result).toBe('notMet');
    });
    it('only a baseline year: no data', () => {
      expect(result(input(() => {}, { years: [] }), '13').result).toBe('noData');
    });
  });

  describe('not decreasing [interpretation] (indicator 9, both areas)', () => {
    it('flat or growing: met', () => {
      expect(result(input(), '9').result).toBe('met');
      expect(result(input((d) => set(d, '9', { 2029: { redLine: 101, protectedArea: 55 } })), '9').result).toBe('met');
    });
    it('either area below the baseline: not met, naming it', () => {
      const r = result(input((d) => set(d, '9', { 2028: { redLine: 100, protectedArea: 49.5 } })), '9');
      expect(r.result).toBe('notMet');
      expect(r.reasonZh).toContain('自然保护地面积2028年49.5，少于基准年（2026年）50');
      expect(result(input((d) => set(d, '9', { 2029: { redLine: 99, protectedArea: 60 } })), '9').result).toBe('notMet');
    });
    it('a missing year or component: no data', () => {
      expect(result(input((d) => set(d, '9', { 2027: undefined })), '9').result).toBe('noData');
      expect(result(input((d) => set(d, '9', { 2027: { redLine: 100 } as never })), '9').result).toBe('noData');
    });
  });

  it('obtained and established are yes/no', () => {
    expect(result(input((d) => set(d, '16', { 2029: false })), '16')).toMatchObject({ result: 'notMet', reasonZh: '2029年尚未获得' });
    expect(result(input(), '18')).toMatchObject({ result: 'met', reasonZh: '2029年已建立实施' });
    expect(result(input((d) => set(d, '19', { 2029: 1 as never })), '19').result).toBe('noData');
  });

  it('threshold rules on every year when configured', () => {
    const patch = (d: Record<string, YearData>) => set(d, '5', { 2027: 0.96, 2028: 0.94, 2029: 0.97 });
    expect(result(input(patch), '5').result).toBe('met');
    expect(result(input(patch, { options: { thresholdYears: 'every' } }), '5')).toMatchObject({ result: 'notMet', reasonZh: '2028年94%，须高于95%（恰好95%不算达标）' });
    expect(result(input(() => {}, { options: { thresholdYears: 'every' } }), '5').result).toBe('met');
    expect(result(input((d) => set(d, '5', { 2027: undefined }), { options: { thresholdYears: 'every' } }), '5').result).toBe('noData');
  });
});

describe('custom indicators and plan targets', () => {
  it('a custom indicator with its own rule joins its goal’s “其他自行探索指标”', () => {
    const i = input((d) => set(d, 'c1', { 2029: 12 }), {
      customIndicators: [{ id: 'c1', zh: '单位GDP能耗', goal: 'conversion', valueKind: 'quantity', unit: '吨标煤/万元', rule: { type: 'atMost', value: 10 } }],
    });
    const e = evaluateLsIndex(i);
    expect(e.indicators.find((r) => r.id === 'c1')).toMatchObject({ result: 'notMet', custom: true, task: 'custom:conversion', target: '≤10' });
    expect(e.tasks.find((t) => t.key === 'custom:conversion')).toMatchObject({ zh: '其他自行探索指标', goal: 'conversion', score: 0 });
    // livelihood, ecoEconomy, ecoCompensation and socialBenefit met; the custom task not
    expect(e.goals.find((g) => g.key === 'conversion')?.score).toBeCloseTo(4 / 5);
  });

  it('a plan target is judged in addition to the reference, so it can only be stricter', () => {
    const plan = { planTargets: { '5': { type: 'atLeast' as const, value: 0.98 } } };
    const r = result(input(() => {}, plan), '5');
    expect(r.result).toBe('notMet');
    expect(r.target).toBe('>95%；实施方案：≥98%');
    expect(r.reasonZh).toBe('参考值（>95%）：2029年97%，高于95%；实施方案目标（≥98%）：2029年97%，低于98%');
    expect(result(input((d) => set(d, '5', { 2029: 0.99 }), plan), '5').result).toBe('met');
    expect(result(input((d) => set(d, '5', { 2029: 0.95 }), { planTargets: { '5': { type: 'atLeast', value: 0.9 } } }), '5').result).toBe('notMet');
    expect(result(input(() => {}, { planTargets: { '3': { type: 'atLeast', value: 0.9 } } }), '3').result).toBe('met');
    expect(result(input(() => {}, { planTargets: { '3': { type: 'atLeast', value: 0.96 } } }), '3').result).toBe('notMet');
  });
});

describe('attainment per task, goal and overall', () => {
  it('equal weights by default; no data counts as not met', () => {
    const e = evaluateLsIndex(input((d) => { set(d, '5', { 2029: 0.95 }); set(d, '16', { 2029: undefined }); }));
    expect(e.tasks.find((t) => t.key === 'environmentQuality')).toMatchObject({ score: 5 / 6, met: 5, notMet: 1, noData: 0 });
    expect(e.tasks.find((t) => t.key === 'socialBenefit')).toMatchObject({ score: 0.5, met: 1, noData: 1 });
    expect(e.goals.find((g) => g.key === 'greenMountains')?.score).toBeCloseTo(11 / 12);
    expect(e.goals.find((g) => g.key === 'conversion')?.score).toBeCloseTo((1 + 1 + 1 + 0.5) / 4);
    expect(e.overall.score).toBeCloseTo((11 / 12 + 7 / 8 + 1) / 3);
    expect(e.overall).toMatchObject({ met: 18, notMet: 1, noData: 1 });
    expect(e.methodZh).toContain('权重默认相等');
  });

  it('weights are configurable at every level', () => {
    const patch = (d: Record<string, YearData>) => set(d, '5', { 2029: 0.95 });
    const e = evaluateLsIndex(input(patch, { options: { weights: { indicators: { '5': 5 }, tasks: { environmentQuality: 3 }, goals: { greenMountains: 2 } } } }));
    const env = 5 / 10;
    expect(e.tasks.find((t) => t.key === 'environmentQuality')?.score).toBeCloseTo(env);
    const green = (3 * env + 1) / 4;
    expect(e.goals.find((g) => g.key === 'greenMountains')?.score).toBeCloseTo(green);
    expect(e.overall.score).toBeCloseTo((2 * green + 1 + 1) / 4);
  });
});

describe('validating submitted values', () => {
  it('accepts good data', () => {
    expect(validateIndicatorData({ year: 2027, values: (allMet()['2027'] as YearData).values, provincialAverages: { '1': 0.9 } })).toEqual([]);
  });

  it('finds every problem, with a hint for percentages typed as 93', () => {
    const problems = validateIndicatorData({
      year: 2027.5,
      values: { '1': 93, '2': -0.1, '8': -3, '9': { redLine: 'a' }, '16': 'yes', '17': Number.NaN, '21': 1 },
      provincialAverages: { '1': 95, '5': 0.9 },
    });
    expect(problems.map((p) => `${p.field}:${p.code}`)).toEqual([
      'year:invalid',
      'values.1:outOfRange',
      'values.2:outOfRange',
      'values.8:negative',
      'values.9.redLine:notNumber',
      'values.9.protectedArea:notNumber',
      'values.16:notBoolean',
      'values.17:notNumber',
      'values.21:unknownIndicator',
      'provincialAverages.1:outOfRange',
      'provincialAverages.5:notApplicable',
    ]);
    expect(problems[1]?.zh).toBe('指标1“环境空气质量优良天数比例”是比例，须在 0 到 1 之间，是否把 93% 填成了 93？请填 0.93');
  });

  it('knows custom indicators and refuses malformed bodies', () => {
    const custom = [{ id: 'c1', zh: '能耗', goal: 'conversion' as const, valueKind: 'quantity' as const, unit: 't', rule: { type: 'atMost' as const, value: 1 } }];
    expect(validateIndicatorData({ year: 2027, values: { c1: 0.5 } }, custom)).toEqual([]);
    expect(validateIndicatorData({ year: 2027, values: {} }).map((p) => p.code)).toEqual(['empty']);
    expect(validateIndicatorData({ year: 2027 }).map((p) => p.code)).toEqual(['missing']);
    expect(validateIndicatorData('x').map((p) => p.code)).toEqual(['notAnObject']);
    expect(validateIndicatorData({ year: 2027, values: { '9': 5 } }).map((p) => p.code)).toEqual(['notAreaPair']);
  });

  it('checks custom indicators and plan targets', () => {
    expect(validateIndexSetup([{ id: 'c1', zh: '能耗', goal: 'conversion', valueKind: 'quantity', unit: 't', rule: { type: 'atMost', value: 1 } }], { '5': { type: 'atLeast', value: 0.98 } })).toEqual([]);
    const problems = validateIndexSetup(
      [
        { id: '5', zh: '重复编号', goal: 'conversion', valueKind: 'ratio', unit: '%', rule: { type: 'atLeast', value: 0.5 } },
        { id: 'c2', zh: '品牌', goal: 'mechanism', valueKind: 'boolean', unit: '', rule: { type: 'atLeast', value: 1 } },
        { id: 'c2', zh: '', goal: 'mechanism', valueKind: 'ratio', unit: '%', rule: { type: 'aboveProvincialAverage' } },
      ],
      { '99': { type: 'atLeast', value: 1 }, '16': { type: 'atLeast', value: 1 }, '6': { type: 'greaterThan', value: 96 } },
    );
    expect(problems.map((p) => `${p.field}:${p.code}`)).toEqual([
      'customIndicators.5:reservedId',
      'customIndicators.c2:ruleMismatch',
      'customIndicators.c2:duplicate',
      'customIndicators.c2:noName',
      'customIndicators.c2:noProvincialAverage',
      // object keys that look like integers come in numeric order
      'planTargets.6:outOfRange',
      'planTargets.16:ruleMismatch',
      'planTargets.99:unknownIndicator',
    ]);
  });
});

// The documents' layouts (domain/documents.ts), before any rendering: what
// each says, in Chinese, with dates as 2026年12月10日 and instants in 北京时间.
import { describe, expect, it } from 'vitest';
import { announcementDocument, evaluationReportDocument, indicatorCharts, namingDocument, type AnnouncementInput, type Block, type DocumentModel } from '../../domain/documents';
import { evaluateLsIndex, type YearData } from '../../domain/ls-index/evaluate';
import { INDICATORS } from '../../domain/ls-index/catalogue';

const textOf = (doc: DocumentModel): string =>
  doc.blocks
    .map((b: Block) => {
      if (b.kind === 'table') return [b.columns.map((c) => c.title).join(' '), ...b.rows.map((r) => r.join(' '))].join('\n');
      if (b.kind === 'charts') return b.charts.map((c) => c.title).join('\n');
      if (b.kind === 'signature') return b.lines.join('\n');
      return b.text;
    })
    .join('\n');
const tables = (doc: DocumentModel) => doc.blocks.filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table');

const notice: AnnouncementInput = {
  // Opens 2026-12-04 09:00 CST, closes at the end of 2026-12-10 (24:00 CST).
  notice: { level: 'prefecture', prefecture: '520300', workingDays: 5, opensAt: '2026-12-04T01:00:00.000Z', closesAt: '2026-12-10T16:00:00.000Z', provisional: false },
  units: [{ name: '赤水市', type: 'county', prefectures: ['520300'], year: 2027 }],
  office: { name: '遵义市生态环境局', contactPhone: '0851-28221234', contactAddress: '遵义市汇川区厦门路1号', contactEmail: null },
};

describe('the announcement of a notice (公示, Art. 10, 15)', () => {
  it('names the unit, the period and its closing instant in 北京时间, and the office’s contact as set', () => {
    const doc = announcementDocument(notice);
    const text = textOf(doc);
    expect(doc.title).toBe('关于赤水市2027年度贵州省“两山”实践创新基地预审推荐情况的公示');
    expect(doc.fileName).toBe('赤水市市（州）公示');
    expect(text).toContain('2026年12月4日 09:00至2026年12月10日 24:00（北京时间），共5个工作日');
    expect(text).toContain('投诉举报须在2026年12月10日 24:00（北京时间）前提出');
    expect(text).toContain('第十条');
    expect(tables(doc)[0]?.rows).toEqual([['1', '赤水市', '县域', '遵义市']]);
    expect(text).toContain('遵义市生态环境局联系电话：0851-28221234；通讯地址：遵义市汇川区厦门路1号。');
    // No e-mail set: none is written.
    expect(text).not.toContain('电子邮箱');
    expect(doc.blocks.at(-1)).toEqual({ kind: 'signature', lines: ['遵义市生态环境局', '2026年12月4日'] });
  });

  it('says plainly when the office has set no contact, and never invents one', () => {
    const text = textOf(announcementDocument({ ...notice, office: { name: '遵义市生态环境局', contactPhone: null, contactAddress: null, contactEmail: null } }));
    expect(text).toContain('遵义市生态环境局尚未登记对外联系方式，请通过公示栏在线提交投诉举报。');
    expect(text).not.toMatch(/联系电话|通讯地址|电子邮箱/);
  });

  it('cites Art. 15 for the province’s notice and says when the closing instant may move', () => {
    const doc = announcementDocument({ ...notice, notice: { ...notice.notice, level: 'province', prefecture: null, provisional: true }, office: { ...notice.office, name: '贵州省生态环境厅' } });
    const text = textOf(doc);
    expect(doc.title).toContain('遴选情况的公示');
    expect(text).toContain('第十五条');
    expect(text).not.toContain('第十条');
    expect(text).toContain('以调整后的时间为准');
  });
});

/** Three years (2027 the baseline) with every catalogue indicator reported. */
function data(): Record<string, YearData> {
  const out: Record<string, YearData> = {};
  [2027, 2028, 2029].forEach((year, i) => {
    out[String(year)] = {
      values: {
        '1': 0.96, '2': 1, '3': 0.8 + 0.05 * i, '4': 0.7, '5': 0.97, '6': 0.95, '7': 0.65, '8': 100 + i, '9': { redLine: 100, protectedArea: 50 }, '10': 1000 + i,
        '11': 0.1 + 0.01 * i, '12': 0.2, '13': 0.3, '14': 0.4, '15': 0.05, '16': true, '17': 0.97, '18': true, '19': false, '20': 0.035,
      },
      provincialAverages: { '1': 0.9 },
    };
  });
  return out;
}

const base = { unitName: '赤水市', unitType: 'county', prefectures: ['520300'], namedOn: '2027-06-01', termStartsOn: '2027-06-01', termEndsOn: '2030-05-31', termNo: 1, terrain: 'mountain' };

describe('the post-evaluation report (Art. 22)', () => {
  const years = [2027, 2028, 2029];
  const evaluation = evaluateLsIndex({ baselineYear: 2027, years, data: data(), terrain: 'mountain' });

  it('lists the 20 indicators with their values per year, targets and verdicts, and the conclusion', () => {
    const doc = evaluationReportDocument({ base, years, data: data(), evaluation, conclusion: { outcome: 'rectify', reason: '指标6未达标', at: '2030-03-01T02:00:00Z' }, generatedAt: '2030-03-02T02:00:00Z' });
    const [, results, values] = tables(doc);
    expect(results?.rows.map((r) => r[1])).toEqual(INDICATORS.map((i) => i.zh));
    expect(results?.rows.find((r) => r[0] === '6')?.slice(2)).toEqual(['>95%', '未另设', '未达标', '2029年95%，须高于95%（恰好95%不算达标）']);
    expect(results?.rows.find((r) => r[0] === '19')?.[4]).toBe('未达标');
    expect(values?.columns.map((c) => c.title)).toEqual(['序号', '指标', '单位', '2027年', '2028年', '2029年']);
    expect(values?.rows.find((r) => r[0] === '9')?.slice(3)).toEqual(['红线100；保护地50', '红线100；保护地50', '红线100；保护地50']);
    expect(values?.rows.find((r) => r[0] === '3')?.slice(3)).toEqual(['80%', '85%', '90%']);
    expect(values?.rows.find((r) => r[0] === '16')?.slice(3)).toEqual(['是', '是', '是']);
    for (const t of tables(doc)) for (const r of t.rows) expect(r).toHaveLength(t.columns.length);
    for (const t of tables(doc)) expect(t.columns.reduce((s, c) => s + c.width, 0)).toBeCloseTo(1, 5);
    const text = textOf(doc);
    expect(text).toContain('第1期：2027年6月1日至2030年5月31日');
    expect(text).toContain('贵州省生态环境厅于2030年3月1日作出后评估结论：需要整改。理由：指标6未达标');
    expect(text).toContain('生成时间：2030年3月2日 10:00（北京时间）');
    expect(text).toContain('系统中未登记该基地实施方案的建设指标目标值');
  });

  it('shows the plan’s targets where the system has them', () => {
    const planTargets = { '5': { type: 'atLeast' as const, value: 0.98 } };
    const planned = evaluateLsIndex({ baselineYear: 2027, years, data: data(), terrain: 'mountain', planTargets });
    const doc = evaluationReportDocument({ base, years, data: data(), evaluation: planned, planTargets, conclusion: null, generatedAt: '2030-03-02T02:00:00Z' });
    expect(tables(doc)[1]?.rows.find((r) => r[0] === '5')?.slice(3, 5)).toEqual(['≥98%', '未达标']);
    expect(textOf(doc)).toContain('须同时达到目标参考值和实施方案目标');
    expect(textOf(doc)).toContain('贵州省生态环境厅尚未作出本期后评估结论');
  });

  it('draws a chart per numeric indicator over the years, with its target and the provincial average as references', () => {
    const charts = indicatorCharts(years, data(), 'mountain');
    expect(charts.map((c) => c.title.split('.')[0])).toEqual(INDICATORS.filter((i) => i.valueKind !== 'boolean').map((i) => i.id));
    expect(charts.find((c) => c.title.startsWith('1.'))?.series).toEqual([
      { name: '实际值', values: [0.96, 0.96, 0.96] },
      { name: '全省平均', values: [0.9, 0.9, 0.9], dashed: true },
    ]);
    expect(charts.find((c) => c.title.startsWith('7.'))?.series[1]).toEqual({ name: '目标60%', values: [0.6, 0.6, 0.6], dashed: true });
    expect(charts.find((c) => c.title.startsWith('9.'))?.series.map((s) => s.name)).toEqual(['生态保护红线面积', '自然保护地面积']);
    // No terrain, no threshold to draw for indicator 7.
    expect(indicatorCharts(years, data(), null).find((c) => c.title.startsWith('7.'))?.series).toHaveLength(1);
  });

  it('says so when no data has been submitted', () => {
    const doc = evaluationReportDocument({ base, years: [], data: {}, evaluation: null, conclusion: null, generatedAt: '2028-01-02T02:00:00Z' });
    expect(tables(doc)[1]?.rows.every((r) => r[4] === '无数据' && r[5] === '尚未提交指标数据')).toBe(true);
    expect(doc.blocks.some((b) => b.kind === 'charts')).toBe(false);
    expect(textOf(doc)).toContain('本期尚未提交“两山指数”指标数据');
  });
});

describe('the naming list of a year (Art. 16)', () => {
  it('lists the units named with the 3-year term of their naming, dated the last naming day', () => {
    const doc = namingDocument({
      year: 2028,
      bases: [
        { unitName: '荔波县', unitType: 'county', prefectures: ['522700'], namedOn: '2028-09-01' },
        { unitName: '赤水河流域', unitType: 'watershed', prefectures: ['520300', '520500'], namedOn: '2028-02-29' },
      ],
    });
    expect(doc.title).toBe('2028年度贵州省“两山”实践创新基地命名名单');
    expect(tables(doc)[0]?.rows).toEqual([
      ['1', '赤水河流域', '流域', '遵义市、毕节市', '2028年2月29日', '2028年2月29日至2031年2月28日'],
      ['2', '荔波县', '县域', '黔南州', '2028年9月1日', '2028年9月1日至2031年8月31日'],
    ]);
    expect(textOf(doc)).toContain('以下2个地区');
    expect(doc.blocks.at(-1)).toEqual({ kind: 'signature', lines: ['贵州省生态环境厅', '2028年9月1日'] });
  });
});

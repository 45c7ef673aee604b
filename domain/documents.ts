// The documents the system issues from its record (docs/DOCUMENTS.md): the
// announcement of a notice (公示, Art. 10, 15), the post-evaluation report of
// a base (后评估报告, Art. 22, 23) and the naming list of a year (命名名单,
// Art. 16). Each is built here once as a neutral layout — a title, headings,
// paragraphs, tables, line charts, a signature — which infra/documents/
// renders both as an editable Word file and as a PDF, so no document is
// written twice. Everything a person reads is Chinese, dates as 2026年12月4日
// and instants in 北京时间 (domain/dates.ts).
// Pure: no I/O, no clock (the time of generation is an input).
import { formatCstDateZh, formatCstInstantZh, yearOf } from './dates';
import { titleTerm } from './deadlines';
import { formatValue, goalZh, INDICATORS, ruleZh, TERRAINS_ZH, type IndicatorDef, type TargetRule } from './ls-index/catalogue';
import type { Evaluation, IndicatorValue, YearData } from './ls-index/evaluate';
import { UNIT_TYPES, type Terrain } from './materials';
import { evaluationOutcomeZh, INDICATOR_RESULT_ZH, PROVINCE_OFFICE_ZH } from './names';
import { prefectureName } from './prefectures';

// ---------------------------------------------------------------- the layout

export type Align = 'left' | 'center' | 'right';

/** A line chart of values over the years; `dashed` series are references (targets, the provincial average). */
export interface LineChart {
  title: string;
  /** How values are written on the axis: ratios as %, quantities as numbers in `unit`. */
  valueKind: 'ratio' | 'quantity';
  unit: string;
  years: number[];
  series: Array<{ name: string; values: Array<number | null>; dashed?: boolean }>;
}

export type Block =
  /** The document's title, centred, large. */
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  /** Body text, first line indented two characters as Chinese official writing does. */
  | { kind: 'paragraph'; text: string }
  /** A small remark (how a figure was computed, what a column means). */
  | { kind: 'note'; text: string }
  /** Column widths are shares of the text width (they add up to 1). */
  | { kind: 'table'; columns: Array<{ title: string; width: number }>; rows: string[][] }
  /** Line charts: drawn as vectors in the PDF, native (editable) charts in Word. */
  | { kind: 'charts'; charts: LineChart[] }
  /** The issuer and date, right-aligned at the end. */
  | { kind: 'signature'; lines: string[] };

export interface DocumentModel {
  /** Also the PDF's title metadata. */
  title: string;
  /** The download's name without extension, Chinese. */
  fileName: string;
  blocks: Block[];
}

// ---------------------------------------------------------------- words shared by the documents

export const REGULATION_ZH = '《贵州省“绿水青山就是金山银山”实践创新基地建设管理规程（试行）》';

const unitTypeZh = (type: string | null | undefined): string => UNIT_TYPES.find((t) => t.type === type)?.zh ?? '—';
const prefecturesZh = (codes: readonly string[]): string => (codes.length ? codes.map(prefectureName).join('、') : '—');
const dateZh = (date: string): string => formatCstDateZh(date);
/** The CST date of an instant, written in Chinese: 2026年12月4日. */
const instantDateZh = (iso: string): string => formatCstInstantZh(iso).split(' ')[0] as string;

// ---------------------------------------------------------------- 公示

export interface AnnouncementInput {
  notice: { level: string; prefecture: string | null; workingDays: number; opensAt: string; closesAt: string; provisional: boolean };
  /** The unit(s) noticed: one per application today, a list so that a joint notice reads the same. */
  units: Array<{ name: string; type: string | null; prefectures: readonly string[]; year: number | null }>;
  /** The office running the notice, with the public contact it set (Office); null fields are not invented. */
  office: { name: string; contactPhone: string | null; contactAddress: string | null; contactEmail: string | null };
}

/** The article a notice stands on: the prefecture's (Art. 10) or the province's (Art. 15). */
export const noticeArticleZh = (level: string): string => (level === 'province' ? '第十五条' : '第十条');

/**
 * The 公示 of a notice: the units, the period with its closing instant in
 * 北京时间, and how to object — to the office running it, by the contact the
 * office set. An office that has set none is said to have none; the online
 * board is always named.
 */
export function announcementDocument(input: AnnouncementInput): DocumentModel {
  const { notice, units, office } = input;
  const first = units[0];
  const year = first?.year ?? null;
  const subject = units.length === 1 && first ? first.name : `${first?.name ?? ''}等${units.length}个地区`;
  const stage = notice.level === 'province' ? '遴选' : '预审推荐';
  const title = `关于${subject}${year ? `${year}年度` : ''}贵州省“两山”实践创新基地${stage}情况的公示`;
  const contacts = [
    office.contactPhone ? `联系电话：${office.contactPhone}` : null,
    office.contactAddress ? `通讯地址：${office.contactAddress}` : null,
    office.contactEmail ? `电子邮箱：${office.contactEmail}` : null,
  ].filter((c): c is string => c !== null);
  const blocks: Block[] = [
    { kind: 'title', text: title },
    {
      kind: 'paragraph',
      text: `根据${REGULATION_ZH}${noticeArticleZh(notice.level)}规定，${office.name}对${notice.level === 'province' ? '通过核查评估的申报地区的遴选情况' : '预审推荐地区'}予以公示，接受社会监督。`,
    },
    { kind: 'heading', text: '一、公示对象' },
    {
      kind: 'table',
      columns: [{ title: '序号', width: 0.1 }, { title: '建设单元', width: 0.4 }, { title: '类型', width: 0.15 }, { title: '所在市（州）', width: 0.35 }],
      rows: units.map((u, i) => [String(i + 1), u.name, unitTypeZh(u.type), prefecturesZh(u.prefectures)]),
    },
    { kind: 'heading', text: '二、公示期' },
    {
      kind: 'paragraph',
      text: `${formatCstInstantZh(notice.opensAt)}至${formatCstInstantZh(notice.closesAt)}（北京时间），共${notice.workingDays}个工作日。投诉举报须在${formatCstInstantZh(notice.closesAt)}（北京时间）前提出，逾期不予受理。`,
    },
    ...(notice.provisional
      ? [{ kind: 'note' as const, text: '公示期跨入尚未公布节假日安排的年度，截止时间按现行规则推算，如节假日安排公布后有调整，以调整后的时间为准。' }]
      : []),
    { kind: 'heading', text: '三、意见反映方式' },
    {
      kind: 'paragraph',
      text: `公示期间，任何单位和个人对公示对象有异议的，可以实名向${office.name}提出投诉举报，写明真实姓名和联系方式，并提供必要的事实依据；也可以在“两山”实践创新基地管理系统的公示栏在线提交。${office.name}对收到的投诉举报组织调查核实（${noticeArticleZh(notice.level)}），对投诉人的个人信息予以保密。`,
    },
    contacts.length
      ? { kind: 'paragraph', text: `${office.name}${contacts.join('；')}。` }
      : { kind: 'paragraph', text: `${office.name}尚未登记对外联系方式，请通过公示栏在线提交投诉举报。` },
    { kind: 'signature', lines: [office.name, instantDateZh(notice.opensAt)] },
  ];
  return { title, fileName: `${subject}${notice.level === 'province' ? '省级' : '市（州）'}公示`, blocks };
}

// ---------------------------------------------------------------- 后评估报告

export interface EvaluationReportInput {
  base: {
    unitName: string;
    unitType: string;
    prefectures: readonly string[];
    namedOn: string;
    termStartsOn: string;
    termEndsOn: string;
    termNo: number;
    terrain: string | null;
  };
  /** The years of the current term with data, first to last (api/bases.ts termEvaluation). */
  years: number[];
  /** The submitted values by year ("2027"). */
  data: Record<string, YearData | undefined>;
  evaluation: Evaluation | null;
  /** Targets of the plan's 建设指标, when the system has them. */
  planTargets?: Record<string, TargetRule>;
  /** The province's conclusion of this term's post-evaluation (concludeEvaluation), if taken. */
  conclusion: { outcome: string; reason: string | null; at: string } | null;
  /** When the report was generated. */
  generatedAt: string;
}

/** A submitted value as the tables write it: ratios in %, yes/no, both areas of indicator 9. */
export function indicatorValueZh(def: Pick<IndicatorDef, 'valueKind'>, v: IndicatorValue | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return Number.isFinite(v) ? formatValue(v, def.valueKind) : '—';
  return `红线${formatValue(v.redLine, 'quantity')}；保护地${formatValue(v.protectedArea, 'quantity')}`;
}

const numberOf = (v: IndicatorValue | null | undefined, pick?: 'redLine' | 'protectedArea'): number | null => {
  if (pick) return typeof v === 'object' && v !== null && Number.isFinite(v[pick]) ? v[pick] : null;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** A fixed target value to draw as a reference line, where the rule has one. */
function targetLine(rule: TargetRule, terrain: string | null): number | null {
  switch (rule.type) {
    case 'equals':
    case 'greaterThan':
    case 'atLeast':
    case 'atMost':
      return rule.value;
    case 'atLeastByTerrain':
      return terrain && terrain in rule.thresholds ? rule.thresholds[terrain as Terrain] : null;
    default:
      return null;
  }
}

/** One chart per numeric indicator of the catalogue, over the years with data, with its reference lines. */
export function indicatorCharts(years: readonly number[], data: EvaluationReportInput['data'], terrain: string | null): LineChart[] {
  const at = (y: number, id: string) => data[String(y)]?.values[id];
  return INDICATORS.filter((d) => d.valueKind !== 'boolean').map((def) => {
    const series: LineChart['series'] =
      def.valueKind === 'areaPair'
        ? [
            { name: '生态保护红线面积', values: years.map((y) => numberOf(at(y, def.id), 'redLine')) },
            { name: '自然保护地面积', values: years.map((y) => numberOf(at(y, def.id), 'protectedArea')) },
          ]
        : [{ name: '实际值', values: years.map((y) => numberOf(at(y, def.id))) }];
    const target = targetLine(def.rule, terrain);
    if (target !== null) series.push({ name: `目标${formatValue(target, def.valueKind)}`, values: years.map(() => target), dashed: true });
    if (def.rule.type === 'aboveProvincialAverage') {
      series.push({ name: '全省平均', values: years.map((y) => numberOf(data[String(y)]?.provincialAverages?.[def.id])), dashed: true });
    }
    return { title: `${def.id}. ${def.zh}`, valueKind: def.valueKind === 'ratio' ? 'ratio' : 'quantity', unit: def.unit, years: [...years], series };
  });
}

/**
 * The post-evaluation report of a base's current term (Art. 22): the unit and
 * its term, each of the 20 indicators with its yearly values, reference and
 * plan targets and verdict with the reason, the attainment per goal, task and
 * overall, the province's conclusion, and a chart per numeric indicator.
 */
export function evaluationReportDocument(input: EvaluationReportInput): DocumentModel {
  const { base, years, data, evaluation, conclusion } = input;
  const title = `${base.unitName}贵州省“两山”实践创新基地后评估报告`;
  const plan = input.planTargets ?? {};
  const hasPlan = Object.keys(plan).length > 0;
  const baselineYear = yearOf(base.termStartsOn);
  const resultOf = (id: string) => evaluation?.indicators.find((i) => i.id === id);
  const yearShare = years.length ? Math.min(0.14, 0.4 / years.length) : 0;

  const blocks: Block[] = [
    { kind: 'title', text: title },
    { kind: 'note', text: `依据${REGULATION_ZH}第二十二条，参考“两山指数”评估指标体系；生成时间：${formatCstInstantZh(input.generatedAt)}（北京时间）。` },
    { kind: 'heading', text: '一、基本情况' },
    {
      kind: 'table',
      columns: [{ title: '项目', width: 0.3 }, { title: '内容', width: 0.7 }],
      rows: [
        ['建设单元', base.unitName],
        ['类型', unitTypeZh(base.unitType)],
        ['所在市（州）', prefecturesZh(base.prefectures)],
        ['首次命名日期', dateZh(base.namedOn)],
        ['本期有效期', `第${base.termNo}期：${dateZh(base.termStartsOn)}至${dateZh(base.termEndsOn)}`],
        ['地形（指标7目标值依据）', base.terrain && base.terrain in TERRAINS_ZH ? TERRAINS_ZH[base.terrain as Terrain] : '未填写'],
        ['基准年', `${baselineYear}年（本期起始年）`],
        ['已提交数据的年度', years.length ? years.map((y) => `${y}年`).join('、') : '尚未提交'],
      ],
    },
    { kind: 'heading', text: '二、各指标评估结果' },
    {
      kind: 'table',
      columns: [
        { title: '序号', width: 0.06 },
        { title: '指标', width: 0.26 },
        { title: '目标参考值', width: 0.16 },
        { title: '实施方案目标', width: 0.12 },
        { title: '结论', width: 0.08 },
        { title: '依据', width: 0.32 },
      ],
      rows: INDICATORS.map((def) => {
        const r = resultOf(def.id);
        const p = plan[def.id];
        return [def.id, def.zh, def.targetZh, p ? ruleZh(p, def.valueKind) : '未另设', r ? INDICATOR_RESULT_ZH[r.result] : INDICATOR_RESULT_ZH.noData, r?.reasonZh ?? '尚未提交指标数据'];
      }),
    },
    {
      kind: 'note',
      text: hasPlan
        ? '设有实施方案目标的指标，须同时达到目标参考值和实施方案目标方为达标。'
        : '系统中未登记该基地实施方案的建设指标目标值，各指标按“两山指数”目标参考值评价；实施方案另有更严目标的，以实施方案为准补充评价。',
    },
    { kind: 'heading', text: '三、各年度指标数值' },
    {
      kind: 'table',
      columns: [
        // Wide enough that no indicator's name wraps: the values wrap instead.
        { title: '序号', width: 0.06 },
        { title: '指标', width: 1 - 0.06 - 0.12 - yearShare * years.length },
        { title: '单位', width: 0.12 },
        ...years.map((y) => ({ title: `${y}年`, width: yearShare })),
      ],
      rows: INDICATORS.map((def) => [def.id, def.zh, def.unit, ...years.map((y) => indicatorValueZh(def, data[String(y)]?.values[def.id]))]),
    },
    { kind: 'heading', text: '四、达标情况' },
    ...(evaluation
      ? [
          {
            kind: 'table' as const,
            columns: [{ title: '目标 / 任务', width: 0.4 }, { title: '达标程度', width: 0.15 }, { title: '达标', width: 0.15 }, { title: '未达标', width: 0.15 }, { title: '无数据', width: 0.15 }],
            rows: [
              ...evaluation.goals.flatMap((g) => [
                [g.zh, percent(g.score), String(g.met), String(g.notMet), String(g.noData)],
                ...evaluation.tasks.filter((t) => t.goal === g.key).map((t) => [`　${t.zh}`, percent(t.score), String(t.met), String(t.notMet), String(t.noData)]),
              ]),
              [evaluation.overall.zh, percent(evaluation.overall.score), String(evaluation.overall.met), String(evaluation.overall.notMet), String(evaluation.overall.noData)],
            ],
          },
          { kind: 'note' as const, text: evaluation.methodZh },
        ]
      : [{ kind: 'paragraph' as const, text: '本期尚未提交“两山指数”指标数据，无法计算达标情况。' }]),
    { kind: 'heading', text: '五、评估结论' },
    conclusion
      ? {
          kind: 'paragraph',
          text: `${PROVINCE_OFFICE_ZH}于${instantDateZh(conclusion.at)}作出后评估结论：${evaluationOutcomeZh(conclusion.outcome)}。${conclusion.reason ? `理由：${conclusion.reason}` : ''}`,
        }
      : { kind: 'paragraph', text: `${PROVINCE_OFFICE_ZH}尚未作出本期后评估结论；以上为截至生成时已提交数据的评估结果（第二十二条）。` },
    ...(evaluation ? [{ kind: 'paragraph' as const, text: overallSentence(evaluation) }] : []),
    { kind: 'heading', text: '六、指标变化情况' },
    years.length
      ? { kind: 'charts', charts: indicatorCharts(years, data, base.terrain) }
      : { kind: 'paragraph', text: '本期尚未提交指标数据，暂无变化图。' },
    { kind: 'signature', lines: [PROVINCE_OFFICE_ZH, instantDateZh(input.generatedAt)] },
  ];
  return { title, fileName: `${base.unitName}后评估报告`, blocks };
}

const percent = (score: number): string => `${Math.round(score * 100)}%`;

function overallSentence(e: Evaluation): string {
  const byGoal = e.goals.map((g) => `${goalZh(g.key)}${percent(g.score)}`).join('，');
  return `按“两山指数”评估，${e.indicators.length}项指标中达标${e.overall.met}项、未达标${e.overall.notMet}项、无数据${e.overall.noData}项，总体达标程度${percent(e.overall.score)}（${byGoal}）。`;
}

// ---------------------------------------------------------------- 命名名单

export interface NamingInput {
  year: number;
  /** Bases first named in the year, as named (their first term, whatever happened since). */
  bases: Array<{ unitName: string; unitType: string; prefectures: readonly string[]; namedOn: string }>;
}

/**
 * The naming list of a year (Art. 16): the units named that year as
 * 贵州省“两山”实践创新基地, each with the 3-year term of its naming, issued by
 * the province and dated the last naming day of the year.
 */
export function namingDocument(input: NamingInput): DocumentModel {
  const bases = [...input.bases].sort((a, b) => (a.namedOn === b.namedOn ? a.unitName.localeCompare(b.unitName, 'zh') : a.namedOn < b.namedOn ? -1 : 1));
  const title = `${input.year}年度贵州省“两山”实践创新基地命名名单`;
  const lastDay = bases.at(-1)?.namedOn;
  return {
    title,
    fileName: title,
    blocks: [
      { kind: 'title', text: title },
      {
        kind: 'paragraph',
        text: `根据${REGULATION_ZH}第十六条，以下${bases.length}个地区公示期间未收到投诉和举报，或投诉和举报问题经查不属实、查无实据、经认定得到有效解决，经${PROVINCE_OFFICE_ZH}按程序审议通过，命名为贵州省“两山”实践创新基地，有效期3年。`,
      },
      {
        kind: 'table',
        columns: [{ title: '序号', width: 0.08 }, { title: '基地名称', width: 0.26 }, { title: '类型', width: 0.1 }, { title: '所在市（州）', width: 0.18 }, { title: '命名日期', width: 0.16 }, { title: '有效期', width: 0.22 }],
        rows: bases.map((b, i) => [String(i + 1), b.unitName, unitTypeZh(b.unitType), prefecturesZh(b.prefectures), dateZh(b.namedOn), `${dateZh(b.namedOn)}至${dateZh(titleTerm(b.namedOn).endsOn)}`]),
      },
      { kind: 'paragraph', text: '各基地应当按照实施方案推进建设，每年向所在市（州）生态环境主管部门和省生态环境厅提交年度工作总结材料（第十八条）；称号满3年后，省生态环境厅组织开展后评估（第二十二条）。' },
      { kind: 'signature', lines: [PROVINCE_OFFICE_ZH, lastDay ? dateZh(lastDay) : `${input.year}年`] },
    ],
  };
}

// 统计概览 (issue 17.4, docs/DASHBOARD.md): the province at a glance, or a
// prefecture, or a county of it (GET /api/dashboard). Counts as tables, a
// schematic grid of the nine prefectures (no map: a published map of China
// needs an approved map review number), the 两山指数 heat table with colour
// AND a symbol and words in each cell, a small SVG line per indicator, and
// links one level down: prefecture → county → base.
import '../dashboard.css';
import { PREFECTURES } from '../../../domain/prefectures';
import { Empty, ErrorBox, Link, Loading, Section, useApi } from '../components';
import { formatDate } from '../format';
import { useLocation } from '../router';
import type { SessionUser } from '../session';

interface Cell { indicator: string; met: number; notMet: number; noData: number }
interface Area { key: string; zh: string; bases: number; held: number; lapsing: number; evaluationsOpen: number; evaluationsOpening: number; overdueTasks: number }
interface Dashboard {
  scope: { prefecture: string | null; county: string | null; zh: string; breakdown: 'prefecture' | 'county' | 'base' };
  horizons: { today: string; dueSoonDate: string; lookaheadUntil: string; provisional: boolean };
  applications: { year: number; stage: string; stageZh: string; count: number }[];
  bases: { status: string; statusZh: string; count: number }[];
  tasks: { officeZh: string; overdue: number; dueSoon: number }[];
  titles: { lapsing: number; evaluationsOpen: number; evaluationsOpening: number };
  areas: Area[];
  heat: { indicators: { id: string; zh: string; targetZh: string }[]; rows: { key: string; zh: string; held: number; evaluated: number; cells: Cell[] }[] };
  trends: { indicator: string; zh: string; valueKind: string; points: { year: number; mean: number | null; bases: number }[] }[];
}

const LEVEL_ZH = { prefecture: '市（州）', county: '县（市、区）', base: '基地' } as const;

/** Where a row of the breakdown leads: one level down, or the base's own page. */
function drill(d: Dashboard, key: string): string | null {
  if (d.scope.breakdown === 'prefecture') return `/dashboard?prefecture=${key}`;
  if (d.scope.breakdown === 'county') return key ? `/dashboard?prefecture=${d.scope.prefecture}&county=${key}` : null;
  return `/bases/${key}`;
}

/** A cell of the heat table: a class for the colour, and a symbol with words so that colour is never the only sign. */
function heatCell(c: Cell, single: boolean): { className: string; text: string; title: string } {
  const title = `达标 ${c.met}，未达标 ${c.notMet}，无数据 ${c.noData}`;
  if (single) {
    if (c.met) return { className: 'met', text: '✓ 达标', title: '达标' };
    if (c.notMet) return { className: 'not-met', text: '✗ 未达标', title: '未达标' };
    return { className: 'no-data', text: '— 无数据', title: '无数据' };
  }
  const total = c.met + c.notMet + c.noData;
  const className = total === 0 || c.noData === total ? 'no-data' : c.met === total ? 'met' : c.met === 0 && c.notMet > 0 ? 'not-met' : 'mixed';
  return { className, text: `✓${c.met} ✗${c.notMet} —${c.noData}`, title };
}

function formatMean(mean: number | null, kind: string): string {
  if (mean === null) return '—';
  if (kind === 'ratio' || kind === 'boolean') return `${Number((mean * 100).toFixed(1))}%`;
  return String(Number(mean.toFixed(2)));
}

/** A small line chart of one indicator's yearly mean: inline SVG, with the figures in words for screen readers. */
function Trend({ t }: { t: Dashboard['trends'][number] }) {
  const points = t.points.filter((p) => p.mean !== null) as { year: number; mean: number; bases: number }[];
  const words = points.map((p) => `${p.year}年${formatMean(p.mean, t.valueKind)}（${p.bases}个基地）`).join('，');
  if (points.length === 0) return <p className="hint">尚无数据</p>;
  const w = 240;
  const h = 80;
  const pad = 14;
  const values = points.map((p) => p.mean);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const x = (i: number) => (points.length === 1 ? w / 2 : pad + (i * (w - 2 * pad)) / (points.length - 1));
  const y = (v: number) => (hi === lo ? h / 2 : h - pad - ((v - lo) * (h - 2 * pad)) / (hi - lo));
  return (
    <>
      <svg viewBox={`0 0 ${w} ${h + 14}`} role="img" aria-label={`${t.zh}：${words}`}>
        <polyline fill="none" stroke="#2e7d4f" strokeWidth="2" points={points.map((p, i) => `${x(i)},${y(p.mean)}`).join(' ')} />
        {points.map((p, i) => (
          <g key={p.year}>
            <circle cx={x(i)} cy={y(p.mean)} r="3" fill="#1f5a38" />
            <text x={x(i)} y={h + 10} fontSize="9" textAnchor="middle" fill="#3f4d52">
              {p.year}
            </text>
          </g>
        ))}
      </svg>
      <p className="hint">{words}</p>
    </>
  );
}

export function Dashboard({ user }: { user: SessionUser }) {
  const { query } = useLocation();
  const params = new URLSearchParams();
  for (const k of ['prefecture', 'county']) {
    const v = query.get(k);
    if (v) params.set(k, v);
  }
  const qs = params.toString();
  const { data, error, loading } = useApi<Dashboard>(`/api/dashboard${qs ? `?${qs}` : ''}`, [qs]);
  if (!data) {
    return (
      <Section title="统计概览">
        <ErrorBox error={error} />
        {loading && <Loading />}
      </Section>
    );
  }
  const d = data;
  const single = d.scope.breakdown === 'base';
  const byYear = [...new Set(d.applications.map((a) => a.year))];
  return (
    <>
      <Section title={`统计概览：${d.scope.zh}`}>
        <nav aria-label="统计层级" className="hint">
          {user.role === 'provinceOfficer' ? <Link to="/dashboard">全省</Link> : <span>{d.scope.zh.split(' ')[0]}</span>}
          {d.scope.prefecture && user.role === 'provinceOfficer' && (
            <>
              {' › '}
              <Link to={`/dashboard?prefecture=${d.scope.prefecture}`}>{d.scope.zh.split(' ')[0]}</Link>
            </>
          )}
          {d.scope.county && (
            <>
              {' › '}
              <span>{d.scope.zh.split(' ')[1]}</span>
            </>
          )}
        </nav>
        <p className="hint">
          截至 {formatDate(d.horizons.today)}（北京时间）。“即将到期”指在 {formatDate(d.horizons.dueSoonDate)} 前（10个工作日内）到期
          {d.horizons.provisional ? '（该年度节假日安排未发布，按周末计算）' : ''}；“六个月内”指至 {formatDate(d.horizons.lookaheadUntil)}。
        </p>
        <ul className="figures" data-testid="dashboard-figures">
          <li>
            <strong>{d.titles.lapsing}</strong>六个月内称号到期的基地
          </li>
          <li>
            <strong>{d.titles.evaluationsOpen}</strong>后评估进行中（待作结论）
          </li>
          <li>
            <strong>{d.titles.evaluationsOpening}</strong>六个月内开始后评估
          </li>
          <li>
            <strong>{d.tasks.reduce((n, t) => n + t.overdue, 0)}</strong>逾期待办
          </li>
          <li>
            <strong>{d.tasks.reduce((n, t) => n + t.dueSoon, 0)}</strong>10个工作日内到期的待办
          </li>
        </ul>
        {d.scope.breakdown === 'prefecture' && (
          <>
            <h3>九个市（州）（示意排列，非地图）</h3>
            <ul className="prefecture-grid" data-testid="prefecture-grid">
              {PREFECTURES.map((p) => {
                const a = d.areas.find((x) => x.key === p.code);
                return (
                  <li key={p.code}>
                    <Link to={`/dashboard?prefecture=${p.code}`}>
                      {p.zh}
                      <small>
                        基地 {a?.held ?? 0} 个有效 · 到期 {a?.lapsing ?? 0}
                      </small>
                    </Link>
                  </li>
                );
              })}
            </ul>
          </>
        )}
      </Section>

      <Section title={`按${LEVEL_ZH[d.scope.breakdown]}`}>
        {d.areas.length === 0 ? (
          <Empty>没有基地。</Empty>
        ) : (
          <div className="scroll-x" tabIndex={0} role="region" aria-label={`按${LEVEL_ZH[d.scope.breakdown]}统计（可左右滑动）`}>
            <table data-testid="dashboard-areas">
              <thead>
                <tr>
                  <th>{LEVEL_ZH[d.scope.breakdown]}</th>
                  <th>基地</th>
                  <th>持有称号</th>
                  <th>六个月内到期</th>
                  <th>后评估进行中</th>
                  <th>六个月内开始后评估</th>
                  <th>逾期待办</th>
                </tr>
              </thead>
              <tbody>
                {d.areas.map((a) => {
                  const to = drill(d, a.key);
                  return (
                    <tr key={a.key || 'unplaced'}>
                      <td>{to ? <Link to={to}>{a.zh}</Link> : a.zh}</td>
                      <td>{a.bases}</td>
                      <td>{a.held}</td>
                      <td>{a.lapsing}</td>
                      <td>{a.evaluationsOpen}</td>
                      <td>{a.evaluationsOpening}</td>
                      <td>{a.overdueTasks}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title="申报（按年度和阶段）">
        {d.applications.length === 0 ? (
          <Empty>没有申报。</Empty>
        ) : (
          <div className="scroll-x" tabIndex={0} role="region" aria-label="申报按年度和阶段（可左右滑动）">
            <table data-testid="dashboard-applications">
              <thead>
                <tr>
                  <th>年度</th>
                  <th>阶段</th>
                  <th>申报数</th>
                </tr>
              </thead>
              <tbody>
                {byYear.flatMap((year) =>
                  d.applications.filter((a) => a.year === year).map((a) => (
                    <tr key={`${a.year}-${a.stage}`}>
                      <td>{a.year}年</td>
                      <td>{a.stageZh}</td>
                      <td>{a.count}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title="基地（按状态）">
        {d.bases.length === 0 ? (
          <Empty>没有基地。</Empty>
        ) : (
          <table data-testid="dashboard-bases">
            <thead>
              <tr>
                <th>状态</th>
                <th>基地数</th>
              </tr>
            </thead>
            <tbody>
              {d.bases.map((b) => (
                <tr key={b.status}>
                  <td>{b.statusZh}</td>
                  <td>{b.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="待办（按办理单位）">
        {d.tasks.length === 0 ? (
          <Empty>没有逾期或10个工作日内到期的待办。</Empty>
        ) : (
          <table data-testid="dashboard-tasks">
            <thead>
              <tr>
                <th>办理单位</th>
                <th>逾期</th>
                <th>10个工作日内到期</th>
              </tr>
            </thead>
            <tbody>
              {d.tasks.map((t) => (
                <tr key={t.officeZh}>
                  <td>{t.officeZh}</td>
                  <td>{t.overdue}</td>
                  <td>{t.dueSoon}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="“两山指数”达标情况">
        <p className="hint">
          持有称号的基地在本有效期内最近一次提交指标数据时的评估结果（第二十二条）；未提交数据的计为无数据。
          {single ? '' : '每格为：✓达标 ✗未达标 —无数据 的基地数。'}
        </p>
        <ul className="legend heat" aria-label="图例">
          <li className="met">✓ 全部达标</li>
          <li className="mixed">部分达标</li>
          <li className="not-met">✗ 均未达标</li>
          <li className="no-data">— 无数据</li>
        </ul>
        {d.heat.rows.length === 0 ? (
          <Empty>没有持有称号的基地。</Empty>
        ) : (
          <div className="scroll-x" tabIndex={0} role="region" aria-label="“两山指数”达标情况表（可左右滑动）">
            <table className="heat" data-testid="dashboard-heat">
              <thead>
                <tr>
                  <th>{LEVEL_ZH[d.scope.breakdown]}</th>
                  {d.heat.indicators.map((i) => (
                    <th key={i.id} className="indicator" title={`目标：${i.targetZh}`}>
                      {i.id}. {i.zh}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {d.heat.rows.map((r) => {
                  const to = drill(d, r.key);
                  return (
                    <tr key={r.key || 'unplaced'}>
                      <th scope="row">
                        {to ? <Link to={to}>{r.zh}</Link> : r.zh}
                        <small className="hint"> {r.evaluated}/{r.held} 已评估</small>
                      </th>
                      {r.cells.map((c) => {
                        const v = heatCell(c, single);
                        return (
                          <td key={c.indicator} className={`cell ${v.className}`} title={v.title}>
                            {v.text}
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title="指标趋势（各基地填报值的年度平均）">
        <ul className="trends" data-testid="dashboard-trends">
          {d.trends.map((t) => (
            <li key={t.indicator}>
              <h4>
                {t.indicator}. {t.zh}
                {t.indicator === '9' ? '（生态保护红线面积）' : ''}
              </h4>
              <Trend t={t} />
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}

// The 两山指数 evaluation (GET /api/bases/:id/evaluation): per indicator a
// result and its reason, and per goal and task the share of indicators met,
// drawn as plain SVG bars.
import type { Evaluation as EvaluationResult } from '../../domain/ls-index/evaluate';
import { INDICATOR_RESULT_ZH } from '../../domain/names';
import { Empty } from './components';

const RESULT_ZH: Record<string, string> = INDICATOR_RESULT_ZH;

function Bars({ title, rows }: { title: string; rows: Array<{ key: string; zh: string; score: number; met: number; notMet: number; noData: number }> }) {
  const rowH = 28;
  const labelW = 150;
  const barW = 260;
  const height = rows.length * rowH + 8;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${labelW + barW + 60} ${height}`} width="100%" role="img" aria-label={title}>
        {rows.map((r, i) => {
          const y = i * rowH + 4;
          const w = Math.max(0, Math.min(1, r.score)) * barW;
          return (
            <g key={r.key}>
              <text x={labelW - 8} y={y + 17} textAnchor="end" fontSize="13" fill="#334">
                {r.zh}
              </text>
              <rect x={labelW} y={y + 4} width={barW} height={18} fill="#e8eef0" rx="3" />
              <rect x={labelW} y={y + 4} width={w} height={18} fill={r.score >= 0.999 ? '#2e7d4f' : r.score >= 0.6 ? '#5a9e6f' : '#c98a2b'} rx="3" />
              <text x={labelW + barW + 6} y={y + 17} fontSize="12" fill="#334">
                {Math.round(r.score * 100)}%
              </text>
              <title>{`${r.zh}：达标 ${r.met}，未达标 ${r.notMet}，无数据 ${r.noData}`}</title>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function EvaluationView({ years, evaluation }: { years: number[]; evaluation: EvaluationResult | null }) {
  if (!evaluation) return <Empty>本期尚未提交指标数据。</Empty>;
  return (
    <div data-testid="evaluation">
      <p>
        评估年度：{years.join('、')} · 总体达标率 <strong>{Math.round(evaluation.overall.score * 100)}%</strong>（达标 {evaluation.overall.met}，未达标 {evaluation.overall.notMet}，无数据{' '}
        {evaluation.overall.noData}）
      </p>
      <div className="charts">
        <Bars title="按目标" rows={evaluation.goals} />
        <Bars title="按任务" rows={evaluation.tasks} />
      </div>
      <table className="responsive">
        <thead>
          <tr>
            <th>指标</th>
            <th>目标参考值</th>
            <th>结果</th>
            <th>依据</th>
          </tr>
        </thead>
        <tbody>
          {evaluation.indicators.map((i) => (
            <tr key={i.id} className={i.result === 'notMet' ? 'overdue' : ''}>
              <td data-label="指标">
                {i.id}. {i.zh}
              </td>
              <td data-label="目标">{i.target}</td>
              <td data-label="结果">
                <span className={i.result === 'met' ? 'badge green' : i.result === 'notMet' ? 'badge red' : 'badge'}>{RESULT_ZH[i.result] ?? i.result}</span>
              </td>
              <td data-label="依据">{i.reasonZh}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{evaluation.methodZh}</p>
    </div>
  );
}

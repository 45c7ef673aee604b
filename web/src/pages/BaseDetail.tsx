// One base (GET /api/bases/:id): title dates, status, annual summaries, open
// tasks, the decisions of its life (evaluations, rectifications, sanctions),
// the 两山指数 evaluation, indicator data entry for the base, and the
// province's decision forms (the API's `actions`).
import { useState } from 'react';
import type { Evaluation } from '../../../domain/ls-index/evaluate';
import { BASE_TRANSITIONS } from '../../../domain/transitions';
import { DecisionForm } from '../DecisionForm';
import { EvaluationView } from '../Evaluation';
import { IndicatorForm } from '../IndicatorForm';
import { Empty, ErrorBox, Facts, Link, Loading, Section, useApi } from '../components';
import { actionZh, baseStatusZh, formatCst, formatDate, prefecturesZh, unitTypeZh } from '../format';
import type { SessionUser } from '../session';
import { TaskList, Timeline, type OpenTask, type TimelineEntry } from './ApplicationDetail';

interface BaseDetailView {
  id: string;
  workflowId: string;
  status: string;
  endReason: string | null;
  unit: { name: string; type: string; prefectures: string[] };
  namedOn: string;
  termStartsOn: string;
  termEndsOn: string;
  termNo: number;
  nationalRecommended: boolean;
  summaries: Array<{ year: number; fileId: string; summary: string; late: boolean; submittedAt: string }>;
  openTasks: OpenTask[];
  timeline: TimelineEntry[];
  actions: string[];
}

const SANCTIONS = ['requireRectification', 'verifyRectification', 'warn', 'revoke'];

export function BaseDetail({ id, user }: { id: string; user: SessionUser }) {
  const { data, error, loading, reload } = useApi<BaseDetailView>(`/api/bases/${encodeURIComponent(id)}`);
  const evaluation = useApi<{ years: number[]; evaluation: Evaluation | null }>(`/api/bases/${encodeURIComponent(id)}/evaluation`);
  const [done, setDone] = useState<string | null>(null);

  if (error) return <ErrorBox error={error} />;
  if (loading && !data) return <Loading />;
  if (!data) return null;

  const rules = data.actions
    .map((a) => BASE_TRANSITIONS.find((r) => r.action === a && r.from.includes(data.status as never) && r.role === user.role))
    .filter((r): r is NonNullable<typeof r> => !!r);
  const firstYear = Number(data.namedOn.slice(0, 4));
  const lastYear = Math.max(firstYear, Math.min(Number(data.termEndsOn.slice(0, 4)), new Date().getFullYear() + 1));
  const years = Array.from({ length: lastYear - firstYear + 1 }, (_, i) => firstYear + i);
  const owner = user.role === 'applicant';
  const held = !['revoked', 'expired'].includes(data.status);
  const sanctions = data.timeline.filter((t) => SANCTIONS.includes(t.action));

  return (
    <div className="detail">
      <section className="card">
        <div className="title-row">
          <h1>{data.unit.name}</h1>
          <span className="badge big" data-testid="status">
            {baseStatusZh(data.status)}
          </span>
        </div>
        <Facts
          items={[
            ['类型', unitTypeZh(data.unit.type)],
            ['所在市（州）', prefecturesZh(data.unit.prefectures)],
            ['命名日期', formatDate(data.namedOn)],
            ['本期称号', `第${data.termNo}期：${formatDate(data.termStartsOn)} 至 ${formatDate(data.termEndsOn)}`],
            ['向国家推荐', data.nationalRecommended ? '已推荐' : '未推荐'],
            ...(data.endReason ? ([['结束原因', data.endReason]] as Array<[string, string]>) : []),
          ]}
        />
        <p>
          <Link to={`/applications/${data.id}`}>查看申报 →</Link>
        </p>
      </section>

      {done && (
        <p className="notice-ok" role="status">
          {done}
        </p>
      )}

      {rules.length > 0 && (
        <Section title="办理">
          <div className="decisions">
            {rules.map((r) => (
              <DecisionForm
                key={`${data.status}-${r.action}`}
                rule={r}
                endpoint={`/api/bases/${encodeURIComponent(data.id)}/decisions`}
                experts={[]}
                onDone={(res) => {
                  setDone(`已办理“${actionZh(res.action)}”，当前状态：${baseStatusZh(res.stage)}`);
                  reload();
                }}
              />
            ))}
          </div>
        </Section>
      )}

      <Section title="待办事项">
        <TaskList tasks={data.openTasks} />
      </Section>

      <Section title="“两山指数”评估（第二十二条）">
        <ErrorBox error={evaluation.error} />
        {evaluation.data && <EvaluationView years={evaluation.data.years} evaluation={evaluation.data.evaluation} />}
      </Section>

      {owner && held && (
        <Section title="填报指标数据">
          <IndicatorForm baseId={data.id} years={years} onSaved={evaluation.reload} />
        </Section>
      )}

      <Section title="整改与处理（第二十三条、第二十四条）">
        {sanctions.length === 0 ? <Empty>没有整改要求、警告或撤销。</Empty> : <Timeline entries={sanctions} />}
      </Section>

      <Section title="年度工作总结（第十八条）">
        {data.summaries.length === 0 ? (
          <Empty>尚未提交年度工作总结。</Empty>
        ) : (
          <ul className="plain">
            {data.summaries.map((s) => (
              <li key={s.year}>
                <strong>{s.year}年度</strong> · {formatCst(s.submittedAt)} 提交{s.late && <span className="badge red">逾期</span>}
                <div>{s.summary}</div>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="办理过程">
        <Timeline entries={data.timeline} />
      </Section>
      <p className="muted small">流程 {data.workflowId}</p>
    </div>
  );
}

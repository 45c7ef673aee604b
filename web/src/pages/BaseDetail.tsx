// One base (GET /api/bases/:id): title dates, status, annual summaries, open
// tasks, the decisions of its life (evaluations, rectifications, sanctions),
// the 两山指数 evaluation, indicator data entry for the base, and the
// province's decision forms (the API's `actions`).
import { useState } from 'react';
import { checkIndicatorDataYear, indicatorDataYears } from '../../../domain/base-submissions';
import type { Evaluation } from '../../../domain/ls-index/evaluate';
import { BASE_TRANSITIONS } from '../../../domain/transitions';
import { DecisionForm } from '../DecisionForm';
import { EvaluationView } from '../Evaluation';
import { FileLink } from '../FileLink';
import { IndicatorForm } from '../IndicatorForm';
import { IndicatorSheet } from '../IndicatorSheet';
import { DocumentLinks } from '../DocumentLinks';
import { ExportLink } from '../ExportLink';
import { RectificationReportForm } from '../RectificationReportForm';
import { SummaryForm } from '../SummaryForm';
import { Empty, ErrorBox, Facts, Link, Loading, Section, useApi } from '../components';
import { actionZh, baseStatusZh, formatCst, formatDate, prefecturesZh, unitTypeZh } from '../format';
import type { SessionUser } from '../session';
import { TaskList, Timeline, type OpenTask, type TimelineEntry } from './ApplicationDetail';

interface BaseDetailView {
  id: string;
  workflowId: string;
  status: string;
  endReason: string | null;
  unit: { name: string; type: string; prefectures: string[]; terrain?: string | null };
  namedOn: string;
  termStartsOn: string;
  termEndsOn: string;
  termNo: number;
  nationalRecommended: boolean;
  summaries: AnnualSummary[];
  openTasks: OpenTask[];
  timeline: TimelineEntry[];
  graveActs: GraveAct[];
  actions: string[];
  actionsBlocked?: Array<{ action: string; zh: string }>;
}

/** A version of a year's annual summary (Art. 18): 1 the first, then each correction. */
interface SummaryVersion {
  version: number;
  fileId: string;
  /** The file's name as uploaded (absent from an older API). */
  name?: string;
  summary: string;
  late: boolean;
  submittedAt: string;
}

/** A year's annual summary: its current version, and every version first to current. */
interface AnnualSummary extends SummaryVersion {
  year: number;
  corrected: boolean;
  /** Corrections are taken until then (31 January 24:00 CST of the next year). */
  dueAt?: string;
  versions: SummaryVersion[];
}

interface FileRef {
  fileId: string;
  name: string;
}

/** The naming, a warning or a revocation with what it rests on (api/grave-acts.ts). */
interface GraveAct {
  decisionId: string;
  actionZh: string;
  at: string;
  reason: string | null;
  groundZh: string | null;
  deliberation: { body: string; date: string; minutes: FileRef | null } | null;
  evidence: { title: string | null; date: string | null; files: FileRef[] } | null;
  evidenceOnRecord: { verifiedAt: string } | null;
}

/** What each grave act rests on: the county sees the ground and the evidence it was given. */
function GraveActs({ acts }: { acts: GraveAct[] }) {
  if (acts.length === 0) return <Empty>没有记录。</Empty>;
  return (
    <ul className="grave-acts">
      {acts.map((a) => (
        <li key={a.decisionId} data-testid="grave-act">
          <strong>{a.actionZh}</strong>（{formatCst(a.at)}）
          {a.groundZh && <div>情形：{a.groundZh}</div>}
          {a.reason && <div>理由：{a.reason}</div>}
          {a.deliberation ? (
            <div>
              审议：{a.deliberation.body}，{formatDate(a.deliberation.date)}
              {a.deliberation.minutes && (
                <>
                  ；审议纪要：<FileLink fileId={a.deliberation.minutes.fileId} name={a.deliberation.minutes.name} />
                </>
              )}
            </div>
          ) : (
            <div className="muted">（该决定记录于要求记录审议之前）</div>
          )}
          {a.evidence && (
            <div>
              依据：{a.evidence.title ?? ''}
              {a.evidence.date && `（${formatDate(a.evidence.date)}）`}
              {a.evidence.files.length > 0 && (
                <>
                  ；文件：
                  {a.evidence.files.map((f, i) => (
                    <span key={`${f.fileId}-${i}`}>
                      {i > 0 && '、'}
                      <FileLink fileId={f.fileId} name={f.name} />
                    </span>
                  ))}
                </>
              )}
            </div>
          )}
          {a.evidenceOnRecord && <div>依据：{formatCst(a.evidenceOnRecord.verifiedAt)} 核查认定整改未有效完成（系统记录）</div>}
        </li>
      ))}
    </ul>
  );
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
  // Indicator data only for years that have ended in CST (Art. 22, domain/base-submissions.ts), within the term.
  const dataYears = indicatorDataYears(data.namedOn, Date.now());
  const lastYear = Math.min(dataYears.last, Number(data.termEndsOn.slice(0, 4)));
  const years = Array.from({ length: Math.max(0, lastYear - dataYears.first + 1) }, (_, i) => dataYears.first + i);
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
            // A revoked or expired title is not shown as running.
            ['本期称号', held ? `第${data.termNo}期：${formatDate(data.termStartsOn)} 至 ${formatDate(data.termEndsOn)}` : `第${data.termNo}期，已终止（${baseStatusZh(data.status)}）`],
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
                blockedZh={data.actionsBlocked?.find((b) => b.action === r.action)?.zh}
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
        <TaskList tasks={data.openTasks} chase={{ user, prefectures: data.unit.prefectures, onDone: (m) => (setDone(m), reload()) }} />
      </Section>

      <Section title="“两山指数”评估（第二十二条）">
        <ErrorBox error={evaluation.error} />
        {evaluation.data && <EvaluationView years={evaluation.data.years} evaluation={evaluation.data.evaluation} />}
        <ExportLink path={`/api/bases/${encodeURIComponent(data.id)}/evaluation.xlsx`} fileName="两山指数评估.xlsx" label="导出评估 Excel" />
        <p>
          <DocumentLinks path={`/api/bases/${encodeURIComponent(data.id)}/evaluation-report`} title="后评估报告" fileName={`${data.unit.name}后评估报告`} />
        </p>
      </Section>

      {held && years.length > 0 && (
        <Section title="指标数据 Excel 模板">
          <IndicatorSheet baseId={data.id} years={years} canUpload={owner} onSaved={evaluation.reload} />
        </Section>
      )}

      {owner && held && (
        <Section title="填报指标数据">
          {years.length > 0 ? (
            <IndicatorForm baseId={data.id} years={years} terrain={data.unit.terrain} onSaved={evaluation.reload} />
          ) : (
            <Empty>{checkIndicatorDataYear(dataYears.first, data.namedOn, Date.now())?.problems?.[0]?.zh ?? '暂无可填报的年度。'}</Empty>
          )}
        </Section>
      )}

      <Section title="命名、警告和撤销的依据（第十六条、第二十四条）">
        <GraveActs acts={data.graveActs ?? []} />
      </Section>

      <Section title="整改与处理（第二十三条、第二十四条）">
        {sanctions.length === 0 ? <Empty>没有整改要求、警告或撤销。</Empty> : <Timeline entries={sanctions} />}
        {owner && data.status === 'underRectification' && <RectificationReportForm baseId={data.id} timeline={data.timeline} onSaved={reload} />}
      </Section>

      <Section title="年度工作总结（第十八条）">
        {data.summaries.length === 0 ? (
          <Empty>尚未提交年度工作总结。</Empty>
        ) : (
          <ul className="plain">
            {data.summaries.map((s) => (
              <li key={s.year} data-testid="annual-summary">
                <strong>{s.year}年度</strong> · 第{s.version}版{s.corrected && <span className="badge amber">已更正</span>} · {formatCst(s.submittedAt)} 提交
                {s.late && <span className="badge red">逾期</span>}
                <div>{s.summary}</div>
                <div>
                  总结材料：<FileLink fileId={s.fileId} name={s.name ?? '总结材料'} />
                </div>
                {(s.versions ?? []).length > 1 && (
                  <details>
                    <summary>历次版本（共{s.versions.length}版）</summary>
                    <ul className="plain">
                      {s.versions.map((v) => (
                        <li key={v.version}>
                          第{v.version}版 · {formatCst(v.submittedAt)} 提交{v.late && <span className="badge red">逾期</span>}
                          {v.version === s.version && <span className="badge">现行</span>}
                          <div>{v.summary}</div>
                          <div>
                            总结材料：<FileLink fileId={v.fileId} name={v.name ?? '总结材料'} />
                          </div>
                        </li>
                      ))}
                    </ul>
                  </details>
                )}
              </li>
            ))}
          </ul>
        )}
        {owner && held && <SummaryForm baseId={data.id} namedOn={data.namedOn} summaries={data.summaries} onSaved={reload} />}
      </Section>

      <Section title="办理过程">
        <Timeline entries={data.timeline} />
      </Section>
      {/* Ops read the workflow's history by its id; nobody else is shown it. */}
      {user.role === 'ops' && (
        <p className="muted small">
          <Link to={`/ops?workflow=${encodeURIComponent(data.workflowId)}`}>查看流程历史 →</Link>
        </p>
      )}
    </div>
  );
}

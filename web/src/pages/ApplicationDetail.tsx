// One application (GET /api/applications/:id): where it stands in the
// regulation's stages, every decision (who, when, why), open tasks, notices
// with their closing instant and complaints, the expert reviews, and a form
// for each decision the caller may take now (the API's `actions`).
import { useEffect, useState, type FormEvent } from 'react';
import { INVESTIGATION_OUTCOMES } from '../../../domain/notice';
import { PLAN_CHAPTERS, PLAN_ISSUERS } from '../../../domain/materials';
import { problem, type Problem } from '../../../domain/problems';
import { SUBMIT_VIA_PROVINCE } from '../../../domain/submission-path';
import { APPLICATION_TRANSITIONS, REVIEW_CRITERIA } from '../../../domain/transitions';
import { api, newDecisionId } from '../api';
import { ChaseTask } from '../ChaseTask';
import { ComplaintDelegation, mayDelegateComplaint } from '../ComplaintDelegation';
import { ComplaintDismissal, dismissibleComplaints } from '../ComplaintDismissal';
import { DecisionForm, type Expert } from '../DecisionForm';
import { FileLink } from '../FileLink';
import { DocumentLinks } from '../DocumentLinks';
import { Empty, ErrorBox, Facts, Link, Loading, Section, useApi } from '../components';
import {
  actionZh, actorZh, complaintStatusZh, dueText, escalationZh, formatCst, formatDate, groundZh, investigationOutcomeZh, noticeLevelZh, noticeOutcomeZh, provisionalZh,
  noticeStatusZh, outcomeZh, prefecturesZh, roleZh, stageZh, stepZh, submissionPathZh, unitTypeZh,
} from '../format';
import type { SessionUser } from '../session';
import type { Role } from '../../../domain/roles';

interface Complaint {
  id: string;
  receivedAt: string;
  status: string;
  outcome: string | null;
  findings: string | null;
  delegatedTo: string | null;
  content: string;
  complainant?: { name: string; contact: string };
}
interface Notice {
  id: string;
  level: string;
  /** The prefecture running a prefecture notice. */
  prefecture?: string | null;
  workingDays: number;
  opensAt: string;
  closesAt: string;
  provisional: boolean;
  status: string;
  outcome: string | null;
  complaints: Complaint[];
}
export interface TimelineEntry {
  decisionId: string;
  action: string;
  actor: { sub: string; role: string };
  reason: string | null;
  resultStage: string | null;
  payload?: Record<string, unknown> | null;
  at: string;
}
export interface OpenTask {
  id: string;
  step: string;
  role: string;
  prefecture?: string | null;
  assigneeSub?: string | null;
  dueAt: string;
  dueProvisional?: boolean;
  escalationLevel: number;
}
/** Who is looking and the subject's prefectures: the 催办 button of an overdue task for those who may chase it (ChaseTask). */
export interface TaskChase {
  user: SessionUser;
  prefectures: readonly string[];
  onDone: (message: string) => void;
}
interface Detail {
  id: string;
  workflowId: string;
  year: number;
  stage: string;
  endReason: string | null;
  namedOn: string | null;
  titleEndsOn: string | null;
  unit: { name: string; type: string; prefectures: string[]; terrain?: string | null };
  /** Art. 11: `province`, or the code of the prefecture that pre-reviews it. */
  submitVia?: string;
  applicant: { name: string; contactEmail: string };
  submittedAt: string;
  materials: Array<Record<string, unknown>>;
  openTasks: OpenTask[];
  notices: Notice[];
  expertReviews: Array<{ expertId: string; expertName: string; mine: boolean; assignedAt: string; submittedAt: string | null; criteria: Record<string, number> | null; onSite: boolean | null; opinion: string | null }>;
  timeline: TimelineEntry[];
  actions: string[];
  /** Of `actions`, those the state does not allow now, with the rule's reason (shown disabled). */
  actionsBlocked?: Array<{ action: string; zh: string }>;
}

const PATH = ['prefectureReview', 'prefectureNotice', 'prefectureRecommendation', 'expertAssignment', 'expertReview', 'reviewConclusion', 'selection', 'provinceNotice', 'naming', 'named'];
/** The steps a cross-prefecture unit applying directly to the province does not take (Art. 11). */
const PREFECTURE_STEPS = ['prefectureReview', 'prefectureNotice', 'prefectureRecommendation'];

function StageBar({ stage, direct }: { stage: string; direct: boolean }) {
  const at = PATH.indexOf(stage);
  const ended = at < 0;
  return (
    <ol className="stages" aria-label="阶段">
      {PATH.map((s, i) =>
        direct && PREFECTURE_STEPS.includes(s) ? (
          <li key={s} className="skipped" title="直接向省生态环境厅申报，不经过此步">
            {stageZh(s)}（不经过）
          </li>
        ) : (
          <li key={s} className={i < at ? 'done' : i === at ? 'current' : ''} aria-current={i === at ? 'step' : undefined}>
            {stageZh(s)}
          </li>
        ),
      )}
      {ended && <li className="current ended">{stageZh(stage)}</li>}
    </ol>
  );
}

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <Empty>尚无办理记录。</Empty>;
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((t) => (
        <li key={t.decisionId}>
          <div className="when">{formatCst(t.at)}</div>
          <div>
            <strong>{actionZh(t.action)}</strong>
            {t.resultStage ? <span className="badge">{stageZh(t.resultStage)}</span> : null}
            <div className="muted">{actorZh(t.actor)}</div>
            {t.reason && <div className="reason">理由：{t.reason}</div>}
            {t.payload && <PayloadSummary payload={t.payload} />}
          </div>
        </li>
      ))}
    </ol>
  );
}

function PayloadSummary({ payload }: { payload: Record<string, unknown> }) {
  const parts: string[] = [];
  if (typeof payload.ground === 'number') parts.push(groundZh(payload.ground));
  if (payload.requirements) parts.push(`整改要求：${Array.isArray(payload.requirements) ? payload.requirements.join('；') : String(payload.requirements)}`);
  if (typeof payload.deadline === 'string') parts.push(`整改期限：${formatDate(payload.deadline)}`);
  if (typeof payload.outcome === 'string') parts.push(`结论：${outcomeZh(payload.outcome)}`);
  if (typeof payload.completed === 'boolean') parts.push(payload.completed ? '已完成整改' : '未完成整改');
  return parts.length ? <div className="muted">{parts.join('；')}</div> : null;
}

export function TaskList({ tasks, chase }: { tasks: OpenTask[]; chase?: TaskChase }) {
  if (tasks.length === 0) return <Empty>没有待办事项。</Empty>;
  return (
    <ul className="plain">
      {tasks.map((t) => (
        <li key={t.id}>
          <strong>{stepZh(t.step)}</strong> · {roleZh(t.role as Role)} · 期限 {formatCst(t.dueAt)}{provisionalZh(t.dueProvisional)}（{dueText(t.dueAt, false)}） · {escalationZh(t.escalationLevel)}
          {chase && <> <ChaseTask task={{ ...t, prefecture: t.prefecture ?? null }} user={chase.user} prefectures={chase.prefectures} onDone={chase.onDone} /></>}
        </li>
      ))}
    </ul>
  );
}

function Investigation({ complaint, user, onDone }: { complaint: Complaint; user: SessionUser; onDone: () => void }) {
  const [outcome, setOutcome] = useState('');
  const [findings, setFindings] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (user.role !== 'prefectureOfficer' && user.role !== 'provinceOfficer') return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Problem[] = [];
    if (!outcome) found.push(problem('outcome', 'missing', '请选择调查结论', 'outcome is required'));
    if (!findings.trim()) found.push(problem('findings', 'missing', '请填写调查情况', 'findings are required'));
    setProblems(found);
    if (found.length) return;
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/api/complaints/${encodeURIComponent(complaint.id)}/investigation`, { body: { decisionId: newDecisionId('investigate'), outcome, findings: findings.trim() } });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="decision" onSubmit={submit} noValidate data-action="investigate" aria-label={actionZh('investigate')}>
      <h4>{actionZh('investigate')}（第十条、第十五条）</h4>
      <label>
        调查结论
        <select name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          <option value="">请选择</option>
          {INVESTIGATION_OUTCOMES.map((o) => (
            <option key={o.outcome} value={o.outcome}>
              {o.zh}
              {o.clears ? '' : '（终止申报）'}
            </option>
          ))}
        </select>
      </label>
      <label>
        调查情况
        <textarea name="findings" rows={2} value={findings} onChange={(e) => setFindings(e.target.value)} />
      </label>
      {problems.length > 0 && (
        <div className="error" role="alert">
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{p.zh}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorBox error={error} title="未能办理" />
      <button type="submit" className="primary" disabled={busy}>
        提交调查结论
      </button>
    </form>
  );
}

/**
 * Whether this officer investigates the complaint (domain/complaints.ts): a
 * prefecture notice's, the prefecture running it (a cross-prefecture unit's
 * is run by the one it applied through, Art. 11); a province notice's, the
 * province or the prefecture it delegated the complaint to.
 */
function investigates(notice: Notice, complaint: Complaint, user: SessionUser): boolean {
  if (notice.level === 'prefecture') return user.role === 'prefectureOfficer' && (!notice.prefecture || notice.prefecture === user.prefecture);
  return user.role === 'provinceOfficer' || (user.role === 'prefectureOfficer' && !!user.prefecture && complaint.delegatedTo === user.prefecture);
}

function Materials({ materials }: { materials: Array<Record<string, unknown>> }) {
  return (
    <ul className="plain">
      {materials.map((m, i) => (
        <li key={i}>
          {m.kind === 'applicationLetter' && '申报函'}
          {m.kind === 'conditionEvidence' && `申报条件第${String(m.condition)}项：${String(m.explanation ?? '')}`}
          {m.kind === 'implementationPlan' &&
            `建设实施方案（${PLAN_ISSUERS.find((x) => x.issuedBy === m.issuedBy)?.zh ?? '—'}发布；${(Array.isArray(m.chapters) ? m.chapters : []).length}/${PLAN_CHAPTERS.length} 章）`}
          {typeof m.fileId === 'string' && (
            <>
              {' · '}
              <FileLink fileId={m.fileId} name={typeof m.name === 'string' ? m.name : '材料文件'} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

export function ApplicationDetail({ id, user }: { id: string; user: SessionUser }) {
  const { data, error, loading, reload } = useApi<Detail>(`/api/applications/${encodeURIComponent(id)}`);
  const [done, setDone] = useState<string | null>(null);
  const [experts, setExperts] = useState<Expert[] | null>(null);
  // The province reads the pool (GET /api/experts): for the assignment form and the reviewers' names.
  const needsExperts = user.role === 'provinceOfficer' && !!data;
  useEffect(() => {
    if (!needsExperts || experts) return;
    api<{ experts: Expert[] }>('GET', '/api/experts').then((r) => setExperts(r.experts), () => setExperts([]));
  }, [needsExperts, experts]);
  // The read model follows the workflow within moments: look again shortly after a decision.
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(reload, 800);
    return () => clearTimeout(t);
  }, [done, reload]);

  if (error) return <ErrorBox error={error} />;
  if (loading && !data) return <Loading />;
  if (!data) return null;

  const rules = data.actions
    .map((a) => APPLICATION_TRANSITIONS.find((r) => r.action === a && r.from.includes(data.stage as never) && r.role === user.role))
    .filter((r): r is NonNullable<typeof r> => !!r);

  return (
    <div className="detail">
      <section className="card">
        <div className="title-row">
          <h1>{data.unit.name}</h1>
          <span className="badge big" data-testid="stage">
            {stageZh(data.stage)}
          </span>
        </div>
        <StageBar stage={data.stage} direct={data.submitVia === SUBMIT_VIA_PROVINCE} />
        <Facts
          items={[
            ['申报年度', data.year],
            ['类型', unitTypeZh(data.unit.type)],
            ['所在市（州）', prefecturesZh(data.unit.prefectures)],
            ...(data.submitVia ? ([['申报途径', submissionPathZh(data.submitVia)]] as Array<[string, string]>) : []),
            ['建设主体', `${data.applicant.name}（${data.applicant.contactEmail}）`],
            ['提交时间', formatCst(data.submittedAt)],
            ...(data.namedOn ? ([['命名日期', formatDate(data.namedOn)], ['称号有效期至', formatDate(data.titleEndsOn)]] as Array<[string, string]>) : []),
            ...(data.endReason ? ([['结束原因', data.endReason]] as Array<[string, string]>) : []),
          ]}
        />
        {data.stage === 'named' && user.role !== 'expert' && (
          <p>
            <Link to={`/bases/${data.id}`}>查看基地 →</Link>
          </p>
        )}
      </section>

      {done && (
        <p className="notice-ok" role="status" data-testid="done">
          {done}
        </p>
      )}

      {rules.length > 0 && (
        <Section title="办理" id="decide">
          <div className="decisions">
            {rules.map((r) => (
              <DecisionForm
                key={`${data.stage}-${r.action}`}
                rule={r}
                endpoint={`/api/applications/${encodeURIComponent(data.id)}/decisions`}
                experts={experts}
                unitPrefectures={data.unit.prefectures}
                blockedZh={data.actionsBlocked?.find((b) => b.action === r.action)?.zh}
                onDone={(res) => {
                  setDone(`已办理“${actionZh(res.action)}”，当前阶段：${stageZh(res.stage)}`);
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

      <Section title="办理过程">
        <Timeline entries={data.timeline} />
      </Section>

      <Section title="公示与投诉举报">
        {data.notices.length === 0 && <Empty>尚未发布公示。</Empty>}
        {data.notices.map((n) => (
          <div key={n.id} className="notice" data-testid="notice">
            <h3>
              {noticeLevelZh(n.level)} <span className="badge">{noticeStatusZh(n.status)}</span> <span className="muted">结果：{noticeOutcomeZh(n.outcome)}</span>
            </h3>
            <p>
              公示期 {n.workingDays} 个工作日：{formatCst(n.opensAt)} 至 <strong>{formatCst(n.closesAt)}</strong>（北京时间）
              {n.provisional && <span className="muted">（该年度节假日安排未公布，截止时间按周末推算，可能调整）</span>}
            </p>
            {n.status !== 'scheduled' && <DocumentLinks path={`/api/notices/${encodeURIComponent(n.id)}/announcement`} title="公示公告" fileName="公示公告" />}
            {dismissibleComplaints(n, user).length > 0 && (
              <ComplaintDismissal
                noticeId={n.id}
                complaints={dismissibleComplaints(n, user)}
                onDone={(count) => (setDone(`已对 ${count} 件投诉举报不予受理`), reload())}
              />
            )}
            {n.complaints.length === 0 ? (
              <p className="muted">未收到投诉举报。</p>
            ) : (
              <ul className="plain">
                {n.complaints.map((c) => (
                  <li key={c.id} className="complaint">
                    <div>
                      {formatCst(c.receivedAt)} 收到 · <span className="badge">{complaintStatusZh(c.status)}</span>
                      {c.outcome && <span> · {investigationOutcomeZh(c.outcome)}</span>}
                    </div>
                    <div>{c.content}</div>
                    {c.complainant && (
                      <div className="muted">
                        投诉人：{c.complainant.name}（{c.complainant.contact}）
                      </div>
                    )}
                    {c.findings && <div className="muted">{c.outcome === 'dismissed' ? '不予受理的理由' : '调查情况'}：{c.findings}</div>}
                    {c.status !== 'closed' && investigates(n, c, user) && <Investigation complaint={c} user={user} onDone={() => (setDone('调查结论已记录'), reload())} />}
                    {mayDelegateComplaint(n, c, user) && (
                      <ComplaintDelegation complaintId={c.id} prefectures={data.unit.prefectures} onDone={(p) => (setDone(`已委托${prefecturesZh([p])}调查核实`), reload())} />
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </Section>

      {data.expertReviews.length > 0 && (
        <Section title="核查评估（专家意见）">
          <table className="responsive">
            <thead>
              <tr>
                <th>专家</th>
                <th>指派时间</th>
                <th>提交时间</th>
                <th>评分</th>
                <th>意见</th>
              </tr>
            </thead>
            <tbody>
              {data.expertReviews.map((r) => (
                <tr key={r.expertId}>
                  <td data-label="专家">
                    {r.expertName}
                    {r.mine ? '（您）' : ''}
                  </td>
                  <td data-label="指派">{formatCst(r.assignedAt)}</td>
                  <td data-label="提交">{r.submittedAt ? formatCst(r.submittedAt) : '未提交'}</td>
                  <td data-label="评分">
                    {r.criteria ? REVIEW_CRITERIA.map((c) => r.criteria?.[c.key] ?? '—').join(' / ') : '—'}
                    {r.onSite !== null && <span className="muted">{r.onSite ? '（实地核查）' : '（资料审核）'}</span>}
                  </td>
                  <td data-label="意见">{r.opinion ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}

      <Section title="申报材料">
        <Materials materials={data.materials} />
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

// 运维: workflows by stage and prefecture (GET /api/ops/workflows), a
// workflow's history in words with its link in the Temporal Web UI
// (GET /api/ops/workflows/:workflowId/history), and the mail outbox with a
// resend (GET /api/ops/notifications, POST /api/ops/notifications/:id/resend):
// a pending or failed mail is sent again, a sent or undeliverable one is
// re-sent to corrected addresses as a new mail (one per requestId). Above
// them, what ops must fix (GET /api/ready's details): offices without a
// mailbox, undeliverable mails, a provisional working-day calendar.
import { useState, type FormEvent, type ReactNode } from 'react';
import { APPLICATION_STAGES, BASE_STATUSES } from '../../../domain/stages';
import { PREFECTURES } from '../../../domain/prefectures';
import { api, newDecisionId } from '../api';
import { Empty, ErrorBox, Loading, Section, useApi } from '../components';
import { baseStatusZh, formatCst, historyKindZh, prefecturesZh, stageZh, workflowTypeZh } from '../format';

interface WorkflowRow {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  startTime: string;
  closeTime: string | null;
  stage: string | null;
  prefectures: string[];
  year: number | null;
  historyLength: number;
}
interface History {
  workflowId: string;
  runId: string | null;
  source: string;
  webUiUrl: string | null;
  lines: Array<{ eventId: number; at: string | null; kind: string; text: string }>;
}
interface Mail {
  id: string;
  subjectId: string;
  key: string;
  to: string[];
  subject: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  resendOf: string | null;
}
interface ReadyDetails {
  officesWithoutMailbox: Array<{ region: string; name: string }>;
  undeliverableMails: number;
  calendar: { provisionalYears: number[]; overrideRoute: string | null; message: string | null };
}

const RUN_STATUS: Record<string, string> = { RUNNING: '运行中', COMPLETED: '已完成', FAILED: '失败', CANCELED: '已取消', TERMINATED: '已终止', CONTINUED_AS_NEW: '已续跑', TIMED_OUT: '已超时' };
const MAIL_STATUS: Record<string, string> = { pending: '待发送', sent: '已发送', failed: '发送失败', undeliverable: '无法投递' };

/** A text with a command or route in it: the command shown as typed (<code>), the rest as words. */
function withCode(text: string, code: string | null): ReactNode {
  if (!code || !text.includes(code)) return text;
  const [before, ...rest] = text.split(code);
  return (
    <>
      {before}
      <code>{code}</code>
      {rest.join(code)}
    </>
  );
}

/** What ops must fix, from GET /api/ready's details (api/readiness-details.ts); nothing when all is well. */
function Attention() {
  const { data } = useApi<{ details: ReadyDetails | null }>('/api/ready');
  const d = data?.details;
  if (!d) return null;
  const items: Array<[string, ReactNode]> = [
    ...(d.officesWithoutMailbox.length
      ? [['offices', <>尚未登记工作邮箱的办公室：{d.officesWithoutMailbox.map((o) => o.name).join('、')}（请在“办公室名录”中补录，或运行 <code>npm run offices:load</code>）</>] as [string, ReactNode]]
      : []),
    ...(d.undeliverableMails ? [['mails', `无法投递的邮件 ${d.undeliverableMails} 封：请在下方发件箱中按“无法投递”筛选，填写更正地址后重发`] as [string, ReactNode]] : []),
    ...(d.calendar.message ? [['calendar', withCode(d.calendar.message, d.calendar.overrideRoute)] as [string, ReactNode]] : []),
  ];
  if (items.length === 0) return null;
  return (
    <Section title="待处理事项">
      <ul className="bad" data-testid="ops-attention">
        {items.map(([key, item]) => (
          <li key={key}>{item}</li>
        ))}
      </ul>
    </Section>
  );
}

function Workflows({ onPick }: { onPick: (id: string) => void }) {
  const [stage, setStage] = useState('');
  const [prefecture, setPrefecture] = useState('');
  const [status, setStatus] = useState('');
  const q = new URLSearchParams({ ...(stage ? { stage } : {}), ...(prefecture ? { prefecture } : {}), ...(status ? { status } : {}), limit: '200' });
  const { data, error, loading } = useApi<{ workflows: WorkflowRow[] }>(`/api/ops/workflows?${q}`);
  const rows = data?.workflows ?? [];
  // The count per stage and prefecture, over the rows listed.
  const counts = new Map<string, number>();
  for (const w of rows) for (const p of w.prefectures.length ? w.prefectures : ['—']) counts.set(`${w.stage ?? '—'}|${p}`, (counts.get(`${w.stage ?? '—'}|${p}`) ?? 0) + 1);
  const stages = [...new Set(rows.map((w) => w.stage ?? '—'))];
  const prefs = [...new Set(rows.flatMap((w) => (w.prefectures.length ? w.prefectures : ['—'])))].sort();
  return (
    <Section title="流程（按阶段和市（州））">
      <div className="toolbar">
        <label className="inline">
          阶段
          <select value={stage} onChange={(e) => setStage(e.target.value)}>
            <option value="">全部</option>
            {[...APPLICATION_STAGES.map((s) => ({ v: s.stage, zh: s.zh })), ...BASE_STATUSES.map((s) => ({ v: s.status, zh: `基地：${s.zh}` }))].map((s) => (
              <option key={s.v} value={s.v}>
                {s.zh}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          市（州）
          <select value={prefecture} onChange={(e) => setPrefecture(e.target.value)}>
            <option value="">全部</option>
            {PREFECTURES.map((p) => (
              <option key={p.code} value={p.code}>
                {p.zh}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          状态
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">全部</option>
            <option value="running">运行中</option>
            <option value="closed">已结束</option>
          </select>
        </label>
      </div>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && rows.length === 0 && <Empty>没有符合条件的流程。</Empty>}
      {rows.length > 0 && (
        <>
          <table className="matrix" data-testid="workflow-matrix">
            <thead>
              <tr>
                <th>阶段 \ 市（州）</th>
                {prefs.map((p) => (
                  <th key={p}>{p === '—' ? '—' : prefecturesZh([p])}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {stages.map((s) => (
                <tr key={s}>
                  <th>{s === '—' ? '—' : stageZh(s)}</th>
                  {prefs.map((p) => (
                    <td key={p}>{counts.get(`${s}|${p}`) ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <table className="responsive" data-testid="workflows">
            <thead>
              <tr>
                <th>流程</th>
                <th>类型</th>
                <th>阶段</th>
                <th>市（州）</th>
                <th>状态</th>
                <th>开始</th>
                <th>事件数</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((w) => (
                <tr key={`${w.workflowId}-${w.runId}`}>
                  <td data-label="流程">
                    <button type="button" className="link" data-workflow-id={w.workflowId} onClick={() => onPick(w.workflowId)}>
                      {workflowTypeZh(w.type)}
                      {w.year ? ` ${w.year}年` : ''}
                      {w.prefectures.length ? `（${prefecturesZh(w.prefectures)}）` : ''}
                    </button>
                  </td>
                  <td data-label="类型">{workflowTypeZh(w.type)}</td>
                  <td data-label="阶段">{w.stage ? (w.type === 'baseWorkflow' ? baseStatusZh(w.stage) : stageZh(w.stage)) : '—'}</td>
                  <td data-label="市（州）">{prefecturesZh(w.prefectures)}</td>
                  <td data-label="状态">{RUN_STATUS[w.status] ?? w.status}</td>
                  <td data-label="开始">{formatCst(w.startTime)}</td>
                  <td data-label="事件数">{w.historyLength}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Section>
  );
}

function HistoryView({ workflowId, setWorkflowId }: { workflowId: string; setWorkflowId: (id: string) => void }) {
  const [typed, setTyped] = useState(workflowId);
  const { data, error, loading } = useApi<History>(workflowId ? `/api/ops/workflows/${encodeURIComponent(workflowId)}/history` : null, [workflowId]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (typed.trim()) setWorkflowId(typed.trim());
  };
  return (
    <Section title="流程历史" id="history">
      <form className="toolbar" onSubmit={submit}>
        <label className="inline grow">
          流程编号
          <input name="workflowId" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="粘贴流程编号" />
        </label>
        <button type="submit">查看</button>
      </form>
      {workflowId && error && <ErrorBox error={error} />}
      {workflowId && loading && !data && <Loading />}
      {workflowId && data && data.workflowId === workflowId && (
        <div data-testid="history" data-workflow-id={data.workflowId}>
          <p>
            共 {data.lines.length} 条记录 · {data.source === 'archive' ? '来自归档' : '来自 Temporal'}
            {data.webUiUrl && (
              <>
                {' · '}
                <a href={data.webUiUrl} target="_blank" rel="noreferrer" data-testid="web-ui-link">
                  在 Temporal Web UI 中打开
                </a>
              </>
            )}
          </p>
          <ol className="history">
            {data.lines.map((l) => (
              <li key={l.eventId}>
                <span className="when">{l.at ? formatCst(l.at) : ''}</span> <span className="badge">{historyKindZh(l.kind)}</span> {/* In words and 北京时间 as the server writes it (infra/history-summary.ts). */ l.text}
              </li>
            ))}
          </ol>
        </div>
      )}
    </Section>
  );
}

function Outbox() {
  const [status, setStatus] = useState('');
  const { data, error, loading, reload } = useApi<{ notifications: Mail[] }>(`/api/ops/notifications?limit=200${status ? `&status=${status}` : ''}`);
  const [to, setTo] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Record<string, unknown>>({});
  // One request id per mail and corrected addresses: a second click re-sends once.
  const [requestIds] = useState(() => new Map<string, string>());
  const resend = async (m: Mail) => {
    const recipients = (to[m.id] ?? '').split(/[,，\s]+/).filter(Boolean);
    const final = m.status === 'sent' || m.status === 'undeliverable';
    const idKey = `${m.id}|${recipients.join(',')}`;
    if (!requestIds.has(idKey)) requestIds.set(idKey, newDecisionId('resend'));
    try {
      const body = recipients.length ? { to: recipients, ...(final ? { requestId: requestIds.get(idKey) } : {}) } : {};
      const r = await api<{ status: string; resendId?: string }>('POST', `/api/ops/notifications/${m.id}/resend`, { body });
      const said = r.resendId ? '已按更正地址重发（发件箱中新增一封重发邮件，原邮件记录不变）'
        : r.status === 'alreadySent' ? '此前已发送，未重复发送' : r.status === 'sent' ? '已发送' : r.status === 'undeliverable' ? '无法投递：请填写更正后的收件地址' : '没有收件人';
      setResult((x) => ({ ...x, [m.id]: said }));
      reload();
    } catch (e) {
      setResult((x) => ({ ...x, [m.id]: e }));
    }
  };
  return (
    <Section title="邮件发件箱">
      <div className="toolbar">
        <label className="inline">
          状态
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">全部</option>
            <option value="pending">待发送</option>
            <option value="sent">已发送</option>
            <option value="failed">发送失败</option>
            <option value="undeliverable">无法投递</option>
          </select>
        </label>
      </div>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && data.notifications.length === 0 && <Empty>没有邮件。</Empty>}
      {data && data.notifications.length > 0 && (
        <table className="responsive" data-testid="outbox">
          <thead>
            <tr>
              <th>主题</th>
              <th>收件人</th>
              <th>状态</th>
              <th>时间</th>
              <th>重发</th>
            </tr>
          </thead>
          <tbody>
            {data.notifications.map((m) => {
              const r = result[m.id];
              return (
                <tr key={m.id} className={m.status === 'failed' || m.status === 'undeliverable' ? 'overdue' : ''}>
                  <td data-label="主题">
                    {m.subject}
                    {m.resendOf && <small className="muted block">按更正地址重发</small>}
                  </td>
                  <td data-label="收件人">{m.to.join('、') || '—'}</td>
                  <td data-label="状态">
                    <span className={m.status === 'sent' ? 'badge green' : m.status === 'failed' || m.status === 'undeliverable' ? 'badge red' : 'badge amber'}>{MAIL_STATUS[m.status] ?? m.status}</span>
                    {m.attempts > 1 && <small className="muted"> 尝试 {m.attempts} 次</small>}
                    {m.lastError && <small className="bad block">{m.lastError}</small>}
                  </td>
                  <td data-label="时间">{formatCst(m.sentAt ?? m.createdAt)}</td>
                  <td data-label="重发">
                    {(() => {
                      // A sent or undeliverable mail is re-sent only to corrected addresses (a new mail); others may keep theirs.
                      const final = m.status === 'sent' || m.status === 'undeliverable';
                      const label = final ? '更正后的收件地址' : '更正收件人（选填）';
                      return (
                        <span className="resend">
                          <input aria-label={label} placeholder={label} value={to[m.id] ?? ''} onChange={(e) => setTo((x) => ({ ...x, [m.id]: e.target.value }))} />
                          <button type="button" disabled={final && !(to[m.id] ?? '').trim()} onClick={() => void resend(m)}>
                            {final ? '重发至更正地址' : '重发'}
                          </button>
                        </span>
                      );
                    })()}
                    {typeof r === 'string' ? <small className="ok block">{r}</small> : r ? <ErrorBox error={r} /> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}

export function Ops() {
  const [tab, setTab] = useState<'workflows' | 'outbox'>('workflows');
  // A detail page links here with ?workflow=<id> for its history.
  const [workflowId, setWorkflowId] = useState(() => new URLSearchParams(location.search).get('workflow') ?? '');
  return (
    <div>
      <Attention />
      <div className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'workflows'} className={tab === 'workflows' ? 'active' : ''} onClick={() => setTab('workflows')}>
          流程与历史
        </button>
        <button type="button" role="tab" aria-selected={tab === 'outbox'} className={tab === 'outbox' ? 'active' : ''} onClick={() => setTab('outbox')}>
          邮件发件箱
        </button>
      </div>
      {tab === 'workflows' ? (
        <>
          <Workflows
            onPick={(id) => {
              setWorkflowId(id);
              setTimeout(() => document.getElementById('history')?.scrollIntoView(), 50);
            }}
          />
          <HistoryView key={workflowId} workflowId={workflowId} setWorkflowId={setWorkflowId} />
        </>
      ) : (
        <Outbox />
      )}
    </div>
  );
}

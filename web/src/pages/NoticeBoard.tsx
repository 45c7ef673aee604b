// 公示栏: the notices open now (GET /api/notices?active=true), for anyone,
// signed in or not, and the complaint form (POST /api/notices/:id/complaints,
// Art. 10, 15). Nothing a complainant writes is shown here.
import { useRef, useState, type FormEvent } from 'react';
import { MAX_COMPLAINT_LENGTH } from '../../../domain/notice';
import { problem, type Problem } from '../../../domain/problems';
import { api, newDecisionId } from '../api';
import { Empty, ErrorBox, Loading, ProblemList, Section, useApi } from '../components';
import { DocumentLinks } from '../DocumentLinks';
import { dueText, formatCst, noticeLevelZh, noticeStatusZh, unitTypeZh } from '../format';

interface BoardNotice {
  id: string;
  level: string;
  workingDays: number;
  opensAt: string;
  closesAt: string;
  provisional: boolean;
  status: string;
  subject: { unitName: string | null; unitType?: string | null; year?: number | null; prefectures: Array<{ code: string; name: string }> };
}

function ComplaintForm({ notice }: { notice: BoardNotice }) {
  const [name, setName] = useState('');
  const [contact, setContact] = useState('');
  const [content, setContent] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [filed, setFiled] = useState<{ complaintId: string; receivedAt: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per complaint being written: a retry after a lost answer files it once.
  const key = useRef(newDecisionId('complaint'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const found: Problem[] = [];
    if (!name.trim()) found.push(problem('complainant.name', 'missing', '请填写投诉人姓名', 'name is required'));
    if (!contact.trim()) found.push(problem('complainant.contact', 'missing', '请填写联系方式（电话或邮箱），以便调查核实后答复', 'contact is required'));
    if (!content.trim()) found.push(problem('content', 'missing', '请填写投诉举报内容', 'content is required'));
    if (content.length > MAX_COMPLAINT_LENGTH) found.push(problem('content', 'tooLong', `内容不能超过 ${MAX_COMPLAINT_LENGTH} 字`, 'too long'));
    setProblems(found);
    if (found.length) return;
    setBusy(true);
    try {
      const r = await api<{ complaintId: string; receivedAt: string }>('POST', `/api/notices/${encodeURIComponent(notice.id)}/complaints`, {
        auth: false,
        headers: { 'idempotency-key': key.current },
        body: { complainant: { name: name.trim(), contact: contact.trim() }, content: content.trim() },
      });
      setFiled(r);
      key.current = newDecisionId('complaint');
      setName('');
      setContact('');
      setContent('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (filed) {
    return (
      <div className="notice-ok" role="status" data-testid="complaint-filed">
        已收到您的投诉举报（编号 {filed.complaintId.slice(0, 8)}，{formatCst(filed.receivedAt)}）。主管部门将调查核实。
        <button type="button" className="link" onClick={() => setFiled(null)}>
          再提交一件
        </button>
      </div>
    );
  }
  return (
    <form className="complaint-form" onSubmit={submit} noValidate aria-label="投诉举报">
      <div className="grid">
        <label>
          姓名
          <input name="complainantName" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        </label>
        <label>
          联系方式
          <input name="complainantContact" value={contact} onChange={(e) => setContact(e.target.value)} autoComplete="tel" />
        </label>
      </div>
      <label>
        投诉举报内容
        <textarea name="content" rows={3} value={content} onChange={(e) => setContent(e.target.value)} />
      </label>
      <ProblemList problems={problems} />
      <ErrorBox error={error} title="未能提交" />
      <p className="hint">您的姓名和联系方式只提供给负责调查核实的主管部门，不会公开。</p>
      <button type="submit" className="primary" disabled={busy}>
        提交投诉举报
      </button>
    </form>
  );
}

export function NoticeBoard() {
  const { data, error, loading } = useApi<{ notices: BoardNotice[] }>('/api/notices?active=true');
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Section title="公示栏">
      <p className="hint">
        以下为正在公示的“两山”实践创新基地申报事项（第十条、第十五条）。公示期内，任何单位和个人均可实名提出投诉举报。
      </p>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && data.notices.length === 0 && <Empty>当前没有正在公示的事项。</Empty>}
      <div className="board" data-testid="board">
        {data?.notices.map((n) => (
          <article key={n.id} className="notice-card" data-testid="board-notice">
            <header>
              <h3>{n.subject.unitName ?? '（未命名）'}</h3>
              <span className="badge">{noticeLevelZh(n.level)}</span>
              <span className={n.status === 'open' ? 'badge green' : 'badge'}>{noticeStatusZh(n.status)}</span>
            </header>
            <p>
              {n.subject.year ? `${n.subject.year}年度 · ` : ''}
              {unitTypeZh(n.subject.unitType)} · {n.subject.prefectures.map((p) => p.name).join('、')}
            </p>
            <p>
              公示期 {n.workingDays} 个工作日：{formatCst(n.opensAt)} 至 <strong>{formatCst(n.closesAt)}</strong>（北京时间） · {dueText(n.closesAt, false)}
              {n.provisional && <span className="muted">（截止时间可能随节假日安排调整）</span>}
            </p>
            <p>
              <DocumentLinks path={`/api/notices/${encodeURIComponent(n.id)}/announcement`} title="公示公告" fileName={`${n.subject.unitName ?? ''}公示`} />
            </p>
            {open === n.id ? (
              <ComplaintForm notice={n} />
            ) : (
              <button type="button" onClick={() => setOpen(n.id)}>
                投诉举报
              </button>
            )}
          </article>
        ))}
      </div>
    </Section>
  );
}

// Dismissing several of a notice's complaints at once (不予受理, issue 15):
// the officer ticks the open complaints that are not to be taken up (junk,
// off-topic, repeated), gives one reason, and sends one request
// (POST /api/notices/:id/complaints/dismissals). All or nothing: a refusal
// names the complaints it concerns and keeps the selection and the reason.
import { useState, type FormEvent } from 'react';
import { complaintExcerpt, MAX_DISMISSAL_COMPLAINTS, MAX_DISMISSAL_REASON_LENGTH } from '../../domain/complaints';
import { problem, type Problem } from '../../domain/problems';
import { api, newDecisionId } from './api';
import { ErrorBox, ProblemList } from './components';
import { actionZh, formatCst } from './format';
import type { SessionUser } from './session';

export interface OpenComplaint {
  id: string;
  receivedAt: string;
  content: string;
}

/**
 * The open complaints of a notice this user may dismiss, as the API decides
 * (domain/complaints.ts checkDismissal): a prefecture notice's by the
 * prefecture running it (`prefecture`: a cross-prefecture unit's notice is run
 * by the one it applied through, Art. 11); a province notice's by the province, or those the province
 * delegated to a prefecture by that prefecture. None once the notice stopped.
 */
export function dismissibleComplaints<C extends OpenComplaint & { status: string; delegatedTo: string | null }>(
  notice: { level: string; outcome: string | null; prefecture?: string | null; complaints: C[] },
  user: SessionUser,
): C[] {
  if (notice.outcome === 'stopped') return [];
  const open = notice.complaints.filter((c) => c.status !== 'closed');
  if (notice.level === 'prefecture') return user.role === 'prefectureOfficer' && (!notice.prefecture || notice.prefecture === user.prefecture) ? open : [];
  if (user.role === 'provinceOfficer') return open;
  return user.role === 'prefectureOfficer' ? open.filter((c) => !!user.prefecture && c.delegatedTo === user.prefecture) : [];
}

export function ComplaintDismissal({ noticeId, complaints, onDone }: { noticeId: string; complaints: OpenComplaint[]; onDone: (count: number) => void }) {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [reason, setReason] = useState('');
  // One id per selection and reason: sending the same again (after a lost answer) is applied once.
  const [decisionId, setDecisionId] = useState(() => newDecisionId('dismiss'));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A new selection or reason is a new request (and what was said of the old one no longer holds).
  const changed = () => {
    setDecisionId(newDecisionId('dismiss'));
    setProblems([]);
  };
  const chosen = complaints.filter((c) => selected.has(c.id));
  const all = complaints.length > 0 && chosen.length === complaints.length;

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    setSelected(next);
    changed();
  };
  const toggleAll = () => {
    setSelected(all ? new Set() : new Set(complaints.map((c) => c.id)));
    changed();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Problem[] = [];
    if (chosen.length === 0) found.push(problem('complaintIds', 'missing', '请至少勾选一件投诉举报', 'select at least one complaint'));
    if (chosen.length > MAX_DISMISSAL_COMPLAINTS) found.push(problem('complaintIds', 'tooMany', `一次最多办理${MAX_DISMISSAL_COMPLAINTS}件`, 'too many complaints'));
    if (!reason.trim()) found.push(problem('reason', 'missing', '请填写不予受理的理由', 'reason is required'));
    setProblems(found);
    if (found.length) return;
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/api/notices/${encodeURIComponent(noticeId)}/complaints/dismissals`, {
        body: { decisionId, complaintIds: chosen.map((c) => c.id), reason: reason.trim() },
      });
      setSelected(new Set());
      setReason('');
      changed();
      onDone(chosen.length);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="decision dismissal" onSubmit={submit} noValidate data-action="dismissComplaints" aria-label={`批量${actionZh('dismissComplaint')}`}>
      <h4>批量不予受理</h4>
      <p className="hint">
        勾选不予受理的投诉举报（如广告、与本次公示无关、重复提交），填写一个理由后一并办理。每件分别记入办理过程，相应待办随之办结；不予受理不会终止公示。
      </p>
      <label className="check select-all">
        <input type="checkbox" checked={all} onChange={toggleAll} data-testid="select-all" />
        <span>全选（待调查 {complaints.length} 件）</span>
      </label>
      <ul className="plain pick-list">
        {complaints.map((c) => (
          <li key={c.id}>
            <label className="check">
              <input type="checkbox" name="complaint" value={c.id} checked={selected.has(c.id)} onChange={() => toggle(c.id)} />
              <span>
                <span className="muted">{formatCst(c.receivedAt)} 收到</span>
                <span className="excerpt">{complaintExcerpt(c.content)}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      <label>
        不予受理的理由
        <textarea
          name="reason"
          rows={2}
          maxLength={MAX_DISMISSAL_REASON_LENGTH}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            changed();
          }}
        />
      </label>
      <ProblemList problems={problems} />
      <ErrorBox error={error} title="未能办理" />
      <button type="submit" className="primary" disabled={busy}>
        不予受理所选 {chosen.length} 件
      </button>
    </form>
  );
}

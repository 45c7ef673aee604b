// The chase (催办, issue 16) of an overdue task: a button beside the task for
// the officers who may chase it (domain/chase.ts, the rule the API applies),
// an optional message, then POST /api/tasks/:id/chase. The chaseId is kept
// until the chase succeeds, so sending again after a lost answer is applied
// once; a refusal is shown as the API said it.
import { useState, type FormEvent } from 'react';
import { MAX_CHASE_MESSAGE_LENGTH, mayChase, taskHolder, type ChaseableTask } from '../../domain/chase';
import { api, newDecisionId } from './api';
import { ErrorBox } from './components';
import { stepZh } from './format';
import type { SessionUser } from './session';

/** Whom the chase reaches, in words. */
function holderZh(task: ChaseableTask): string {
  const holder = taskHolder(task);
  if (holder.kind === 'unit') return '建设主体';
  if (holder.kind === 'expert') return '评审专家';
  return holder.role === 'provinceOfficer' ? '省生态环境厅' : '市（州）生态环境主管部门';
}

export function ChaseTask({ task, user, prefectures, onDone }: { task: ChaseableTask & { id: string }; user: SessionUser; prefectures: readonly string[]; onDone: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [chaseId, setChaseId] = useState(() => newDecisionId('chase'));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  if (!mayChase({ sub: user.sub, role: user.role, prefecture: user.prefecture ?? null }, task, prefectures, Date.now())) return null;
  const label = `催办：${stepZh(task.step)}`;
  if (sent) return <span className="muted" role="status">已催办</span>;
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={label} data-testid="chase-open">
        催办
      </button>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const text = message.trim();
      await api('POST', `/api/tasks/${encodeURIComponent(task.id)}/chase`, { body: { chaseId, ...(text ? { message: text } : {}) } });
      setSent(true);
      setChaseId(newDecisionId('chase'));
      onDone(`已向${holderZh(task)}发出催办：${stepZh(task.step)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="decision" onSubmit={submit} noValidate aria-label={label} data-testid="chase-form">
      <label>
        催办意见（选填）
        <textarea name="message" rows={2} maxLength={MAX_CHASE_MESSAGE_LENGTH} value={message} onChange={(e) => setMessage(e.target.value)} />
      </label>
      <ErrorBox error={error} title="未能催办" />
      <button type="submit" className="primary" disabled={busy}>
        发送催办
      </button>{' '}
      <button type="button" onClick={() => setOpen(false)} disabled={busy}>
        取消
      </button>
    </form>
  );
}

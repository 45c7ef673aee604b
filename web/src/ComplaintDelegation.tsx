// The province's delegation of a province notice's complaint (委托调查核实,
// Art. 15): the province chooses one of the unit's prefectures by name and
// sends POST /api/complaints/:id/investigation with `delegateTo` (the rule is
// domain/complaints.ts checkInvestigation, applied by the notice's workflow).
// Offered to the province only, for an open complaint not yet delegated.
import { useState, type FormEvent } from 'react';
import { prefectureName } from '../../domain/prefectures';
import { problem, type Problem } from '../../domain/problems';
import { api, newDecisionId } from './api';
import { ErrorBox, ProblemList } from './components';
import { actionZh } from './format';
import type { SessionUser } from './session';

/** Whether the delegation form is offered: the province, a province notice's complaint still open and not delegated. */
export function mayDelegateComplaint(notice: { level: string; outcome: string | null }, complaint: { status: string; delegatedTo: string | null }, user: SessionUser): boolean {
  return user.role === 'provinceOfficer' && notice.level === 'province' && notice.outcome !== 'stopped' && complaint.status !== 'closed' && !complaint.delegatedTo;
}

export function ComplaintDelegation({ complaintId, prefectures, onDone }: { complaintId: string; prefectures: readonly string[]; onDone: (prefecture: string) => void }) {
  const [delegateTo, setDelegateTo] = useState('');
  // One id per choice: sending the same again (after a lost answer) is applied once.
  const [decisionId, setDecisionId] = useState(() => newDecisionId('delegate'));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!delegateTo) {
      setProblems([problem('delegateTo', 'missing', '请选择委托的市（州）', 'delegateTo is required')]);
      return;
    }
    setProblems([]);
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/api/complaints/${encodeURIComponent(complaintId)}/investigation`, { body: { decisionId, delegateTo } });
      onDone(delegateTo);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="decision" onSubmit={submit} noValidate data-action="delegateComplaint" aria-label={actionZh('delegateComplaint')}>
      <h4>{actionZh('delegateComplaint')}（第十五条）</h4>
      <label>
        委托的市（州）
        <select
          name="delegateTo"
          value={delegateTo}
          onChange={(e) => {
            setDelegateTo(e.target.value);
            setDecisionId(newDecisionId('delegate'));
          }}
        >
          <option value="">请选择</option>
          {prefectures.map((p) => (
            <option key={p} value={p}>
              {prefectureName(p)}
            </option>
          ))}
        </select>
      </label>
      <ProblemList problems={problems} />
      <ErrorBox error={error} title="未能委托" />
      <button type="submit" className="primary" disabled={busy}>
        委托调查核实
      </button>
    </form>
  );
}

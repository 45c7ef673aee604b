// The base's rectification report (POST /api/bases/:id/rectification-report,
// Art. 23), by its own applicant while the base is under rectification: the
// report and an optional attachment uploaded as soon as it is chosen. The API
// does not say whether a report is still awaited, so the form is offered for
// as long as the base is under rectification; it shows the province's
// requirements and deadline, and a report already sent for them (from the
// base's record of acts). One reportId per content: the same content again
// (a retry, a double click) is recorded once. A refusal shows the API's
// reason; what was typed stays in the form.
import { useMemo, useState, type FormEvent } from 'react';
import { problem, type Problem } from '../../domain/problems';
import { api, newDecisionId } from './api';
import { AttachmentInput, type Attachment } from './AttachmentInput';
import { ErrorBox, ProblemList } from './components';
import { formatCst, formatDate } from './format';

/** An act on the base's record (GET /api/bases/:id `timeline`). */
interface Act {
  action: string;
  payload?: Record<string, unknown> | null;
  at: string;
}

/** The rectification under way: the latest requirement, and the reports sent since. */
export function currentRectification(timeline: readonly Act[]): { requirements: string[]; deadline: string | null; requiredAt: string; reports: string[] } | null {
  const i = timeline.map((t) => t.action).lastIndexOf('requireRectification');
  if (i < 0) return null;
  const req = timeline[i]!;
  const r = req.payload?.requirements;
  const requirements = Array.isArray(r) ? r.map(String) : typeof r === 'string' ? [r] : [];
  const deadline = typeof req.payload?.deadline === 'string' ? req.payload.deadline : null;
  const reports = timeline.slice(i + 1).filter((t) => t.action === 'reportRectification').map((t) => t.at);
  return { requirements, deadline, requiredAt: req.at, reports };
}

export function RectificationReportForm({ baseId, timeline, onSaved }: { baseId: string; timeline: readonly Act[]; onSaved: () => void }) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<Attachment | null>(null);
  const [uploading, setUploading] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One id per content: the same content again is the same report.
  const reportId = useMemo(() => newDecisionId('report'), [text, file?.fileId]);
  const current = currentRectification(timeline);
  const lastReport = current?.reports[current.reports.length - 1];

  const change = <T,>(set: (v: T) => void) => (v: T) => {
    setSaved(null);
    setProblems([]);
    set(v);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    const found: Problem[] = [];
    if (!text.trim()) found.push(problem('report', 'missing', '请填写整改报告', 'the report is required'));
    if (uploading) found.push(problem('fileId', 'uploading', '附件正在上传，请稍候', 'the file is still uploading'));
    setProblems(found);
    if (found.length) return;
    setBusy(true);
    try {
      const r = await api<{ reportedAt: string }>('POST', `/api/bases/${encodeURIComponent(baseId)}/rectification-report`, {
        body: { reportId, report: text.trim(), ...(file ? { fileId: file.fileId } : {}) },
      });
      setSaved(`整改报告已于 ${formatCst(r.reportedAt)} 提交，等待省生态环境厅核查。`);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="提交整改报告" data-testid="rectification-form">
      <h3>提交整改报告</h3>
      {current && (
        <div className="hint" data-testid="rectification-terms">
          <p>
            省生态环境厅于 {formatCst(current.requiredAt)} 提出整改要求
            {current.deadline ? `，整改期限至 ${formatDate(current.deadline)} 24:00（北京时间）` : ''}：
          </p>
          {current.requirements.length > 0 && (
            <ul>
              {current.requirements.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {lastReport && (
        <p className="hint" data-testid="rectification-reported">
          已于 {formatCst(lastReport)} 提交整改报告；如需补充，可再次提交。
        </p>
      )}
      <label>
        整改报告
        <textarea name="report" rows={5} maxLength={20_000} value={text} onChange={(e) => change(setText)(e.target.value)} />
      </label>
      <AttachmentInput name="reportFile" label="附件（选填）" value={file} onChange={change(setFile)} onBusy={setUploading} />
      <ProblemList problems={problems} lead="请先补正：" testId="report-problems" />
      <ErrorBox error={error} title="未能提交" />
      {saved && (
        <p className="notice-ok" role="status" data-testid="report-saved">
          {saved}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? '正在提交…' : '提交整改报告'}
      </button>
    </form>
  );
}

// The base's rectification report (POST /api/bases/:id/rectification-report,
// Art. 23), by its own applicant while the base is under rectification: the
// report and an optional attachment uploaded as soon as it is chosen. The API
// does not say whether a report is still awaited, so the form is offered for
// as long as the base is under rectification; it shows the province's
// requirements and deadline, and a report already sent for them (from the
// base's record of acts). One reportId per content: the same content again
// (a retry, a double click) is recorded once. A refusal shows the API's
// reason; what was typed stays in the form (./BaseSubmission.tsx, as for the
// annual summary).
import { useMemo, useState, type FormEvent } from 'react';
import { problem, type Problem } from '../../domain/problems';
import { api, newDecisionId } from './api';
import { useBaseSubmission } from './BaseSubmission';
import { formatCst, formatDate } from './format';

/** An act on the base's record (GET /api/bases/:id `timeline`). */
interface Act {
  action: string;
  payload?: Record<string, unknown> | null;
  at: string;
}

/**
 * The rectification under way: the latest requirement, and the reports sent
 * since. A warning that carries requirements puts the base under
 * rectification as a requirement does (Art. 24, domain/transitions.ts warn).
 */
export function currentRectification(timeline: readonly Act[]): { requirements: string[]; deadline: string | null; requiredAt: string; reports: string[] } | null {
  const i = timeline.findLastIndex((t) => t.action === 'requireRectification' || (t.action === 'warn' && t.payload?.requirements != null));
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
  const form = useBaseSubmission('附件正在上传，请稍候');
  const { file, change } = form;
  // One id per content: the same content again is the same report.
  const reportId = useMemo(() => newDecisionId('report'), [text, file?.fileId]);
  const current = currentRectification(timeline);
  const lastReport = current?.reports[current.reports.length - 1];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Problem[] = [];
    if (!text.trim()) found.push(problem('report', 'missing', '请填写整改报告', 'the report is required'));
    await form.submit(found, async () => {
      const r = await api<{ reportedAt: string }>('POST', `/api/bases/${encodeURIComponent(baseId)}/rectification-report`, {
        body: { reportId, report: text.trim(), ...(file ? { fileId: file.fileId } : {}) },
      });
      onSaved();
      return `整改报告已于 ${formatCst(r.reportedAt)} 提交，等待省生态环境厅核查。`;
    });
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
      {form.attachment({ name: 'reportFile', label: '附件（选填）' })}
      {form.footer({ problemsTestId: 'report-problems', savedTestId: 'report-saved', label: '提交整改报告' })}
    </form>
  );
}

// The base's annual work summary (POST /api/bases/:id/annual-summaries,
// Art. 18), submitted by its own applicant: a year the base may summarise
// (domain/base-submissions.ts summaryYears, CST years), the text, and the
// summary's file uploaded as soon as it is chosen. One submissionId per
// content of the form: sending the same again (a retry after a lost answer,
// a double click) is applied once; any change makes a new submission, which
// for a year already in is a correction (its next version) until the
// summary's due date, 31 January 24:00 北京时间 of the next year.
// A refusal shows the API's reason; what was typed stays in the form
// (./BaseSubmission.tsx, as for the rectification report).
import { useMemo, useState, type FormEvent } from 'react';
import { summaryYears } from '../../domain/base-submissions';
import { annualSummaryDue } from '../../domain/deadlines';
import { problem, type Problem } from '../../domain/problems';
import { api, newDecisionId } from './api';
import { useBaseSubmission } from './BaseSubmission';
import { formatCst } from './format';

/** What the form needs of a year's summary on record (GET /api/bases/:id `summaries`). */
export interface SummaryOnRecord {
  year: number;
  version: number;
  dueAt?: string;
}

/** The earliest year not yet summarised whose due date has not passed (in January: last year's), else the latest year. */
function defaultYear(years: number[], summaries: readonly SummaryOnRecord[], now: number): number | undefined {
  const open = years.filter((y) => !summaries.some((s) => s.year === y) && now <= Date.parse(annualSummaryDue(y).dueAt));
  return open[0] ?? years[years.length - 1];
}

export function SummaryForm({ baseId, namedOn, summaries, onSaved }: { baseId: string; namedOn: string; summaries: readonly SummaryOnRecord[]; onSaved: () => void }) {
  const now = Date.now();
  const range = summaryYears(namedOn, now);
  const years = Array.from({ length: Math.max(0, range.last - range.first + 1) }, (_, i) => range.first + i);
  const [year, setYear] = useState(String(defaultYear(years, summaries, now) ?? ''));
  const [text, setText] = useState('');
  const form = useBaseSubmission('总结材料正在上传，请稍候');
  const { file, change } = form;
  // One id per content: the same content again is the same submission.
  const submissionId = useMemo(() => newDecisionId('summary'), [year, text, file?.fileId]);

  const onRecord = summaries.find((s) => String(s.year) === year);
  const dueAt = onRecord?.dueAt ?? (year ? annualSummaryDue(Number(year)).dueAt : null);
  const correctionClosed = !!onRecord && !!dueAt && now > Date.parse(dueAt);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Problem[] = [];
    if (!year) found.push(problem('year', 'missing', '请选择年度', 'choose a year'));
    if (!text.trim()) found.push(problem('summary', 'missing', '请填写工作总结', 'the summary is required'));
    if (!file) found.push(problem('fileId', 'missing', '请上传总结材料文件', 'the file is required'));
    await form.submit(found, async () => {
      const r = await api<{ year: number; late: boolean; version: number }>('POST', `/api/bases/${encodeURIComponent(baseId)}/annual-summaries`, {
        body: { submissionId, year: Number(year), fileId: file!.fileId, summary: text.trim() },
      });
      onSaved();
      return `已提交${r.year}年度工作总结（第${r.version}版${r.version > 1 ? '，更正' : ''}${r.late ? '，逾期提交' : ''}）。`;
    });
  };

  if (years.length === 0) return <p className="muted">暂无可提交总结的年度。</p>;
  return (
    <form onSubmit={submit} noValidate aria-label="提交年度工作总结" data-testid="summary-form">
      <h3>提交年度工作总结</h3>
      <label className="inline">
        年度
        <select name="summaryYear" value={year} onChange={(e) => change(setYear)(e.target.value)}>
          {years.map((y) => (
            <option key={y} value={y}>
              {y}年度
            </option>
          ))}
        </select>
      </label>
      <p className="hint" data-testid="summary-due" aria-live="polite">
        {!dueAt
          ? null
          : !onRecord
            ? `${year}年度工作总结应于 ${formatCst(dueAt)}（北京时间）前提交。`
            : correctionClosed
              ? `${year}年度工作总结已提交（现行第${onRecord.version}版），更正已于 ${formatCst(dueAt)}（北京时间）截止，现已不能更正。`
              : `${year}年度已提交第${onRecord.version}版：再次提交即为更正，将作为第${onRecord.version + 1}版（以前各版均保留），更正受理至 ${formatCst(dueAt)}（北京时间）。`}
      </p>
      <label>
        工作总结
        <textarea name="summary" rows={5} maxLength={20_000} value={text} onChange={(e) => change(setText)(e.target.value)} />
      </label>
      {form.attachment({ name: 'summaryFile', label: '总结材料文件' })}
      {form.footer({ problemsTestId: 'summary-problems', savedTestId: 'summary-saved', label: onRecord ? '提交更正' : '提交总结' })}
    </form>
  );
}

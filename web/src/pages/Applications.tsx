// 申报: the applications the caller may see (GET /api/applications).
import { useState } from 'react';
import { APPLICATION_STAGES } from '../../../domain/stages';
import { ExportLink } from '../ExportLink';
import { Empty, ErrorBox, Link, Loading, Section, useApi } from '../components';
import { formatCst, prefecturesZh, stageZh, submissionPathZh, unitTypeZh } from '../format';
import type { SessionUser } from '../session';

interface Row {
  id: string;
  year: number;
  stage: string;
  unit: { name: string; type: string; prefectures: string[] };
  /** Art. 11: `province`, or the code of the prefecture that pre-reviews it. */
  submitVia?: string;
  applicantName?: string;
  submittedAt: string;
}

export function Applications({ user }: { user: SessionUser }) {
  const [stage, setStage] = useState('');
  const { data, error, loading } = useApi<{ applications: Row[] }>(`/api/applications${stage ? `?stage=${stage}` : ''}`);
  return (
    <Section title={user.role === 'applicant' ? '我的申报' : '申报'}>
      <div className="toolbar">
        <label className="inline">
          阶段
          <select value={stage} onChange={(e) => setStage(e.target.value)}>
            <option value="">全部</option>
            {APPLICATION_STAGES.map((s) => (
              <option key={s.stage} value={s.stage}>
                {s.zh}
              </option>
            ))}
          </select>
        </label>
        <ExportLink path={`/api/applications/export.xlsx${stage ? `?stage=${stage}` : ''}`} fileName="申报列表.xlsx" />
        {user.role === 'applicant' && (
          <Link to="/applications/new" className="button primary">
            新建申报
          </Link>
        )}
      </div>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && data.applications.length === 0 && <Empty>没有申报。</Empty>}
      {data && data.applications.length > 0 && (
        <table className="responsive" data-testid="applications">
          <thead>
            <tr>
              <th>建设单元</th>
              <th>类型</th>
              <th>所在市（州）</th>
              <th>申报途径</th>
              <th>年度</th>
              <th>阶段</th>
              <th>提交时间</th>
            </tr>
          </thead>
          <tbody>
            {data.applications.map((a) => (
              <tr key={a.id}>
                <td data-label="建设单元">
                  <Link to={`/applications/${a.id}`}>{a.unit.name}</Link>
                </td>
                <td data-label="类型">{unitTypeZh(a.unit.type)}</td>
                <td data-label="市（州）">{prefecturesZh(a.unit.prefectures)}</td>
                <td data-label="申报途径">{a.submitVia ? submissionPathZh(a.submitVia) : '—'}</td>
                <td data-label="年度">{a.year}</td>
                <td data-label="阶段">
                  <span className="badge">{stageZh(a.stage)}</span>
                </td>
                <td data-label="提交时间">{formatCst(a.submittedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

// 基地: named bases the caller may see (GET /api/bases).
import { BASE_STATUSES } from '../../../domain/stages';
import { useState } from 'react';
import { DocumentLinks } from '../DocumentLinks';
import { ExportLink } from '../ExportLink';
import { Empty, ErrorBox, Link, Loading, Section, useApi } from '../components';
import { baseStatusZh, formatDate, prefecturesZh, unitTypeZh } from '../format';
import type { SessionUser } from '../session';

interface Row {
  id: string;
  status: string;
  unit: { name: string; type: string; prefectures: string[] };
  namedOn: string;
  termStartsOn: string;
  termEndsOn: string;
  termNo: number;
  nationalRecommended: boolean;
}

export function Bases({ user }: { user: SessionUser }) {
  const [status, setStatus] = useState('');
  const { data, error, loading } = useApi<{ bases: Row[] }>(`/api/bases${status ? `?status=${status}` : ''}`);
  return (
    <Section title={user.role === 'applicant' ? '我的基地' : '“两山”基地'}>
      <div className="toolbar">
        <label className="inline">
          状态
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">全部</option>
            {BASE_STATUSES.map((s) => (
              <option key={s.status} value={s.status}>
                {s.zh}
              </option>
            ))}
          </select>
        </label>
        <ExportLink path={`/api/bases/export.xlsx${status ? `?status=${status}` : ''}`} fileName="基地列表.xlsx" />
      </div>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && data.bases.length === 0 && <Empty>没有基地。</Empty>}
      {data && data.bases.length > 0 && (
        <table className="responsive" data-testid="bases">
          <thead>
            <tr>
              <th>基地</th>
              <th>类型</th>
              <th>所在市（州）</th>
              <th>状态</th>
              <th>命名日期</th>
              <th>有效期</th>
            </tr>
          </thead>
          <tbody>
            {data.bases.map((b) => (
              <tr key={b.id}>
                <td data-label="基地">
                  <Link to={`/bases/${b.id}`}>{b.unit.name}</Link>
                  {b.nationalRecommended && <span className="badge">已向国家推荐</span>}
                </td>
                <td data-label="类型">{unitTypeZh(b.unit.type)}</td>
                <td data-label="市（州）">{prefecturesZh(b.unit.prefectures)}</td>
                <td data-label="状态">
                  <span className="badge">{baseStatusZh(b.status)}</span>
                </td>
                <td data-label="命名">{formatDate(b.namedOn)}</td>
                <td data-label="有效期">
                  第{b.termNo}期：{formatDate(b.termStartsOn)} 至 {formatDate(b.termEndsOn)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && (user.role === 'provinceOfficer' || user.role === 'ops') && (
        <div data-testid="naming-lists">
          {namingYears(data.bases).map((year) => (
            <p key={year}>
              <DocumentLinks path={`/api/namings/${year}`} title={`${year}年度命名名单`} fileName={`${year}年度命名名单`} />
            </p>
          ))}
        </div>
      )}
    </Section>
  );
}

/** The years the listed bases were first named in, latest first: each has its naming list (Art. 16). */
function namingYears(bases: readonly Row[]): string[] {
  return [...new Set(bases.map((b) => b.namedOn.slice(0, 4)))].sort().reverse();
}

// The 两山指数 indicator data by Excel template (GET /api/bases/:id/indicator-sheet.xlsx,
// POST /api/bases/:id/indicator-sheet): whoever sees the base downloads the
// template for a range of years, pre-filled with what is on record; the base's
// own applicant uploads it filled. A file with problems is answered with each
// cell (sheet, cell such as G7, what is wrong) and nothing is saved; a clean
// one records each changed year and the evaluation is read again.
import { useState } from 'react';
import { api, ApiError } from './api';
import { ErrorBox } from './components';
import { downloadFile } from './download';
import { FilePicker } from './FilePicker';

interface CellProblem {
  sheet: string;
  cell: string;
  zh: string;
}

interface UploadResult {
  recordedYears: number[];
  unchangedYears: number[];
}

const yearsZh = (years: number[]) => years.map((y) => `${y}年`).join('、');

export function IndicatorSheet({ baseId, years, canUpload, onSaved }: { baseId: string; years: number[]; canUpload: boolean; onSaved: () => void }) {
  const [from, setFrom] = useState(String(years[0] ?? ''));
  const [to, setTo] = useState(String(years[years.length - 1] ?? ''));
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [cells, setCells] = useState<CellProblem[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const base = `/api/bases/${encodeURIComponent(baseId)}`;

  const download = async () => {
    setBusy('download');
    setError(null);
    try {
      await downloadFile(`${base}/indicator-sheet.xlsx?from=${from}&to=${to}`, '指标数据模板.xlsx');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const upload = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    setBusy('upload');
    setError(null);
    setCells([]);
    setSaved(null);
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const r = await api<UploadResult>('POST', `${base}/indicator-sheet`, { form });
      const parts = [r.recordedYears.length ? `已保存${yearsZh(r.recordedYears)}的指标数据` : '', r.unchangedYears.length ? `${yearsZh(r.unchangedYears)}与已报送的数值相同，未重复报送` : ''].filter(Boolean);
      setSaved(`“${file.name}”上传成功：${parts.join('；')}。评估已更新。`);
      onSaved();
    } catch (e) {
      const listed = e instanceof ApiError && e.status === 422 ? (e.details as CellProblem[] | undefined)?.filter((p) => typeof p?.zh === 'string') ?? [] : [];
      if (listed.length) setCells(listed);
      else setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="indicator-sheet" data-testid="indicator-sheet">
      <p className="hint">下载 Excel 模板离线填写：模板列出二十项指标的单位和目标，已报送的数值已预先填入；填好后在此上传，全部无误才会保存。</p>
      <div className="toolbar">
        <label className="inline">
          自
          <select value={from} onChange={(e) => setFrom(e.target.value)} aria-label="模板起始年度">
            {years.map((y) => (
              <option key={y} value={y}>
                {y}年
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          至
          <select value={to} onChange={(e) => setTo(e.target.value)} aria-label="模板结束年度">
            {years.filter((y) => y >= Number(from)).map((y) => (
              <option key={y} value={y}>
                {y}年
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void download()} disabled={busy !== null} data-testid="indicator-sheet-download">
          {busy === 'download' ? '正在生成…' : '下载模板'}
        </button>
      </div>
      {canUpload && (
        <FilePicker
          name="indicator-sheet"
          label="上传填好的模板（Excel 表格 .xlsx）"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onFiles={(f) => void upload(f)}
        />
      )}
      {busy === 'upload' && <p className="muted" role="status">正在上传并检查…</p>}
      {cells.length > 0 && (
        <div className="error" role="alert" data-testid="indicator-sheet-problems">
          <strong>模板有 {cells.length} 处问题，未保存任何数据。请改正后重新上传：</strong>
          <ul>
            {cells.map((p, i) => (
              <li key={i}>
                {p.cell ? (
                  <>
                    <span className="cell-ref">{p.sheet} {p.cell}</span>：
                  </>
                ) : null}
                {p.zh}
              </li>
            ))}
          </ul>
        </div>
      )}
      <ErrorBox error={error} title="未能完成" />
      {saved && (
        <p className="notice-ok" role="status" data-testid="indicator-sheet-saved">
          {saved}
        </p>
      )}
    </div>
  );
}

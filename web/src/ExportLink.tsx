// 导出 Excel: a list page's rows as the API exports them (GET …/export.xlsx,
// same filters as the page), saved under the name the API gives
// (web/src/download.ts).
import { useState } from 'react';
import { ApiError } from './api';
import { downloadFile } from './download';

/** The page's list as an Excel file: `path` is the export route with the page's filters. */
export function ExportLink({ path, fileName, label = '导出 Excel' }: { path: string; fileName: string; label?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await downloadFile(path, fileName);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '导出失败');
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="export-link">
      <button type="button" data-testid="export-xlsx" onClick={() => void run()} disabled={busy}>
        {busy ? '正在导出…' : label}
      </button>
      {error && (
        <span className="error-text" role="alert">
          （未能导出：{error}）
        </span>
      )}
    </span>
  );
}

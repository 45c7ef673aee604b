// 导出 Excel: a list page's rows as the API exports them (GET …/export.xlsx,
// same filters as the page). A plain link could not send the Bearer token,
// so a click fetches the file and saves it under the name the API gives
// (Content-Disposition filename*, Chinese).
import { useState } from 'react';
import { ApiError, statusZh } from './api';
import { getToken } from './session';

/** Fetches a file the API answers with the session's token and saves it; throws ApiError with the API's message. */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  if (!res.ok) {
    let message = statusZh(res.status);
    let details: unknown;
    try {
      const body = (await res.json()) as { error?: { message?: string; details?: unknown } };
      message = body.error?.message ?? message;
      details = body.error?.details;
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(res.status, 'error', message, details);
  }
  const named = /filename\*=UTF-8''([^;]+)/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const name = named ? decodeURIComponent(named) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

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

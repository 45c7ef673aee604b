// A document the API lists (an application's materials, a base's annual
// summaries, a grave act's minutes and evidence), shown by its name, never
// its id. A click fetches it from GET /api/files/:id with the session's
// Bearer token (a plain link could not send it): PDF and images open in a
// new tab from a blob: URL, any other type is saved under its original name.
import { useState } from 'react';
import { ApiError } from './api';
import { fetchWithToken, KEEP_URL_MS, saveAs } from './download';

/** What a browser shows in place; the API serves these `inline` too. */
const PREVIEW_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];

export function FileLink({ fileId, name }: { fileId: string; name: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const blob = await (await fetchWithToken(`/api/files/${encodeURIComponent(fileId)}`)).blob();
      const url = URL.createObjectURL(blob);
      setTimeout(() => URL.revokeObjectURL(url), KEEP_URL_MS);
      if (PREVIEW_TYPES.includes(blob.type)) {
        const tab = window.open(url, '_blank');
        if (tab) tab.opener = null;
        // A blocked pop-up: save it instead.
        else saveAs(url, name);
      } else {
        saveAs(url, name);
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '无法打开文件');
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="file-link">
      <button type="button" className="link" data-testid="file-link" onClick={() => void open()} disabled={busy} title={`打开“${name}”`}>
        {name}
      </button>
      {busy && <span className="muted">（正在打开…）</span>}
      {error && (
        <span className="error-text" role="alert">
          （无法打开：{error}）
        </span>
      )}
    </span>
  );
}

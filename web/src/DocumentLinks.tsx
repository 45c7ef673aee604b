// The documents the system generates (api/documents.ts, docs/DOCUMENTS.md):
// a notice's announcement, a base's post-evaluation report, a year's naming
// list, each as an editable Word file (DOCX) and as a PDF. A click fetches the
// file with the session’s token (web/src/download.ts) and saves
// it under the Chinese name the API gives.
import { useState } from 'react';
import { ApiError } from './api';
import { downloadFile } from './download';

const FORMATS = [
  { ext: 'docx', zh: '可编辑版（DOCX）' },
  { ext: 'pdf', zh: 'PDF' },
] as const;

/** `path` is the document's route without its extension, e.g. `/api/bases/<id>/evaluation-report`; `title` says which document. */
export function DocumentLinks({ path, title, fileName }: { path: string; title: string; fileName: string }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (ext: string) => {
    setBusy(ext);
    setError(null);
    try {
      await downloadFile(`${path}.${ext}`, `${fileName}.${ext}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '下载失败');
    } finally {
      setBusy(null);
    }
  };
  return (
    <span className="document-links" data-testid="document-links">
      <span className="muted">{title}：</span>
      {FORMATS.map((f) => (
        <button key={f.ext} type="button" className="link" data-testid={`document-${f.ext}`} onClick={() => void run(f.ext)} disabled={busy !== null} aria-label={`下载${f.zh}：${title}`}>
          下载{f.zh}
        </button>
      ))}
      {busy && <span className="muted">（正在生成…）</span>}
      {error && (
        <span className="error-text" role="alert">
          （未能下载：{error}）
        </span>
      )}
    </span>
  );
}

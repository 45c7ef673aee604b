// One attachment of a base's own submission (annual summary, rectification
// report): the file chosen is uploaded at once (POST /api/files, checked by
// content on the server) and the form keeps the returned id; the person sees
// the file's name, never the id. A failed upload is announced (role="alert").
import { useId, useState } from 'react';
import { api, ApiError } from './api';
import { FilePicker } from './FilePicker';

export interface Attachment {
  fileId: string;
  name: string;
}

export const ATTACHMENT_ACCEPT = '.pdf,.ofd,.png,.jpg,.jpeg,.docx,.xlsx';

export function AttachmentInput({
  name,
  label,
  value,
  onChange,
  onBusy,
}: {
  name: string;
  label: string;
  value: Attachment | null;
  onChange: (a: Attachment | null) => void;
  /** Told while an upload is under way, so the form does not send without it. */
  onBusy?: (busy: boolean) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();
  const upload = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    setBusy(true);
    onBusy?.(true);
    setError(null);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const r = await api<{ fileId: string }>('POST', '/api/files', { form });
      onChange({ fileId: r.fileId, name: file.name });
    } catch (e) {
      setError(`“${file.name}”未能上传：${e instanceof ApiError ? e.message : String(e)}`);
    } finally {
      setBusy(false);
      onBusy?.(false);
    }
  };
  return (
    <div className="file-field">
      <FilePicker name={name} label={label} accept={ATTACHMENT_ACCEPT} describedBy={hintId} onFiles={(files) => void upload(files)} />
      <span id={hintId} className="hint">
        PDF、OFD、PNG、JPEG、DOCX 或 XLSX，选择后即上传
      </span>
      {busy && (
        <span className="muted" role="status">
          正在上传…
        </span>
      )}
      {value && !busy && (
        <span className="ok" data-testid={`uploaded-${name}`}>
          ✓ 已上传 {value.name}{' '}
          <button type="button" className="link" onClick={() => onChange(null)}>
            移除
          </button>
        </span>
      )}
      {error && (
        <span className="bad" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

// What a base's own submissions with an attachment (the annual summary, the
// rectification report) share: the attachment uploaded as soon as it is
// chosen, nothing sent while it is still uploading, the form's problems said
// before anything is sent, the API's refusal shown with what was typed kept,
// and the confirmation once recorded. Any change clears the last answer.
import { useState, type ReactNode } from 'react';
import { problem, type Problem } from '../../domain/problems';
import { AttachmentInput, type Attachment } from './AttachmentInput';
import { ErrorBox, ProblemList } from './components';

export interface BaseSubmission {
  file: Attachment | null;
  busy: boolean;
  /** Wraps a field's setter: the change clears the last problems and confirmation. */
  change: <T>(set: (v: T) => void) => (v: T) => void;
  /** Sends unless `found` (or the upload under way) says what to correct first; `send` answers the confirmation. */
  submit: (found: Problem[], send: () => Promise<string>) => Promise<void>;
  /** The attachment field. */
  attachment: (props: { name: string; label: string }) => ReactNode;
  /** The problems, the refusal and the confirmation, then the submit button. */
  footer: (props: { problemsTestId: string; savedTestId: string; label: string }) => ReactNode;
}

/** `uploadingZh`: what to say when the attachment is still uploading. */
export function useBaseSubmission(uploadingZh: string): BaseSubmission {
  const [file, setFile] = useState<Attachment | null>(null);
  const [uploading, setUploading] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const change = <T,>(set: (v: T) => void) => (v: T) => {
    setSaved(null);
    setProblems([]);
    set(v);
  };

  const submit = async (found: Problem[], send: () => Promise<string>) => {
    setError(null);
    setSaved(null);
    const all = uploading ? [...found.filter((p) => p.field !== 'fileId'), problem('fileId', 'uploading', uploadingZh, 'the file is still uploading')] : found;
    setProblems(all);
    if (all.length) return;
    setBusy(true);
    try {
      setSaved(await send());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return {
    file,
    busy,
    change,
    submit,
    attachment: ({ name, label }) => <AttachmentInput name={name} label={label} value={file} onChange={change(setFile)} onBusy={setUploading} />,
    footer: ({ problemsTestId, savedTestId, label }) => (
      <>
        <ProblemList problems={problems} lead="请先补正：" testId={problemsTestId} />
        <ErrorBox error={error} title="未能提交" />
        {saved && (
          <p className="notice-ok" role="status" data-testid={savedTestId}>
            {saved}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? '正在提交…' : label}
        </button>
      </>
    ),
  };
}

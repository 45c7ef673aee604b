// The console's file field: the browser's own file input says "Choose File"
// in the language of the browser, not the console's, so it is visually hidden
// (still focusable: Tab reaches it, Space or Enter opens the chooser, and its
// name attribute and the tests' setInputFiles work as before) and a label
// styled as a button says 选择文件. The field's name is its label and the
// button's words.
import { useId, type ChangeEvent } from 'react';

export function FilePicker({
  name,
  label,
  accept,
  multiple = false,
  describedBy,
  onFiles,
}: {
  name: string;
  label: string;
  accept: string;
  multiple?: boolean;
  describedBy?: string;
  onFiles: (files: FileList | null) => void;
}) {
  const id = useId();
  return (
    <div className="file-picker">
      <span id={`${id}-label`}>{label}</span>
      <input
        id={id}
        type="file"
        className="visually-hidden"
        name={name}
        accept={accept}
        multiple={multiple}
        aria-labelledby={`${id}-label ${id}-button`}
        aria-describedby={describedBy}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onFiles(e.target.files)}
      />
      <label htmlFor={id} id={`${id}-button`} className="file-button">
        {multiple ? '选择文件（可多选）' : '选择文件'}
      </label>
    </div>
  );
}

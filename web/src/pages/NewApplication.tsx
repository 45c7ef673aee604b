// The submission (申报, Art. 7, 8, 11, 12): the unit (for a cross-prefecture
// unit, its path: directly to the province or through one of its
// prefectures, Art. 11), the applicant, and the
// materials, each file uploaded as soon as it is chosen (POST /api/files).
// The checklist beside the form says what is still missing, by the same rules
// the API applies (domain/materials.ts), before anything is sent; what the
// API refuses is shown with its reasons and the form keeps what was typed.
import { currentOrNextAcceptanceWindow } from '../../../domain/deadlines';
import { useState, type FormEvent } from 'react';
import { CONDITIONS, MATERIAL_CHECKLIST, PLAN_CHAPTERS, PLAN_ISSUERS, TERRAINS, UNIT_TYPES, missingMaterials, validateSubmission } from '../../../domain/materials';
import { PREFECTURES, isCrossPrefecture } from '../../../domain/prefectures';
import { SUBMIT_VIA_PROVINCE } from '../../../domain/submission-path';
import type { Problem } from '../../../domain/problems';
import { api, ApiError } from '../api';
import { ErrorBox, Section } from '../components';
import { FilePicker } from '../FilePicker';
import { plainZh, prefectureName } from '../format';
import { navigate } from '../router';
import type { SessionUser } from '../session';

type Slot = 'letter' | 'cond1' | 'cond2' | 'cond3' | 'cond4' | 'plan';
interface Upload {
  fileId?: string;
  name: string;
  size?: number;
  busy: boolean;
  error?: string;
}


function FileField({ slot, label, upload, onPick }: { slot: Slot; label: string; upload: Upload | undefined; onPick: (slot: Slot, file: File) => void }) {
  return (
    <div className="file-field">
      <FilePicker
        name={`file-${slot}`}
        label={label}
        accept=".pdf,.ofd,.png,.jpg,.jpeg,.docx,.xlsx"
        onFiles={(files) => {
          const f = files?.[0];
          if (f) onPick(slot, f);
        }}
      />
      {upload?.busy && <span className="muted">正在上传 {upload.name}…</span>}
      {upload?.fileId && !upload.busy && (
        <span className="ok" data-testid={`uploaded-${slot}`}>
          ✓ 已上传 {upload.name}
          {upload.size !== undefined ? `（${Math.max(1, Math.round(upload.size / 1024))} KB）` : ''}
        </span>
      )}
      {upload?.error && <span className="bad">{upload.error}</span>}
    </div>
  );
}

export function NewApplication({ user }: { user: SessionUser }) {
  // The year whose acceptance window is open now, or opens next (Art. 11: 1 January to 30 June, CST).
  const [year, setYear] = useState(() => String(currentOrNextAcceptanceWindow(Date.now()).year));
  const [unitName, setUnitName] = useState('');
  const [unitType, setUnitType] = useState('county');
  const [others, setOthers] = useState<string[]>([]);
  /** Art. 11: a cross-prefecture unit's path, `province` or one of its prefectures' codes; '' until chosen. */
  const [submitVia, setSubmitVia] = useState('');
  const [terrain, setTerrain] = useState('mountain');
  const [applicantName, setApplicantName] = useState(user.name ?? '');
  const [email, setEmail] = useState(user.email ?? '');
  const [uploads, setUploads] = useState<Partial<Record<Slot, Upload>>>({});
  const [explanations, setExplanations] = useState<Record<number, string>>({});
  const [issuedBy, setIssuedBy] = useState('');
  const [chapters, setChapters] = useState<string[]>([]);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (user.role !== 'applicant') return <Section title="新建申报">只有建设主体可以提交申报。</Section>;
  const own = user.prefecture ?? '';

  const pick = async (slot: Slot, file: File) => {
    setUploads((u) => ({ ...u, [slot]: { name: file.name, busy: true } }));
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const r = await api<{ fileId: string; size: number }>('POST', '/api/files', { form });
      setUploads((u) => ({ ...u, [slot]: { name: file.name, busy: false, fileId: r.fileId, size: r.size } }));
    } catch (e) {
      setUploads((u) => ({ ...u, [slot]: { name: file.name, busy: false, error: e instanceof ApiError ? e.message : String(e) } }));
    }
  };

  const fileId = (slot: Slot) => uploads[slot]?.fileId;
  const materials = [
    ...(fileId('letter') ? [{ kind: 'applicationLetter', fileId: fileId('letter') }] : []),
    ...CONDITIONS.filter((c) => fileId(`cond${c.condition}` as Slot) || explanations[c.condition]?.trim()).map((c) => ({
      kind: 'conditionEvidence',
      condition: c.condition,
      ...(fileId(`cond${c.condition}` as Slot) ? { fileId: fileId(`cond${c.condition}` as Slot) } : {}),
      ...(explanations[c.condition]?.trim() ? { explanation: explanations[c.condition]!.trim() } : {}),
    })),
    ...(fileId('plan') || issuedBy || chapters.length
      ? [{ kind: 'implementationPlan', ...(fileId('plan') ? { fileId: fileId('plan') } : {}), ...(issuedBy ? { issuedBy } : {}), chapters: PLAN_CHAPTERS.map((c) => c.key).filter((k) => chapters.includes(k)) }]
      : []),
  ];
  const missing = missingMaterials(materials);
  const unitPrefectures = [own, ...others.filter((o) => o !== own)];
  const cross = isCrossPrefecture(unitPrefectures);
  // A prefecture chosen, then unticked, is no longer a choice.
  const via = submitVia === SUBMIT_VIA_PROVINCE || unitPrefectures.includes(submitVia) ? submitVia : '';
  const body = {
    year: Number(year),
    unit: { name: unitName.trim(), type: unitType, prefectures: unitPrefectures, terrain },
    applicant: { name: applicantName.trim(), contactEmail: email.trim() },
    materials,
    ...(cross && via ? { submitVia: via } : {}),
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const found = validateSubmission(body);
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      const r = await api<{ id: string }>('POST', '/api/applications', { body });
      navigate(`/applications/${r.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="two-col">
      <form className="card" onSubmit={submit} noValidate aria-label="申报表">
        <h1>新建申报</h1>
        <fieldset>
          <legend>建设单元（第四条）</legend>
          <div className="grid">
            <label>
              申报年度
              <input name="year" type="number" value={year} onChange={(e) => setYear(e.target.value)} min={2020} max={2100} />
            </label>
            <label>
              建设单元名称
              <input name="unitName" value={unitName} onChange={(e) => setUnitName(e.target.value)} placeholder="如：赤水市" />
            </label>
            <label>
              类型
              <select name="unitType" value={unitType} onChange={(e) => setUnitType(e.target.value)}>
                {UNIT_TYPES.map((t) => (
                  <option key={t.type} value={t.type}>
                    {t.zh}
                  </option>
                ))}
              </select>
            </label>
            <label>
              地形（林草覆盖率目标）
              <select name="terrain" value={terrain} onChange={(e) => setTerrain(e.target.value)}>
                {TERRAINS.map((t) => (
                  <option key={t.terrain} value={t.terrain}>
                    {t.zh}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p>
            所在市（州）：<strong>{prefectureName(own)}</strong>
          </p>
          <details>
            <summary>跨市（州）的建设单元：另选涉及的市（州）（第十一条）</summary>
            <div className="checks">
              {PREFECTURES.filter((p) => p.code !== own).map((p) => (
                <label key={p.code} className="check">
                  <input type="checkbox" checked={others.includes(p.code)} onChange={(e) => setOthers((o) => (e.target.checked ? [...o, p.code] : o.filter((x) => x !== p.code)))} />
                  {p.zh}
                </label>
              ))}
            </div>
          </details>
          {cross && (
            <fieldset className="path-choice" data-testid="submit-via">
              <legend>申报途径（第十一条）</legend>
              <p className="hint">跨市（州）的建设单元可以直接向省生态环境厅申报，也可以通过所在的一个市（州）申报：由该市（州）预审、公示，并经市（州）政府同意后推荐报省。</p>
              <label className="check">
                <input type="radio" name="submitVia" value={SUBMIT_VIA_PROVINCE} checked={via === SUBMIT_VIA_PROVINCE} onChange={() => setSubmitVia(SUBMIT_VIA_PROVINCE)} />
                直接向省生态环境厅申报
              </label>
              {unitPrefectures.map((code) => (
                <label key={code} className="check">
                  <input type="radio" name="submitVia" value={code} checked={via === code} onChange={() => setSubmitVia(code)} />
                  通过{prefectureName(code)}申报（由{prefectureName(code)}预审、公示和推荐）
                </label>
              ))}
            </fieldset>
          )}
        </fieldset>
        <fieldset>
          <legend>建设主体</legend>
          <div className="grid">
            <label>
              名称
              <input name="applicantName" value={applicantName} onChange={(e) => setApplicantName(e.target.value)} placeholder="如：赤水市人民政府" />
            </label>
            <label>
              联系邮箱
              <input name="contactEmail" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>申报材料（第七条、第八条、第十二条）</legend>
          <p className="hint">接受 PDF、OFD、PNG、JPEG、DOCX（文字处理文档）、XLSX（电子表格），按文件内容识别类型。</p>
          <FileField slot="letter" label="申报函" upload={uploads.letter} onPick={pick} />
          {CONDITIONS.map((c) => (
            <div key={c.condition} className="condition">
              <p className="condition-title">申报条件{c.zh}</p>
              <label>
                说明
                <textarea name={`explanation-${c.condition}`} rows={2} value={explanations[c.condition] ?? ''} onChange={(e) => setExplanations((x) => ({ ...x, [c.condition]: e.target.value }))} />
              </label>
              <FileField slot={`cond${c.condition}` as Slot} label="证明文件" upload={uploads[`cond${c.condition}` as Slot]} onPick={pick} />
            </div>
          ))}
          <div className="condition">
            <p className="condition-title">建设实施方案</p>
            <FileField slot="plan" label="方案文件" upload={uploads.plan} onPick={pick} />
            <label>
              发布实施的政府（第八条：县级以上地方政府）
              <select name="issuedBy" value={issuedBy} onChange={(e) => setIssuedBy(e.target.value)}>
                <option value="">请选择</option>
                {PLAN_ISSUERS.map((i) => (
                  <option key={i.issuedBy} value={i.issuedBy}>
                    {i.zh}
                  </option>
                ))}
              </select>
            </label>
            <p>方案包含的章节（编制大纲）：</p>
            <div className="checks">
              {PLAN_CHAPTERS.map((c) => (
                <label key={c.key} className="check">
                  <input type="checkbox" name={`chapter-${c.key}`} checked={chapters.includes(c.key)} onChange={(e) => setChapters((x) => (e.target.checked ? [...x, c.key] : x.filter((k) => k !== c.key)))} />
                  {c.zh}
                </label>
              ))}
            </div>
            <button type="button" className="link" onClick={() => setChapters(PLAN_CHAPTERS.map((c) => c.key))}>
              全选七章
            </button>
          </div>
        </fieldset>
        {problems.length > 0 && (
          <div className="error" role="alert" data-testid="form-problems">
            <strong>尚不能提交，请先补正 {problems.length} 项：</strong>
            <ul>
              {problems.map((p, i) => (
                <li key={i}>{plainZh(p.zh)}</li>
              ))}
            </ul>
          </div>
        )}
        <ErrorBox error={error} title="申报未被受理" />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? '正在提交…' : '提交申报'}
        </button>
      </form>
      <aside className="card checklist" aria-label="材料清单" data-testid="checklist">
        <h2>材料清单</h2>
        <ul>
          {MATERIAL_CHECKLIST.map((m) => {
            const own = missing.filter((p) => p.field === m.key || p.field.startsWith(`${m.key}.`));
            return (
              <li key={m.key} className={own.length ? 'missing' : 'present'}>
                <span className="mark" aria-hidden>{own.length ? '✗' : '✓'}</span>
                <span>
                  {m.zh}
                  <small className="muted"> {m.article}</small>
                  {own.map((p, i) => (
                    <small key={i} className="bad block">
                      {plainZh(p.zh)}
                    </small>
                  ))}
                </span>
              </li>
            );
          })}
        </ul>
        <p className={missing.length ? 'bad' : 'ok'}>{missing.length ? `还缺 ${missing.length} 项` : '材料齐全，可以提交'}</p>
      </aside>
    </div>
  );
}

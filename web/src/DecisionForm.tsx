// One form per decision the caller may take now (the API's `actions`), its
// fields drawn from the same table the API and the workflows check with
// (domain/transitions.ts), labelled with the fields' names and the words for
// their values (domain/payloads.ts fieldChoices: the words the OpenAPI
// document's decisions bodies give too) and checked before sending
// (domain/payloads.ts validateFields).
// A refusal shows the API's reason; what was typed stays in the form.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { fieldChoices, fieldValueZh, validateFields, type FieldSpec } from '../../domain/payloads';
import { GRAVE_ACT_CONSEQUENCE_ZH, isGraveAct } from '../../domain/grave-acts';
import { groundCitationZh } from '../../domain/names';
import { sanctionGround } from '../../domain/sanctions';
import { PREFECTURES } from '../../domain/prefectures';
import { problem, type Problem } from '../../domain/problems';
import { expertRecusalZh } from '../../domain/scope';
import { REVIEW_CRITERIA, type TransitionRule } from '../../domain/transitions';
import { api, ApiError, newDecisionId } from './api';
import { ErrorBox, ProblemList } from './components';
import { FilePicker } from './FilePicker';
import { actionZh, outcomeZh, plainZh, stageZh } from './format';

export interface Expert {
  id: string;
  name: string;
  /** Where the expert is registered (domain/regions.ts) and its name. */
  region?: string | null;
  regionZh?: string | null;
  active: boolean;
  fields?: string[];
}

type Values = Record<string, string | boolean | string[] | Record<string, string>>;

function initialValue(f: FieldSpec): Values[string] {
  if (f.type === 'idList' || f.type === 'fileList') return [];
  if (f.type === 'scores') return {};
  if (f.type === 'true') return false;
  if (f.type === 'integer' && f.name === 'workingDays') return String(f.min);
  return '';
}

/** The payload as the API takes it; blank optional fields are left out. */
function payloadOf(fields: readonly FieldSpec[], values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    switch (f.type) {
      case 'true':
        if (v === true) out[f.name] = true;
        break;
      case 'boolean':
        if (v === 'true' || v === 'false') out[f.name] = v === 'true';
        break;
      case 'integer':
        if (typeof v === 'string' && v.trim() !== '') out[f.name] = Number(v);
        break;
      case 'instant':
        // A datetime-local value is read as China Standard Time.
        if (typeof v === 'string' && v) out[f.name] = `${v.length === 16 ? `${v}:00` : v}+08:00`;
        break;
      case 'idList':
      case 'fileList':
        if (Array.isArray(v) && v.length) out[f.name] = v;
        break;
      case 'scores':
        if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).some((x) => x !== '')) {
          out[f.name] = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== '').map(([k, x]) => [k, Number(x)]));
        }
        break;
      case 'textOrTextList':
        if (typeof v === 'string' && v.trim()) {
          const lines = v.split('\n').map((l) => l.trim()).filter(Boolean);
          out[f.name] = lines.length > 1 ? lines : lines[0];
        }
        break;
      default:
        if (typeof v === 'string' && v.trim()) out[f.name] = v.trim();
    }
  }
  return out;
}

/**
 * An uploaded file (or several) as a field's value: each chosen file is sent
 * to POST /api/files at once and the field holds the returned ids; the names
 * are shown, never the ids.
 */
function FileInput({ f, value, set, label }: { f: FieldSpec; value: Values[string]; set: (v: Values[string]) => void; label: string }) {
  const multiple = f.type === 'fileList';
  const ids = multiple ? (Array.isArray(value) ? value : []) : typeof value === 'string' && value ? [value] : [];
  const [names, setNames] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const upload = async (files: FileList | null) => {
    if (!files?.length) return;
    setBusy(true);
    setError(null);
    const added: string[] = [];
    try {
      for (const file of Array.from(files)) {
        const form = new FormData();
        form.append('file', file, file.name);
        const r = await api<{ fileId: string }>('POST', '/api/files', { form });
        added.push(r.fileId);
        setNames((n) => ({ ...n, [r.fileId]: file.name }));
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
      if (added.length) set(multiple ? [...new Set([...ids, ...added])] : added[added.length - 1]!);
    }
  };
  return (
    <div className="file-field">
      <FilePicker name={f.name} label={label} multiple={multiple} accept=".pdf,.ofd,.png,.jpg,.jpeg,.docx,.xlsx" onFiles={(files) => void upload(files)} />
      {busy && <span className="muted">正在上传…</span>}
      {ids.map((id) => (
        <span key={id} className="ok" data-testid={`uploaded-${f.name}`}>
          ✓ 已上传 {names[id] ?? '文件'}
          <button type="button" className="link" onClick={() => set(multiple ? ids.filter((x) => x !== id) : '')}>移除</button>
        </span>
      ))}
      {error && <span className="bad">{error}</span>}
    </div>
  );
}

function FieldInput({ f, value, set, experts, unitPrefectures }: { f: FieldSpec; value: Values[string]; set: (v: Values[string]) => void; experts: Expert[] | null; unitPrefectures: readonly string[] }) {
  const label = `${f.zh}${f.required ? '' : '（选填）'}`;
  const choices = f.type === 'integer' ? fieldChoices(f) : [];
  if (choices.length) {
    // A number whose values have words (the grounds of Art. 24): chosen by its words.
    return (
      <label>
        {label}
        <select name={f.name} value={String(value)} onChange={(e) => set(e.target.value)}>
          <option value="">请选择</option>
          {choices.map((c) => (
            <option key={String(c.value)} value={String(c.value)}>
              {f.name === 'ground' ? `${groundCitationZh(Number(c.value))}：${c.zh}` : `（${String(c.value)}）${c.zh}`}
            </option>
          ))}
        </select>
      </label>
    );
  }
  switch (f.type) {
    case 'true':
      return (
        <label className="check">
          <input type="checkbox" name={f.name} checked={value === true} onChange={(e) => set(e.target.checked)} />
          {f.zh}
        </label>
      );
    case 'boolean': {
      const [yes, no] = [fieldValueZh(f, true) ?? '是', fieldValueZh(f, false) ?? '否'];
      return (
        <fieldset className="inline-radios">
          <legend>{label}</legend>
          <label className="check">
            <input type="radio" name={f.name} value="true" checked={value === 'true'} onChange={() => set('true')} />
            {yes}
          </label>
          <label className="check">
            <input type="radio" name={f.name} value="false" checked={value === 'false'} onChange={() => set('false')} />
            {no}
          </label>
        </fieldset>
      );
    }
    case 'integer':
      return (
        <label>
          {label}
          <input type="number" name={f.name} min={f.min} max={f.max} value={String(value)} onChange={(e) => set(e.target.value)} />
        </label>
      );
    case 'instant':
      return (
        <label>
          {label}（北京时间）
          <input type="datetime-local" name={f.name} value={String(value)} onChange={(e) => set(e.target.value)} />
        </label>
      );
    case 'date':
      return (
        <label>
          {label}
          <input type="date" name={f.name} value={String(value)} onChange={(e) => set(e.target.value)} />
        </label>
      );
    case 'enum':
      return (
        <label>
          {label}
          <select name={f.name} value={String(value)} onChange={(e) => set(e.target.value)}>
            <option value="">请选择</option>
            {f.values.map((v) => (
              <option key={v} value={v}>
                {outcomeZh(v)}
              </option>
            ))}
          </select>
        </label>
      );
    case 'file':
    case 'fileList':
      return <FileInput f={f} value={value} set={set} label={label} />;
    case 'prefecture':
      return (
        <label>
          {label}
          <select name={f.name} value={String(value)} onChange={(e) => set(e.target.value)}>
            <option value="">请选择</option>
            {PREFECTURES.map((p) => (
              <option key={p.code} value={p.code}>
                {p.zh}
              </option>
            ))}
          </select>
        </label>
      );
    case 'idList': {
      const chosen = Array.isArray(value) ? value : [];
      if (!experts) return <p className="muted">正在读取专家库…</p>;
      return (
        <fieldset>
          <legend>{label}（专家库，第二十五条；不得选派登记在申报单元所在市（州）的专家，第二十六条）</legend>
          <div className="checks">
            {experts.filter((x) => x.active).map((x) => {
              // The same rule the API and the workflow apply: a recused expert is shown, with why, and cannot be chosen.
              const recusal = expertRecusalZh(x, unitPrefectures);
              return (
                <label key={x.id} className={recusal ? 'check disabled' : 'check'} data-testid={recusal ? 'expert-recused' : 'expert-choice'}>
                  <input
                    type="checkbox"
                    name={`${f.name}`}
                    value={x.id}
                    disabled={!!recusal}
                    checked={!recusal && chosen.includes(x.id)}
                    onChange={(e) => set(e.target.checked ? [...chosen, x.id] : chosen.filter((c) => c !== x.id))}
                  />
                  {x.name}
                  {x.regionZh ? `（${x.regionZh}）` : ''}
                  {recusal && <small className="muted">：{recusal}</small>}
                </label>
              );
            })}
          </div>
        </fieldset>
      );
    }
    case 'scores': {
      const scores = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as Record<string, string>;
      return (
        <fieldset>
          <legend>{label}（每项 {f.min}–{f.max} 分，第十四条）</legend>
          <div className="scores">
            {f.keys.map((k) => (
              <label key={k}>
                {k}. {REVIEW_CRITERIA.find((c) => c.key === k)?.zh ?? `第${k}项`}
                <input type="number" name={`${f.name}-${k}`} min={f.min} max={f.max} value={scores[k] ?? ''} onChange={(e) => set({ ...scores, [k]: e.target.value })} />
              </label>
            ))}
          </div>
        </fieldset>
      );
    }
    default:
      return (
        <label>
          {label}
          <textarea name={f.name} rows={f.type === 'textOrTextList' ? 3 : 2} value={String(value)} onChange={(e) => set(e.target.value)} placeholder={f.type === 'textOrTextList' ? '每行一条' : ''} />
        </label>
      );
  }
}

/** What the chosen Art. 24 ground needs as evidence (domain/sanctions.ts), said beside the evidence fields. */
function GroundEvidenceHint({ ground }: { ground: Values[string] | undefined }) {
  const info = typeof ground === 'string' && ground ? sanctionGround(Number(ground)) : undefined;
  if (!info) return null;
  return (
    <p className="hint" data-testid="ground-evidence">
      {groundCitationZh(info.ground)}
      {info.evidence === 'onRecord'
        ? '：依据为系统中记录的整改核查结论，无需另附文件。'
        : `须提供：${info.evidence.titleZh}、${info.evidence.dateZh}，及至少 ${info.evidence.minFiles} 份文件（${info.requiresZh}）。`}
    </p>
  );
}

export function DecisionForm<S extends string, F>({
  rule,
  endpoint,
  onDone,
  experts,
  unitPrefectures = [],
  blockedZh,
}: {
  rule: TransitionRule<S, F>;
  endpoint: string;
  onDone: (result: { action: string; stage: string }) => void;
  experts: Expert[] | null;
  /** The unit's prefectures: the expert picker leaves out the experts who must recuse (Art. 26). */
  unitPrefectures?: readonly string[];
  /** Why the action cannot be taken yet (the API's `actionsBlocked`, from the rule itself): shown disabled, with it. */
  blockedZh?: string;
}) {
  const [values, setValues] = useState<Values>(() => Object.fromEntries(rule.payload.map((f) => [f.name, initialValue(f)])));
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A grave act (naming, warning, revocation) is sent only after its consequence is confirmed.
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    setProblems([]);
    setConfirming(false);
  }, [values, reason]);
  // One id per content of the form: sending it again (a retry after a lost
  // answer, a second click) is applied once; any change makes it a new decision.
  const valuesKey = JSON.stringify(values);
  const decisionId = useMemo(() => newDecisionId(rule.action), [rule.action, valuesKey, reason]);

  const payload = payloadOf(rule.payload, values);
  const negative = rule.negative?.(payload) ?? false;
  const reasonRequired = rule.reasonRequired === 'always' || (rule.reasonRequired === 'whenNegative' && negative);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const found = validateFields(rule.payload, payload);
    if (reasonRequired && !reason.trim()) found.push(problem('reason', 'missing', '须说明理由', 'a reason is required'));
    setProblems(found);
    if (found.length) return;
    if (isGraveAct(rule.action) && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    setBusy(true);
    try {
      const result = await api<{ action: string; stage: string }>('POST', endpoint, {
        body: { decisionId, action: rule.action, ...(reason.trim() ? { reason: reason.trim() } : {}), ...payload },
      });
      onDone(result);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const danger = ['prefectureReject', 'provinceReject', 'withdraw', 'revoke', 'warn'].includes(rule.action);
  if (blockedZh) {
    // Not a live button: the same rule the API applies says why not yet.
    return (
      <section className="decision blocked" data-action={rule.action} aria-label={actionZh(rule.action)}>
        <h3>
          {actionZh(rule.action)} <small className="muted">{rule.article}</small>
        </h3>
        <p className="hint" data-testid="blocked-reason">
          暂不能办理：{blockedZh}
        </p>
        <button type="button" disabled aria-disabled="true">
          {actionZh(rule.action)}
        </button>
      </section>
    );
  }
  return (
    <form className="decision" onSubmit={submit} noValidate data-action={rule.action} aria-label={actionZh(rule.action)}>
      <h3>
        {actionZh(rule.action)} <small className="muted">{rule.article}</small>
      </h3>
      <p className="hint">
        {plainZh(rule.docZh ?? rule.zh)}
        {rule.guardZh ? `。条件：${plainZh(rule.guardZh)}` : ''}
        {rule.to.length === 1 && rule.to[0] !== rule.from[0] ? `。办理后进入“${stageZh(rule.to[0]!)}”` : ''}
      </p>
      {rule.payload.map((f) => (
        <FieldInput key={f.name} f={f} value={values[f.name]!} experts={experts} unitPrefectures={unitPrefectures} set={(v) => setValues((x) => ({ ...x, [f.name]: v }))} />
      ))}
      <GroundEvidenceHint ground={values.ground} />
      <label>
        理由{reasonRequired ? '（必填）' : rule.reasonRequired === 'whenNegative' ? '（否定时必填）' : '（选填）'}
        <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <ProblemList problems={problems} lead="请先补正：" testId="form-problems" />
      <ErrorBox error={error} title="未能办理" />
      {confirming && isGraveAct(rule.action) ? (
        <div className="confirm" role="alertdialog" aria-label={`确认${actionZh(rule.action)}`} data-testid="grave-act-confirm">
          <p>
            <strong>请确认：{actionZh(rule.action)}</strong>
          </p>
          <p>{GRAVE_ACT_CONSEQUENCE_ZH[rule.action]}</p>
          <button type="submit" className="danger" disabled={busy}>
            {busy ? '正在提交…' : `确认${actionZh(rule.action)}`}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
            返回修改
          </button>
        </div>
      ) : (
        <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
          {busy ? '正在提交…' : isGraveAct(rule.action) ? `${actionZh(rule.action)}…` : `确认${actionZh(rule.action)}`}
        </button>
      )}
    </form>
  );
}

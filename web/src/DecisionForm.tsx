// One form per decision the caller may take now (the API's `actions`), its
// fields drawn from the same table the API and the workflows check with
// (domain/transitions.ts), labelled with the fields' names and the words for
// their values (domain/payloads.ts fieldChoices: the words the OpenAPI
// document's decisions bodies give too) and checked before sending
// (domain/payloads.ts validateFields).
// A refusal shows the API's reason; what was typed stays in the form.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { fieldChoices, fieldValueZh, validateFields, type FieldSpec } from '../../domain/payloads';
import { PREFECTURES } from '../../domain/prefectures';
import { problem, type Problem } from '../../domain/problems';
import { REVIEW_CRITERIA, type TransitionRule } from '../../domain/transitions';
import { api, newDecisionId } from './api';
import { ErrorBox } from './components';
import { actionZh, outcomeZh, stageZh } from './format';

export interface Expert {
  id: string;
  name: string;
  prefecture?: string | null;
  active: boolean;
  fields?: string[];
}

type Values = Record<string, string | boolean | string[] | Record<string, string>>;

function initialValue(f: FieldSpec): Values[string] {
  if (f.type === 'idList') return [];
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

function FieldInput({ f, value, set, experts }: { f: FieldSpec; value: Values[string]; set: (v: Values[string]) => void; experts: Expert[] | null }) {
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
              （{String(c.value)}）{c.zh}
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
          <legend>{label}（专家库，第二十五条；不得选派申报单元所在市（州）的专家，第二十六条）</legend>
          <div className="checks">
            {experts.filter((x) => x.active).map((x) => (
              <label key={x.id} className="check">
                <input type="checkbox" name={`${f.name}`} value={x.id} checked={chosen.includes(x.id)} onChange={(e) => set(e.target.checked ? [...chosen, x.id] : chosen.filter((c) => c !== x.id))} />
                {x.name}
                {x.prefecture ? `（${PREFECTURES.find((p) => p.code === x.prefecture)?.zh ?? x.prefecture}）` : ''}
              </label>
            ))}
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

export function DecisionForm<S extends string, F>({
  rule,
  endpoint,
  onDone,
  experts,
}: {
  rule: TransitionRule<S, F>;
  endpoint: string;
  onDone: (result: { action: string; stage: string }) => void;
  experts: Expert[] | null;
}) {
  const [values, setValues] = useState<Values>(() => Object.fromEntries(rule.payload.map((f) => [f.name, initialValue(f)])));
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setProblems([]), [values, reason]);
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
  return (
    <form className="decision" onSubmit={submit} noValidate data-action={rule.action} aria-label={actionZh(rule.action)}>
      <h3>
        {actionZh(rule.action)} <small className="muted">{rule.article}</small>
      </h3>
      <p className="hint">
        {rule.docZh ?? rule.zh}
        {rule.guardZh ? `。条件：${rule.guardZh}` : ''}
        {rule.to.length === 1 && rule.to[0] !== rule.from[0] ? `。办理后进入“${stageZh(rule.to[0]!)}”` : ''}
      </p>
      {rule.payload.map((f) => (
        <FieldInput key={f.name} f={f} value={values[f.name]!} experts={experts} set={(v) => setValues((x) => ({ ...x, [f.name]: v }))} />
      ))}
      <label>
        理由{reasonRequired ? '（必填）' : rule.reasonRequired === 'whenNegative' ? '（否定时必填）' : '（选填）'}
        <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {problems.length > 0 && (
        <div className="error" role="alert" data-testid="form-problems">
          <strong>请先补正：</strong>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>{p.zh}</li>
            ))}
          </ul>
        </div>
      )}
      <ErrorBox error={error} title="未能办理" />
      <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
        {busy ? '正在提交…' : `确认${actionZh(rule.action)}`}
      </button>
    </form>
  );
}

// 专家库 (Art. 25): the province keeps the pool of consulting experts.
// GET /api/experts lists it; POST adds an expert with a requestId, one per
// content of the form, so a retried add (a lost answer, a second click) adds
// one expert; PATCH /api/experts/:id changes one or deactivates/reactivates
// it, with a requestId too (a retried change is applied once), each with an
// optional reason for the audit log. The region is picked
// prefecture first, then county (or the whole prefecture, or the province
// level itself), and shown in words, never as a code.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { EXPERT_FIELD_ZH } from '../../../domain/names';
import { PREFECTURES } from '../../../domain/prefectures';
import { problem, type Problem } from '../../../domain/problems';
import { countiesOf, isRegionCode, prefectureOfRegion, PROVINCE_CODE, regionLevel, regionPathZh } from '../../../domain/regions';
import { api, newDecisionId } from '../api';
import { Empty, ErrorBox, Loading, ProblemList, Section, useApi } from '../components';

interface ExpertRow {
  id: string;
  name: string;
  email: string;
  fields: string[];
  region: string | null;
  regionZh: string | null;
  active: boolean;
}

/** A region in words: the API's regionZh, else domain/regions.ts; 未登记 when there is none. */
function regionText(e: Pick<ExpertRow, 'region' | 'regionZh'>): string {
  if (e.regionZh) return e.regionZh;
  return e.region ? regionPathZh(e.region) : '未登记';
}

/** The fields as typed: one a line, or separated by 、 ， , ； ; — blanks and repeats dropped. */
function fieldsOf(text: string): string[] {
  return [...new Set(text.split(/[\n、，,；;]/).map((f) => f.trim()).filter(Boolean))];
}

interface Draft {
  name: string;
  email: string;
  fields: string;
  /** The prefecture select: '' (not chosen), PROVINCE_CODE (省级) or a prefecture's code. */
  prefecture: string;
  /** The county select: '' for the whole prefecture, or a county's code. */
  county: string;
  reason: string;
}

const EMPTY: Draft = { name: '', email: '', fields: '', prefecture: '', county: '', reason: '' };

function draftOf(e: ExpertRow): Draft {
  const level = e.region ? regionLevel(e.region) : null;
  return {
    name: e.name,
    email: e.email,
    fields: e.fields.join('\n'),
    prefecture: level === 'province' ? PROVINCE_CODE : level === 'prefecture' ? e.region! : level === 'county' ? (prefectureOfRegion(e.region!) ?? '') : '',
    county: level === 'county' ? e.region! : '',
    reason: '',
  };
}

/** The region the two selects name, or null when no prefecture (nor 省级) is chosen. */
function regionOf(d: Draft): string | null {
  if (!d.prefecture) return null;
  if (d.prefecture === PROVINCE_CODE) return PROVINCE_CODE;
  return d.county || d.prefecture;
}

/** What is wrong with the draft before anything is sent, each in words. */
function check(d: Draft): Problem[] {
  const found: Problem[] = [];
  if (!d.name.trim()) found.push(problem('name', 'missing', '请填写姓名', 'name is missing'));
  else if (d.name.trim().length > 100) found.push(problem('name', 'tooLong', '姓名不超过 100 个字', 'name too long'));
  if (!d.email.trim()) found.push(problem('email', 'missing', '请填写电子邮箱', 'email is missing'));
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(d.email.trim())) found.push(problem('email', 'invalid', '电子邮箱格式不正确', 'email is invalid'));
  const fields = fieldsOf(d.fields);
  if (fields.length > 20) found.push(problem('fields', 'tooMany', '专业领域最多 20 项', 'too many fields'));
  if (fields.some((f) => f.length > 100)) found.push(problem('fields', 'tooLong', '每个专业领域不超过 100 个字', 'field too long'));
  const region = regionOf(d);
  if (!region || !isRegionCode(region)) found.push(problem('region', 'missing', '请选择所在地区（省级，或市（州）及县（市、区））', 'region is missing'));
  if (d.reason.trim().length > 5000) found.push(problem('reason', 'tooLong', '理由不超过 5000 个字', 'reason too long'));
  return found;
}

/** Prefecture first (or 省级), then a county of it or the whole prefecture. */
function RegionPicker({ draft, set, idPrefix }: { draft: Draft; set: (d: Partial<Draft>) => void; idPrefix: string }) {
  const counties = draft.prefecture && draft.prefecture !== PROVINCE_CODE ? countiesOf(draft.prefecture) : [];
  return (
    <>
      <label htmlFor={`${idPrefix}-prefecture`}>
        所在市（州）
        <select id={`${idPrefix}-prefecture`} name="prefecture" value={draft.prefecture} onChange={(e) => set({ prefecture: e.target.value, county: '' })}>
          <option value="">请选择</option>
          <option value={PROVINCE_CODE}>省级</option>
          {PREFECTURES.map((p) => (
            <option key={p.code} value={p.code}>
              {p.zh}
            </option>
          ))}
        </select>
      </label>
      {counties.length > 0 && (
        <label htmlFor={`${idPrefix}-county`}>
          所在县（市、区）
          <select id={`${idPrefix}-county`} name="county" value={draft.county} onChange={(e) => set({ county: e.target.value })}>
            <option value="">全市（州）</option>
            {counties.map((c) => (
              <option key={c.code} value={c.code}>
                {c.zh}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

/** Name, email, fields and region: the same inputs to add an expert and to change one. */
function ExpertFields({ draft, set, idPrefix }: { draft: Draft; set: (d: Partial<Draft>) => void; idPrefix: string }) {
  return (
    <div className="grid">
      <label>
        {EXPERT_FIELD_ZH.name}
        <input name="name" value={draft.name} maxLength={100} autoComplete="off" onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label>
        {EXPERT_FIELD_ZH.email}
        <input name="email" type="email" value={draft.email} maxLength={254} autoComplete="off" onChange={(e) => set({ email: e.target.value })} />
      </label>
      <label>
        {EXPERT_FIELD_ZH.fields}（选填，每行一项）
        <textarea name="fields" rows={3} value={draft.fields} onChange={(e) => set({ fields: e.target.value })} placeholder={'如：生态保护\n水环境'} />
      </label>
      <div>
        <RegionPicker draft={draft} set={set} idPrefix={idPrefix} />
      </div>
    </div>
  );
}

function AddExpert({ onAdded }: { onAdded: (e: ExpertRow) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (d: Partial<Draft>) => setDraft((x) => ({ ...x, ...d }));
  useEffect(() => setProblems([]), [draft]);
  // One id per content of the form: the same add sent again (a retry after a
  // lost answer, a second click) adds one expert; any change makes a new add.
  const contentKey = JSON.stringify({ ...draft, fields: fieldsOf(draft.fields), region: regionOf(draft) });
  const requestId = useMemo(() => newDecisionId('expert'), [contentKey]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const found = check(draft);
    setProblems(found);
    if (found.length) return;
    setBusy(true);
    try {
      const added = await api<ExpertRow>('POST', '/api/experts', {
        body: {
          requestId,
          name: draft.name.trim(),
          email: draft.email.trim(),
          fields: fieldsOf(draft.fields),
          region: regionOf(draft),
          ...(draft.reason.trim() ? { reason: draft.reason.trim() } : {}),
        },
      });
      setDraft(EMPTY);
      onAdded(added);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="添加专家" data-testid="add-expert">
      <ExpertFields draft={draft} set={set} idPrefix="add" />
      <label>
        理由（选填）
        <textarea name="reason" rows={2} value={draft.reason} onChange={(e) => set({ reason: e.target.value })} />
      </label>
      <ProblemList problems={problems} lead="请先补正：" testId="form-problems" />
      <ErrorBox error={error} title="未能添加" />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? '正在提交…' : '添加专家'}
      </button>
    </form>
  );
}

/** PATCH /api/experts/:id with what the form changed (name, email, fields, region), and an optional reason. */
function EditExpert({ expert, onDone, onCancel }: { expert: ExpertRow; onDone: (e: ExpertRow) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(expert));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const set = (d: Partial<Draft>) => setDraft((x) => ({ ...x, ...d }));
  useEffect(() => setProblems([]), [draft]);
  useEffect(() => heading.current?.focus(), []);
  // One id per content of the form, as for an add: the same change sent again is applied once.
  const requestId = useMemo(() => newDecisionId('expert-change'), [JSON.stringify(draft)]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const found = check(draft).filter((p) => !(p.field === 'region' && expert.region === null && !draft.prefecture));
    const changes: Record<string, unknown> = {};
    if (draft.name.trim() !== expert.name) changes.name = draft.name.trim();
    if (draft.email.trim() !== expert.email) changes.email = draft.email.trim();
    const fields = fieldsOf(draft.fields);
    if (JSON.stringify(fields) !== JSON.stringify(expert.fields)) changes.fields = fields;
    const region = regionOf(draft);
    if (region !== expert.region && region !== null) changes.region = region;
    if (found.length === 0 && Object.keys(changes).length === 0) found.push(problem('form', 'unchanged', '没有修改任何内容', 'nothing changed'));
    setProblems(found);
    if (found.length) return;
    setBusy(true);
    try {
      onDone(await api<ExpertRow>('PATCH', `/api/experts/${encodeURIComponent(expert.id)}`, { body: { requestId, ...changes, ...(draft.reason.trim() ? { reason: draft.reason.trim() } : {}) } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="edit-expert-title" data-testid="edit-expert">
      <h3 id="edit-expert-title" ref={heading} tabIndex={-1}>
        修改：{expert.name}
      </h3>
      <ExpertFields draft={draft} set={set} idPrefix="edit" />
      <label>
        理由（选填）
        <textarea name="reason" rows={2} value={draft.reason} onChange={(e) => set({ reason: e.target.value })} />
      </label>
      <ProblemList problems={problems} lead="请先补正：" testId="form-problems" />
      <ErrorBox error={error} title="未能修改" />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? '正在提交…' : '保存修改'}
      </button>{' '}
      <button type="button" onClick={onCancel} disabled={busy}>
        取消
      </button>
    </form>
  );
}

/** Deactivate (or reactivate) one expert, with an optional reason: PATCH { active }. */
function ToggleExpert({ expert, onDone, onCancel }: { expert: ExpertRow; onDone: (e: ExpertRow) => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const verb = expert.active ? '停用' : '恢复';
  // One id per content: a second click or a retry after a lost answer changes the expert once.
  const requestId = useMemo(() => newDecisionId('expert-change'), [expert.id, expert.active, reason]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      onDone(await api<ExpertRow>('PATCH', `/api/experts/${encodeURIComponent(expert.id)}`, { body: { requestId, active: !expert.active, ...(reason.trim() ? { reason: reason.trim() } : {}) } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="toggle-expert-title" data-testid="toggle-expert">
      <h3 id="toggle-expert-title" ref={heading} tabIndex={-1}>
        {verb}：{expert.name}
      </h3>
      <p className="hint">{expert.active ? '停用后不再能被选派参加核查评估；已选派的评审不受影响，可随时恢复。' : '恢复后可再被选派参加核查评估。'}</p>
      <label>
        理由（选填）
        <textarea name="reason" rows={2} maxLength={5000} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <ErrorBox error={error} title={`未能${verb}`} />
      <button type="submit" className={expert.active ? 'danger' : 'primary'} disabled={busy}>
        {busy ? '正在提交…' : `确认${verb}`}
      </button>{' '}
      <button type="button" onClick={onCancel} disabled={busy}>
        取消
      </button>
    </form>
  );
}

export function Experts() {
  const { data, error, loading, reload } = useApi<{ experts: ExpertRow[] }>('/api/experts');
  const [working, setWorking] = useState<{ kind: 'edit' | 'toggle'; id: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const experts = data?.experts ?? [];
  const current = working ? experts.find((e) => e.id === working.id) : undefined;
  const finish = (message: string) => {
    setWorking(null);
    setDone(message);
    reload();
  };

  return (
    <>
      <Section title="专家库">
        <p className="hint">省生态环境厅建立的咨询服务专家库（第二十五条）。所在地区用于回避：登记在申报单元所在市（州）（含其所辖县（市、区））的专家不参加该单元的核查评估（第二十六条）。</p>
        {done && (
          <p className="notice-ok" role="status" data-testid="expert-done">
            {done}
          </p>
        )}
        <ErrorBox error={error} />
        {loading && !data && <Loading />}
        {data && experts.length === 0 && <Empty>专家库中还没有专家。</Empty>}
        {experts.length > 0 && (
          <table className="responsive" data-testid="experts">
            <thead>
              <tr>
                <th>姓名</th>
                <th>专业领域</th>
                <th>所在地区</th>
                <th>状态</th>
                <th>操作</th>
              </tr>
            </thead>
            <tbody>
              {experts.map((e) => (
                <tr key={e.id} data-testid="expert-row">
                  <td data-label="姓名" style={{ overflowWrap: 'anywhere' }}>{e.name}</td>
                  <td data-label="专业领域" style={{ overflowWrap: 'anywhere' }}>{e.fields.length ? e.fields.join('、') : <span className="muted">未填写</span>}</td>
                  <td data-label="所在地区" data-testid="expert-region">{regionText(e)}</td>
                  <td data-label="状态">
                    <span className={e.active ? 'badge green' : 'badge'} data-testid="expert-status">
                      {e.active ? '在库' : '已停用'}
                    </span>
                  </td>
                  <td data-label="操作">
                    <span className="resend">
                      <button type="button" aria-label={`修改${e.name}`} onClick={() => (setDone(null), setWorking({ kind: 'edit', id: e.id }))}>
                        修改
                      </button>
                      <button type="button" className={e.active ? 'danger' : ''} aria-label={`${e.active ? '停用' : '恢复'}${e.name}`} onClick={() => (setDone(null), setWorking({ kind: 'toggle', id: e.id }))}>
                        {e.active ? '停用' : '恢复'}
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {current && working?.kind === 'edit' && (
          <EditExpert key={`edit-${current.id}`} expert={current} onCancel={() => setWorking(null)} onDone={(e) => finish(`已保存：${e.name}`)} />
        )}
        {current && working?.kind === 'toggle' && (
          <ToggleExpert key={`toggle-${current.id}`} expert={current} onCancel={() => setWorking(null)} onDone={(e) => finish(`${e.active ? '已恢复' : '已停用'}：${e.name}`)} />
        )}
      </Section>
      <Section title="添加专家">
        <AddExpert onAdded={(e) => (setDone(`已添加：${e.name}（${regionText(e)}）`), reload())} />
      </Section>
    </>
  );
}

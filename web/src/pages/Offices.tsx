// 办公室名录: the offices the system writes to (the province, the
// prefectures, counties where used), each with its mailbox and the public
// contact printed on notices (GET /api/offices, PUT /api/offices/:region).
// The province and ops change any field; a prefecture office changes only
// its own public contact (the API enforces it; the form shows only what the
// caller may change). An office without a mailbox is flagged: mails to it
// are recorded as undeliverable in the ops outbox until an address is set.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { validateOfficeFields } from '../../../domain/offices';
import type { Problem } from '../../../domain/problems';
import { api, newDecisionId } from '../api';
import { Empty, ErrorBox, Loading, ProblemList, Section, useApi } from '../components';
import { formatCst } from '../format';
import type { SessionUser } from '../session';

interface OfficeRow {
  region: string;
  regionZh: string;
  name: string;
  email: string | null;
  hasMailbox: boolean;
  contactPhone: string | null;
  contactAddress: string | null;
  contactEmail: string | null;
  recorded: boolean;
  updatedAt: string | null;
}

type Draft = Record<'name' | 'email' | 'contactPhone' | 'contactAddress' | 'contactEmail' | 'reason', string>;

const draftOf = (o: OfficeRow): Draft => ({
  name: o.name, email: o.email ?? '', contactPhone: o.contactPhone ?? '', contactAddress: o.contactAddress ?? '', contactEmail: o.contactEmail ?? '', reason: '',
});

function EditOffice({ office, contactOnly, onDone, onCancel }: { office: OfficeRow; contactOnly: boolean; onDone: (o: OfficeRow) => void; onCancel: () => void }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(office));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setProblems([]), [draft]);
  // One id per content of the form: a second click or a retry after a lost answer is applied once.
  const contentKey = JSON.stringify(draft);
  const requestId = useMemo(() => newDecisionId('office'), [contentKey]);
  const set = (d: Partial<Draft>) => setDraft((x) => ({ ...x, ...d }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    // The same check the API makes (domain/offices.ts), before sending.
    const found = validateOfficeFields(draft).problems;
    setProblems(found);
    if (found.length) return;
    const fields = contactOnly ? (['contactPhone', 'contactAddress', 'contactEmail'] as const) : (['name', 'email', 'contactPhone', 'contactAddress', 'contactEmail'] as const);
    setBusy(true);
    try {
      const body: Record<string, unknown> = { requestId };
      for (const f of fields) body[f] = draft[f].trim() || null;
      if (draft.reason.trim()) body.reason = draft.reason.trim();
      onDone(await api<OfficeRow>('PUT', `/api/offices/${office.region}`, { body }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const input = (f: keyof Draft, label: string, type = 'text') => (
    <label>
      {label}
      <input name={f} type={type} value={draft[f]} autoComplete="off" onChange={(e) => set({ [f]: e.target.value })} />
    </label>
  );
  return (
    <form onSubmit={submit} noValidate aria-label={`修改${office.name}`} data-testid="edit-office">
      <div className="grid">
        {!contactOnly && input('name', '办公室名称')}
        {!contactOnly && input('email', '工作邮箱（系统邮件发往此地址）', 'email')}
        {input('contactPhone', '公示联系电话')}
        {input('contactAddress', '公示联系地址')}
        {input('contactEmail', '公示联系邮箱', 'email')}
      </div>
      <label>
        理由（选填）
        <textarea name="reason" rows={2} value={draft.reason} onChange={(e) => set({ reason: e.target.value })} />
      </label>
      <ProblemList problems={problems} lead="请先补正：" testId="form-problems" />
      <ErrorBox error={error} title="未能保存" />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? '正在保存…' : '保存'}
      </button>{' '}
      <button type="button" onClick={onCancel}>
        取消
      </button>
    </form>
  );
}

export function Offices({ user }: { user: SessionUser }) {
  const { data, error, loading, reload } = useApi<{ offices: OfficeRow[] }>('/api/offices');
  const [editing, setEditing] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const rows = data?.offices ?? [];
  const missing = rows.filter((o) => !o.hasMailbox);
  const contactOnly = user.role === 'prefectureOfficer';
  const mayEdit = (o: OfficeRow) => !contactOnly || o.region === user.prefecture;
  return (
    <Section title="办公室名录">
      <p className="hint">
        系统按此名录向省生态环境厅和各市（州）生态环境局发送通知与待办邮件；公示联系方式印在公示公告上，供公众提出异议（第十条、第十五条）。
        {contactOnly ? '市（州）可维护本办公室的公示联系方式；办公室名称和工作邮箱由省生态环境厅或运维人员维护。' : ''}
      </p>
      {missing.length > 0 && (
        <p className="bad" role="alert" data-testid="offices-missing">
          以下办公室尚未登记工作邮箱，发往它们的邮件将记为“无法投递”：{missing.map((o) => o.name).join('、')}
        </p>
      )}
      {done && (
        <p className="notice-ok" role="status" data-testid="office-done">
          {done}
        </p>
      )}
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && rows.length === 0 && <Empty>没有可查看的办公室。</Empty>}
      {rows.length > 0 && (
        <table className="responsive" data-testid="offices">
          <thead>
            <tr>
              <th>行政区划</th>
              <th>办公室</th>
              <th>工作邮箱</th>
              <th>公示联系方式</th>
              <th>更新时间</th>
              <th>操作</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.region} className={o.hasMailbox ? '' : 'overdue'} data-region={o.region}>
                <td data-label="行政区划">{o.regionZh}</td>
                <td data-label="办公室">{o.name}</td>
                <td data-label="工作邮箱">{o.email ?? <span className="badge red">未登记</span>}</td>
                <td data-label="公示联系方式">
                  {[o.contactPhone, o.contactAddress, o.contactEmail].filter(Boolean).join('；') || <span className="muted">未填写</span>}
                </td>
                <td data-label="更新时间">{o.updatedAt ? formatCst(o.updatedAt) : <span className="muted">尚未录入</span>}</td>
                <td data-label="操作">
                  {editing === o.region ? (
                    <EditOffice
                      office={o}
                      contactOnly={contactOnly}
                      onCancel={() => setEditing(null)}
                      onDone={(saved) => {
                        setEditing(null);
                        setDone(`已保存：${saved.name}`);
                        reload();
                      }}
                    />
                  ) : mayEdit(o) ? (
                    <button type="button" className="link" onClick={() => { setDone(null); setEditing(o.region); }}>
                      修改
                    </button>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

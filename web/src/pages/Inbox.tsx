// 待办: the caller's open tasks (GET /api/tasks), most urgent first, with the
// subject's name from the lists the caller may read.
import { useEffect, useState } from 'react';
import { api } from '../api';
import { ExportLink } from '../ExportLink';
import { Empty, ErrorBox, Link, Loading, Section } from '../components';
import { byUrgency, dueText, escalationZh, formatCst, officeZh, provisionalZh, stepZh } from '../format';
import type { SessionUser } from '../session';

export interface Task {
  id: string;
  subjectType: string;
  subjectId: string;
  step: string;
  role: string;
  prefecture?: string | null;
  dueAt: string;
  dueProvisional?: boolean;
  overdue: boolean;
  escalationLevel: number;
}

interface Named {
  id: string;
  unit: { name: string };
}

export function Inbox({ user }: { user: SessionUser }) {
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    const load = async () => {
      try {
        const [t, apps, bases] = await Promise.all([
          api<{ tasks: Task[] }>('GET', '/api/tasks'),
          api<{ applications: Named[] }>('GET', '/api/applications').catch(() => ({ applications: [] })),
          user.role === 'expert' ? Promise.resolve({ bases: [] as Named[] }) : api<{ bases: Named[] }>('GET', '/api/bases').catch(() => ({ bases: [] })),
        ]);
        if (!live) return;
        setNames(Object.fromEntries([...apps.applications, ...bases.bases].map((x) => [x.id, x.unit.name])));
        setTasks([...t.tasks].sort(byUrgency));
        setError(null);
      } catch (e) {
        if (live) setError(e);
      }
    };
    void load();
    // The read model follows the workflows within moments: refresh now and then.
    const timer = setInterval(load, 15_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [user.role]);

  return (
    <Section title="待办事项">
      <div className="toolbar">
        <ExportLink path="/api/tasks/export.xlsx" fileName="待办事项.xlsx" />
      </div>
      <ErrorBox error={error} />
      {!tasks && !error && <Loading />}
      {tasks && tasks.length === 0 && <Empty>当前没有待办事项。</Empty>}
      {tasks && tasks.length > 0 && (
        <table className="responsive" data-testid="inbox">
          <thead>
            <tr>
              <th>事项</th>
              <th>环节</th>
              <th>办理期限（北京时间）</th>
              <th>剩余 / 逾期</th>
              <th>督办</th>
              <th>承办</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => {
              const href = t.subjectType === 'base' ? `/bases/${encodeURIComponent(t.subjectId)}` : `/applications/${encodeURIComponent(t.subjectId)}`;
              const late = t.overdue || Date.parse(t.dueAt) < Date.now();
              return (
                <tr key={t.id} className={late ? 'overdue' : ''}>
                  <td data-label="事项">
                    {/* Whether the task is about an application or a base, then its unit by name (never an id). */}
                    <span className="badge">{t.subjectType === 'base' ? '基地' : '申报'}</span> <Link to={href}>{names[t.subjectId] ?? '（名称读取中）'}</Link>
                  </td>
                  <td data-label="环节">{stepZh(t.step)}</td>
                  <td data-label="期限">
                    {formatCst(t.dueAt)}
                    {provisionalZh(t.dueProvisional)}
                  </td>
                  <td data-label="剩余">
                    <span className={late ? 'badge red' : 'badge'}>{dueText(t.dueAt, t.overdue)}</span>
                  </td>
                  <td data-label="督办">
                    <span className={t.escalationLevel > 0 ? 'badge amber' : 'muted'}>{escalationZh(t.escalationLevel)}</span>
                  </td>
                  <td data-label="承办">
                    {officeZh(t.role, t.prefecture)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Section>
  );
}

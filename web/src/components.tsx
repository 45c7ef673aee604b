// Pieces every page uses: loading data, showing what the API refused and why.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, statusZh } from './api';
import { plainZh } from './format';
import { navigate } from './router';

export function useApi<T>(path: string | null, deps: unknown[] = []): { data: T | null; error: ApiError | null; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setLoading(true);
    api<T>('GET', path)
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError(0, 'error', String(e))))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [path, tick, ...deps]);
  return { data, error, loading, reload };
}

/** What the form found before sending, each problem in words: nothing when there is none. */
export function ProblemList({ problems, lead, testId }: { problems: ReadonlyArray<{ zh: string }>; lead?: string; testId?: string }) {
  if (problems.length === 0) return null;
  return (
    <div className="error" role="alert" data-testid={testId}>
      {lead && <strong>{lead}</strong>}
      <ul>
        {problems.map((p, i) => (
          <li key={i}>{plainZh(p.zh)}</li>
        ))}
      </ul>
    </div>
  );
}

/** What the API refused and why: its message, and each problem it listed. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, 'error', String(error));
  // The message often already says every problem; list only what it does not.
  const problems = e.problems.filter((p) => !e.message.includes(p.zh));
  return (
    <div className="error" role="alert" data-testid="error">
      <strong>
        {title ?? (e.status ? statusZh(e.status) : '出错了')}
        {e.status && title ? <span className="muted">（{statusZh(e.status)}）</span> : null}
      </strong>
      <p className="error-message">{plainZh(e.message)}</p>
      {problems.length > 0 && (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>{plainZh(p.zh)}</li>
          ))}
        </ul>
      )}
      {e.status === 401 && (
        <p>
          <a href="/signin" onClick={(ev) => (ev.preventDefault(), navigate('/signin'))}>重新登录</a>
        </p>
      )}
    </div>
  );
}

export function Loading({ what = '加载中' }: { what?: string }) {
  return <p className="muted">{what}…</p>;
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  return (
    <a
      href={to}
      className={className}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section className="card" id={id} aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted empty">{children}</p>;
}

/** A row of label and value that folds into two lines on a phone. */
export function Facts({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

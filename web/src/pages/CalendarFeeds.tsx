// 订阅截止日期日历 (issue 17.5, docs/DASHBOARD.md "Deadline feeds"): create a
// feed of the caller's deadlines (its address is shown once: only a hash of
// its secret is kept), list the caller's feeds, revoke one.
import '../dashboard.css';
import { useState } from 'react';
import { api, newDecisionId } from '../api';
import { Empty, ErrorBox, Loading, Section, useApi } from '../components';
import { formatCst } from '../format';

interface Feed { id: string; createdAt: string; revokedAt: string | null }

export function CalendarFeeds() {
  const { data, error, loading, reload } = useApi<{ feeds: Feed[] }>('/api/calendar-feeds');
  const [url, setUrl] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  // One requestId per click of 创建: a retried request creates one feed.
  const create = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const created = await api<{ url: string | null }>('POST', '/api/calendar-feeds', { body: { requestId: newDecisionId('feed') } });
      setUrl(created.url);
      setCopied(false);
      reload();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (id: string) => {
    setFailure(null);
    try {
      await api('DELETE', `/api/calendar-feeds/${encodeURIComponent(id)}`);
      reload();
    } catch (e) {
      setFailure(e);
    }
  };
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Section title="订阅截止日期日历">
      <p className="hint">
        将本单位的截止日期（待办到期日、公示截止、年度工作总结截止、后评估开始和称号有效期届满，北京时间）订阅到常用的日历软件。
        订阅地址含有密钥，只在创建时显示一次，请妥善保管；不再使用或可能泄露时请撤销，撤销后该地址立即失效。
      </p>
      <button type="button" className="primary" onClick={() => void create()} disabled={busy}>
        创建订阅地址
      </button>
      {url && (
        <div className="notice-ok" data-testid="feed-url-box">
          <p>订阅地址（只显示这一次）：</p>
          <p className="feed-url" data-testid="feed-url">
            {url}
          </p>
          <button type="button" onClick={() => void copy()}>
            复制地址
          </button>
          {copied && <span className="ok"> 已复制</span>}
        </div>
      )}
      <ErrorBox error={failure ?? error} />
      {loading && !data && <Loading />}
      {data && data.feeds.length === 0 && <Empty>还没有订阅地址。</Empty>}
      {data && data.feeds.length > 0 && (
        <table className="responsive" data-testid="feeds">
          <thead>
            <tr>
              <th>创建时间</th>
              <th>状态</th>
              <th>操作</th>
            </tr>
          </thead>
          <tbody>
            {data.feeds.map((f) => (
              <tr key={f.id}>
                <td data-label="创建时间">{formatCst(f.createdAt)}</td>
                <td data-label="状态">{f.revokedAt ? `已于 ${formatCst(f.revokedAt)} 撤销` : '有效'}</td>
                <td data-label="操作">
                  {!f.revokedAt && (
                    <button type="button" className="danger" onClick={() => void revoke(f.id)}>
                      撤销
                    </button>
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

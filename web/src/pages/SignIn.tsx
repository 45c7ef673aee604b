// Sign-in. Development: paste a token from `npm run token`. Production: the
// OIDC provider (or the reverse proxy in front of the console) signs the user
// in and returns to /signin#access_token=<JWT> (App.tsx); the API checks the
// token against the provider's keys (AUTH_JWKS_URL).
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { ErrorBox } from '../components';
import { roleZh, prefectureName } from '../format';
import { navigate } from '../router';
import { clearToken, decodeToken, setToken } from '../session';

export function SignIn({ next = '/' }: { next?: string }) {
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const claims = token.trim() ? decodeToken(token.trim()) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = token.trim().replace(/^Bearer\s+/i, '');
    if (!decodeToken(t)) {
      setError(new ApiError(0, 'invalid', '这不是有效的登录令牌（JWT）：请粘贴 npm run token 输出的整行'));
      return;
    }
    setBusy(true);
    setError(null);
    setToken(t);
    try {
      // Any signed-in role may read its own tasks: a cheap check that the API accepts the token.
      await api('GET', '/api/tasks');
      window.dispatchEvent(new Event('liangshan:session'));
      navigate(next === '/signin' ? '/' : next, true);
    } catch (err) {
      clearToken();
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card narrow">
      <h1>登录</h1>
      <p>
        生产环境中通过统一身份认证（OIDC）登录：由部署方配置的身份提供方或反向代理完成登录后，返回本系统并携带令牌。
      </p>
      <form onSubmit={submit} noValidate>
        <label>
          登录令牌（开发环境）
          <textarea
            name="token"
            rows={4}
            value={token}
            onChange={(e) => setTokenText(e.target.value)}
            placeholder="eyJhbGciOiJIUzI1NiJ9…"
            spellCheck={false}
            autoComplete="off"
          />
        </label>
        <p className="hint">
          在项目目录运行 <code>npm run -s token -- --role applicant --prefecture 520300 --sub chishui</code>
          （角色：applicant 建设主体、prefectureOfficer 市（州）生态环境主管部门、provinceOfficer 省生态环境厅、expert 咨询服务专家、ops 运维人员），将输出粘贴到上方。令牌只保存在本浏览器标签页中。
        </p>
        {claims && (
          <p className="muted" data-testid="token-claims">
            将以 {roleZh(claims.role)}
            {claims.prefecture ? `（${prefectureName(claims.prefecture)}）` : ''} · {claims.name ?? claims.sub} 身份登录
          </p>
        )}
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? '正在登录…' : '登录'}
        </button>
      </form>
    </section>
  );
}

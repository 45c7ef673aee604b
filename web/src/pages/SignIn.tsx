// Sign-in. Production: 通过统一身份认证登录, the OIDC provider's
// Authorization Code flow with PKCE (oidc.ts), when the API names a provider
// (GET /console-config.json); a reverse proxy in front of the console may
// also return to /signin#access_token=<JWT> (App.tsx). Development, or
// without a provider: paste a token from `npm run token`. The API checks
// every token (AUTH_JWT_SECRET or the provider's keys, AUTH_JWKS_URL).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { ErrorBox } from '../components';
import { roleZh, prefectureName } from '../format';
import { clearSignInError, completeSignIn, consoleConfig, peekSignInError, setSignInError, SignInError, startSignIn, type ConsoleConfig } from '../oidc';
import { navigate } from '../router';
import { clearToken, decodeToken, setToken } from '../session';

/** Keeps the token if the API accepts it (any signed-in role may read its own tasks), and goes on. */
async function acceptToken(token: string, next: string): Promise<void> {
  setToken(token);
  try {
    await api('GET', '/api/tasks');
  } catch (err) {
    clearToken();
    throw err;
  }
  window.dispatchEvent(new Event('liangshan:session'));
  navigate(next === '/signin' || next.startsWith('/signin/') ? '/' : next, true);
}

let callback: Promise<void> | null = null;

/** /signin/callback: the provider sends the browser back here with a code (or an error). */
export function SignInCallback() {
  useEffect(() => {
    // Once per page load (StrictMode runs effects twice in development).
    callback ??= completeSignIn(new URLSearchParams(location.search))
      .then(({ token, next }) => acceptToken(token, next))
      .catch((err: unknown) => {
        const message =
          err instanceof SignInError
            ? err.message
            : err instanceof ApiError
              ? `本系统未接受统一身份认证服务签发的令牌：${err.message}（状态码 ${err.status}），请联系系统管理员`
              : `登录未完成：${String(err)}`;
        setSignInError(message);
        navigate('/signin', true);
      })
      .finally(() => {
        callback = null;
      });
  }, []);
  return (
    <section className="card narrow">
      <h1>登录</h1>
      <p data-testid="signin-callback">正在完成统一身份认证登录…</p>
    </section>
  );
}

export function SignIn({ next = '/' }: { next?: string }) {
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<unknown>(() => {
    const flash = peekSignInError();
    return flash ? new ApiError(0, 'signin', flash) : null;
  });
  const [busy, setBusy] = useState(false);
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const mounted = useRef(true);
  const claims = token.trim() ? decodeToken(token.trim()) : null;
  useEffect(() => {
    mounted.current = true;
    clearSignInError();
    void consoleConfig().then((c) => mounted.current && setConfig(c));
    return () => {
      mounted.current = false;
    };
  }, []);
  const oidc = config?.oidc ?? null;
  const showTokenForm = config !== null && (config.development || !oidc);

  const signInWithProvider = async () => {
    if (!oidc) return;
    setBusy(true);
    setError(null);
    try {
      await startSignIn(oidc, next);
    } catch (err) {
      setError(new ApiError(0, 'signin', err instanceof Error ? err.message : String(err)));
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const t = token.trim().replace(/^Bearer\s+/i, '');
    if (!decodeToken(t)) {
      setError(new ApiError(0, 'invalid', '这不是有效的登录令牌（JWT）：请粘贴 npm run token 输出的整行'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await acceptToken(t, next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card narrow">
      <h1>登录</h1>
      {oidc ? (
        <>
          <p>使用统一身份认证账号登录：将跳转到身份认证服务，登录后自动返回本系统。</p>
          <p>
            <button type="button" className="primary" data-testid="oidc-signin" disabled={busy} onClick={() => void signInWithProvider()}>
              {busy ? '正在跳转…' : '通过统一身份认证登录'}
            </button>
          </p>
        </>
      ) : (
        <p>
          生产环境中通过统一身份认证登录：由部署方配置的身份提供方或反向代理完成登录后，返回本系统并携带令牌。
        </p>
      )}
      {!showTokenForm && <ErrorBox error={error} title="登录未完成" />}
      {showTokenForm && (
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
            （角色：<code>applicant</code> 建设主体、<code>prefectureOfficer</code> 市（州）生态环境主管部门、<code>provinceOfficer</code> 省生态环境厅、<code>expert</code> 咨询服务专家、<code>ops</code> 运维人员），将输出粘贴到上方。令牌只保存在本浏览器标签页中。
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
      )}
    </section>
  );
}

// Sign-in through the OIDC provider: the Authorization Code flow with PKCE
// (RFC 7636, S256) for a public client, no client secret. The API tells the
// console the provider's issuer and the client id (GET /console-config.json,
// api/console.ts); the console reads the provider's discovery document, sends
// the browser to its authorization endpoint with a fresh state and code
// challenge, and on return to /signin/callback checks the state and trades
// the code and its verifier for tokens at the token endpoint. The state and
// verifier live in this tab's sessionStorage for the round trip only.
//
// Which token the API gets as Bearer: the access token when it is a JWT
// carrying the claims the API reads (sub, role), else the ID token. Either
// way the API verifies it (AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE must
// match that token: docs/PRODUCTION.md).
import { decodeToken } from './token';

export interface OidcClientConfig {
  issuer: string;
  clientId: string;
  scope: string;
}

export interface ConsoleConfig {
  oidc: OidcClientConfig | null;
  development: boolean;
}

/** A sign-in that did not complete, with what to tell the person (Chinese). */
export class SignInError extends Error {}

const PENDING = 'liangshan.oidc';
const FLASH = 'liangshan.signin-error';
export const CALLBACK_PATH = '/signin/callback';

interface Pending {
  state: string;
  verifier: string;
  tokenEndpoint: string;
  clientId: string;
  redirectUri: string;
  next: string;
}

let configPromise: Promise<ConsoleConfig> | null = null;

/** The console's configuration; when it cannot be read, no OIDC and the token form. */
export function consoleConfig(): Promise<ConsoleConfig> {
  configPromise ??= fetch('/console-config.json', { headers: { accept: 'application/json' } })
    .then(async (res) => {
      if (!res.ok) throw new Error(String(res.status));
      const body = (await res.json()) as Partial<ConsoleConfig>;
      return { oidc: body.oidc ?? null, development: body.development === true };
    })
    .catch(() => {
      configPromise = null;
      return { oidc: null, development: false };
    });
  return configPromise;
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  code_challenge_methods_supported?: string[];
}

async function discover(issuer: string): Promise<Discovery> {
  let doc: Partial<Discovery>;
  try {
    const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(String(res.status));
    doc = (await res.json()) as Partial<Discovery>;
  } catch {
    throw new SignInError('无法连接统一身份认证服务（读取其配置失败），请稍后重试或联系系统管理员');
  }
  if (typeof doc.authorization_endpoint !== 'string' || typeof doc.token_endpoint !== 'string') {
    throw new SignInError('统一身份认证服务的配置不完整（缺少授权或令牌地址），请联系系统管理员');
  }
  if (doc.issuer !== issuer) throw new SignInError('统一身份认证服务的标识与本系统的配置不一致，请联系系统管理员');
  if (doc.code_challenge_methods_supported && !doc.code_challenge_methods_supported.includes('S256')) {
    throw new SignInError('统一身份认证服务不支持 PKCE（S256），请联系系统管理员');
  }
  return doc as Discovery;
}

/** Sends the browser to the provider; comes back to /signin/callback. */
export async function startSignIn(oidc: OidcClientConfig, next: string): Promise<void> {
  const doc = await discover(oidc.issuer);
  const state = randomString();
  const verifier = randomString();
  const redirectUri = `${location.origin}${CALLBACK_PATH}`;
  const pending: Pending = { state, verifier, tokenEndpoint: doc.token_endpoint, clientId: oidc.clientId, redirectUri, next };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(doc.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', oidc.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', oidc.scope);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await challengeOf(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  location.assign(url.toString());
}

function takePending(): Pending | null {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Pending;
  } catch {
    return null;
  }
}

/**
 * On /signin/callback: checks the state, trades the code for tokens and
 * answers the token to send as Bearer and where to go next.
 */
export async function completeSignIn(query: URLSearchParams): Promise<{ token: string; next: string }> {
  const pending = takePending();
  const error = query.get('error');
  if (error) {
    const description = query.get('error_description');
    throw new SignInError(
      error === 'access_denied'
        ? `统一身份认证服务拒绝了本次登录${description ? `：${description}` : ''}`
        : `统一身份认证服务返回错误：${error}${description ? `（${description}）` : ''}`,
    );
  }
  const code = query.get('code');
  if (!pending) throw new SignInError('登录请求已失效（未找到本标签页发起的登录），请重新登录');
  if (!code || query.get('state') !== pending.state) throw new SignInError('登录校验失败（state 不一致），可能是过期或伪造的登录回调，请重新登录');
  let res: Response;
  try {
    res = await fetch(pending.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: pending.redirectUri,
        client_id: pending.clientId,
        code_verifier: pending.verifier,
      }),
    });
  } catch {
    throw new SignInError('无法连接统一身份认证服务的令牌接口，请稍后重试');
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const reason = typeof body.error === 'string' ? body.error : `状态码 ${res.status}`;
    const description = typeof body.error_description === 'string' ? `（${body.error_description}）` : '';
    throw new SignInError(`统一身份认证服务未能签发令牌：${reason}${description}，请重新登录`);
  }
  const access = typeof body.access_token === 'string' ? body.access_token : undefined;
  const id = typeof body.id_token === 'string' ? body.id_token : undefined;
  const token = access && decodeToken(access) ? access : id && decodeToken(id) ? id : undefined;
  if (!token) throw new SignInError('统一身份认证服务签发的令牌中没有本系统需要的身份信息（sub、role），请联系系统管理员');
  return { token, next: pending.next };
}

/** A failed sign-in's message, kept for the sign-in page to show after the callback leaves. */
export function setSignInError(message: string): void {
  sessionStorage.setItem(FLASH, message);
}

export function peekSignInError(): string | null {
  return sessionStorage.getItem(FLASH);
}

export function clearSignInError(): void {
  sessionStorage.removeItem(FLASH);
}

// Signing in to the web console through the OIDC provider: the Authorization
// Code flow with PKCE (S256) run by the console in headless Chromium
// (web/src/oidc.ts), against the API configured with the provider's issuer
// and client id (GET /console-config.json) and verifying its tokens by its
// JWKS. The identity provider is outside the system (a government SSO,
// Keycloak, Authing…), so the test stands one in: a minimal OIDC provider
// on node:http in this process, with a discovery document, an authorization
// endpoint that signs "the person" in at once and redirects back with a code,
// a token endpoint that checks the code verifier against the challenge, and
// its keys. The browser calls the token endpoint cross-origin, as it would
// the real one, so the provider answers with CORS headers.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../api/auth';
import { CONSOLE_DIST } from '../../scripts/build-console';
import { CONSOLE_CONTEXT, launchConsoleBrowser } from '../support/browser';
import { checkPage } from '../support/page-checks';
import { startHarness, type Harness } from '../support/harness';

const CLIENT_ID = 'liangshan-console';
const AUDIENCE = 'liangshan-api';
/** Who the provider signs in: a province officer (claims as api/auth.ts reads them). */
const PERSON = { sub: 'sso-user-42', role: 'provinceOfficer', name: '省生态环境厅 张三' };

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
}

/** The stand-in provider (see the top of the file). */
class Provider {
  readonly server: Server;
  issuer = '';
  /** The redirect URI registered for the console's client. */
  redirectUri = '';
  readonly grants = new Map<string, Grant>();
  readonly authorizations: URLSearchParams[] = [];
  readonly tokenReplies: number[] = [];
  readonly issued: string[] = [];
  private key!: { privateKey: CryptoKey; jwk: JWK };

  constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req.method ?? 'GET', new URL(req.url ?? '/', this.issuer), req).then(
        ({ status, headers = {}, body }) => {
          res.writeHead(status, { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type, accept', ...headers });
          res.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
        },
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
  }

  async start(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.key = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'sso-1', alg: 'RS256', use: 'sig' } };
    this.server.listen(0, '127.0.0.1');
    await new Promise((r) => this.server.once('listening', r));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(method: string, url: URL, req: NodeJS.ReadableStream): Promise<{ status: number; headers?: Record<string, string>; body?: unknown }> {
    const json = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (method === 'OPTIONS') return { status: 204 };
    if (url.pathname === '/.well-known/openid-configuration') {
      return {
        status: 200,
        headers: json,
        body: {
          issuer: this.issuer,
          authorization_endpoint: `${this.issuer}/authorize`,
          token_endpoint: `${this.issuer}/token`,
          jwks_uri: `${this.issuer}/jwks`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code'],
          code_challenge_methods_supported: ['S256'],
          id_token_signing_alg_values_supported: ['RS256'],
          subject_types_supported: ['public'],
        },
      };
    }
    if (url.pathname === '/jwks') return { status: 200, headers: json, body: { keys: [this.key.jwk] } };
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      this.authorizations.push(q);
      // A real provider would show its login page here; this one signs PERSON in at once.
      const challenge = q.get('code_challenge') ?? '';
      if (q.get('response_type') !== 'code' || q.get('client_id') !== CLIENT_ID || q.get('redirect_uri') !== this.redirectUri || q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
        return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'invalid authorization request' };
      }
      const code = randomUUID();
      this.grants.set(code, { clientId: CLIENT_ID, redirectUri: this.redirectUri, challenge });
      const back = new URL(this.redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return { status: 302, headers: { location: back.toString() } };
    }
    if (url.pathname === '/token' && method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += String(chunk);
      const form = new URLSearchParams(raw);
      const reply = await this.token(form);
      this.tokenReplies.push(reply.status);
      return { ...reply, headers: json };
    }
    return { status: 404 };
  }

  private async token(form: URLSearchParams): Promise<{ status: number; body: unknown }> {
    const code = form.get('code') ?? '';
    const grant = this.grants.get(code);
    this.grants.delete(code); // a code is good once
    if (form.get('grant_type') !== 'authorization_code' || !grant) return { status: 400, body: { error: 'invalid_grant', error_description: 'unknown or used code' } };
    if (form.get('client_id') !== grant.clientId || form.get('redirect_uri') !== grant.redirectUri) return { status: 400, body: { error: 'invalid_grant', error_description: 'client or redirect_uri mismatch' } };
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'PKCE verification failed' } };
    }
    const sign = (claims: Record<string, unknown>, audience: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'sso-1' })
        .setIssuer(this.issuer)
        .setAudience(audience)
        .setSubject(PERSON.sub)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(this.key.privateKey);
    // The access token carries the roles (a protocol mapper in a real provider); the ID token says who.
    const accessToken = await sign({ role: PERSON.role, name: PERSON.name }, AUDIENCE);
    this.issued.push(accessToken);
    return { status: 200, body: { access_token: accessToken, id_token: await sign({ name: PERSON.name }, CLIENT_ID), token_type: 'Bearer', expires_in: 300 } };
  }
}

describe('the web console signs in through the OIDC provider (Authorization Code + PKCE)', () => {
  const provider = new Provider();
  let harness: Harness;
  let browser: Browser;
  let base: string;
  const contexts: BrowserContext[] = [];

  /** What the tab keeps in sessionStorage under `key` (the page's own scripts run in the browser, not here). */
  const stored = (page: Page, key: string) => page.evaluate(`sessionStorage.getItem(${JSON.stringify(key)})`) as Promise<string | null>;

  async function newPage(init?: string): Promise<Page> {
    const context = await browser.newContext(CONSOLE_CONTEXT);
    contexts.push(context);
    if (init) await context.addInitScript({ content: init });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  beforeAll(async () => {
    const [h, b] = await Promise.all([startHarness({ server: 'timeSkipping', name: 'console-oidc' }), launchConsoleBrowser(), provider.start()]);
    harness = h;
    browser = b;
    base = await harness.listen({
      consoleDir: CONSOLE_DIST,
      verify: createVerifier({ jwksUrl: `${provider.issuer}/jwks`, issuer: provider.issuer, audience: AUDIENCE }),
      oidc: { issuer: provider.issuer, clientId: CLIENT_ID, scope: 'openid profile' },
      development: false,
    });
    provider.redirectUri = `${base}/signin/callback`;
  });

  afterAll(async () => {
    for (const c of contexts.splice(0)) await c.close();
    await browser?.close();
    await harness?.stop();
    await new Promise((r) => provider.server.close(r));
  });

  it('tells the console the provider, and lets its pages reach the provider only', async () => {
    const res = await fetch(`${base}/console-config.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ oidc: { issuer: provider.issuer, clientId: CLIENT_ID, scope: 'openid profile' }, development: false });
    expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ${provider.issuer};`);
    // Not an API route: under /api the path is the API's, answered in JSON, not the console's configuration.
    const api = await fetch(`${base}/api/console-config.json`);
    expect(api.status).not.toBe(200);
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('signs a province officer in with the provider and opens the inbox with its access token', async () => {
    const page = await newPage();
    await page.goto(`${base}/signin`);
    const button = page.getByRole('button', { name: '通过统一身份认证登录' });
    await button.waitFor();
    await checkPage(page, 'signin-oidc');
    // Production, with a provider: no pasted tokens.
    expect(await page.locator('textarea[name=token]').count()).toBe(0);
    const tasks = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/tasks' && r.status() === 200);
    await button.click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(await page.getByTestId('who').innerText()).toMatch(/贵州省生态环境厅\s*·.*张三/);
    // The inbox loaded: an authenticated API call with the provider's access token succeeded.
    await page.getByText('当前没有待办事项').waitFor();
    await checkPage(page, 'inbox-oidc');
    const call = await tasks;
    expect(provider.issued).toHaveLength(1);
    expect(call.request().headers().authorization).toBe(`Bearer ${provider.issued[0]}`);
    expect(await stored(page, 'liangshan.token')).toBe(provider.issued[0]);
    // The round trip's state and verifier are gone; the code is not left in the address bar.
    expect(await stored(page, 'liangshan.oidc')).toBeNull();
    expect(page.url()).toBe(`${base}/`);
    const asked = provider.authorizations.at(-1)!;
    expect(asked.get('scope')).toBe('openid profile');
    expect(asked.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(provider.tokenReplies).toEqual([200]);
  });

  it('refuses a tampered code verifier at the token endpoint, a forged callback and a refusal by the provider, saying so in Chinese', async () => {
    // The verifier this tab kept is changed before the callback runs: the provider must refuse the code.
    const page = await newPage(`
      if (location.pathname === '/signin/callback') {
        const pending = JSON.parse(sessionStorage.getItem('liangshan.oidc') || '{}');
        if (pending.verifier) sessionStorage.setItem('liangshan.oidc', JSON.stringify({ ...pending, verifier: pending.verifier.slice(1) + 'x' }));
      }`);
    const before = provider.tokenReplies.length;
    await page.goto(`${base}/signin`);
    await page.getByRole('button', { name: '通过统一身份认证登录' }).click();
    await page.waitForURL((url) => url.pathname === '/signin');
    const error = page.getByTestId('error');
    await error.waitFor();
    expect(await error.innerText()).toContain('统一身份认证服务未能签发令牌：invalid_grant（PKCE verification failed）');
    expect(provider.tokenReplies.slice(before)).toEqual([400]);
    expect(await stored(page, 'liangshan.token')).toBeNull();
    expect(await page.getByTestId('who').count()).toBe(0);

    const authorize = (url: URL) => url.origin === provider.issuer && url.pathname === '/authorize';
    // A callback whose state is not the one this tab sent (a forged or replayed redirect): no call to the provider.
    const forged = await newPage();
    await forged.route(authorize, (route) => route.fulfill({ status: 302, headers: { location: `${base}/signin/callback?code=stolen&state=forged` } }));
    await forged.goto(`${base}/signin`);
    await forged.getByRole('button', { name: '通过统一身份认证登录' }).click();
    await forged.waitForURL((url) => url.pathname === '/signin');
    expect(await forged.getByTestId('error').innerText()).toContain('state 不一致');
    expect(provider.tokenReplies.slice(before)).toEqual([400]);

    // The provider says no (the person cancelled, or may not use this client).
    await forged.unrouteAll();
    await forged.route(authorize, (route) => {
      const state = new URL(route.request().url()).searchParams.get('state') ?? '';
      return route.fulfill({ status: 302, headers: { location: `${base}/signin/callback?error=access_denied&error_description=${encodeURIComponent('用户取消')}&state=${state}` } });
    });
    await forged.getByRole('button', { name: '通过统一身份认证登录' }).click();
    await forged.getByTestId('error').filter({ hasText: '统一身份认证服务拒绝了本次登录：用户取消' }).waitFor();
    expect(await stored(forged, 'liangshan.token')).toBeNull();
  });
});

// Token verification against an OIDC provider's JWKS served over real HTTP
// by a local server (the provider is the outside part), and with the HS256
// secret: expiry, issuer and audience are checked, keys the provider does
// not publish and algorithm confusion are refused (the
// route registry test in security-http.test.ts shows no route mints tokens).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../api/auth';

const ISSUER = 'https://sso.guizhou.example/realms/sthjt';
const AUDIENCE = 'liangshan-api';
let server: Server;
let jwksUrl: string;
let published: JWK[] = [];
let requests = 0;
let signing: { key: CryptoKey; kid: string };

async function newKey(kid: string): Promise<{ key: CryptoKey; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const token = (claims: Record<string, unknown>, opts: { exp?: string | number; iss?: string; aud?: string; key?: { key: CryptoKey; kid: string } } = {}) => {
  const k = opts.key ?? signing;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: k.kid })
    .setSubject('u-1')
    .setIssuedAt()
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setExpirationTime(opts.exp ?? '5m')
    .sign(k.key);
};

beforeAll(async () => {
  const first = await newKey('k1');
  signing = { key: first.key, kid: 'k1' };
  published = [first.jwk];
  server = createServer((req, res) => {
    requests += 1;
    if (req.url !== '/protocol/openid-connect/certs') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/protocol/openid-connect/certs`;
});

afterAll(() => new Promise((r) => server?.close(r)));

describe('JWKS (AUTH_JWKS_URL) over HTTP', () => {
  it('accepts a token the provider signed for this audience, fetching its keys over HTTP', async () => {
    const verify = createVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const before = requests;
    expect(await verify(await token({ role: 'prefectureOfficer', prefecture: '520300', name: '张三' }))).toEqual({ sub: 'u-1', role: 'prefectureOfficer', prefecture: '520300', name: '张三' });
    expect(requests).toBeGreaterThan(before);
  });

  it('refuses expired tokens, another issuer, another audience, and a key the provider does not publish', async () => {
    const verify = createVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    await expect(verify(await token({ role: 'ops' }, { exp: Math.floor(Date.now() / 1000) - 120 }))).rejects.toThrow(/exp/);
    await expect(verify(await token({ role: 'ops' }, { iss: 'https://evil.example' }))).rejects.toThrow(/iss/);
    await expect(verify(await token({ role: 'ops' }, { aud: 'another-app' }))).rejects.toThrow(/aud/);
    const rogue = await newKey('k1');
    await expect(verify(await token({ role: 'ops' }, { key: { key: rogue.key, kid: 'k1' } }))).rejects.toThrow();
    // A token without an expiry is refused too (requiredClaims).
    const noExp = await new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('u').setIssuer(ISSUER).setAudience(AUDIENCE).sign(signing.key);
    await expect(verify(noExp)).rejects.toThrow(/exp/);
  });

  it('refuses an HS256 token when verifying against the JWKS (no algorithm confusion)', async () => {
    const verify = createVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const hs = await new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setSubject('u').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(published[0])));
    await expect(verify(hs)).rejects.toThrow();
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'u', role: 'ops', exp: 9999999999, iss: ISSUER, aud: AUDIENCE })).toString('base64url')}.`;
    await expect(verify(none)).rejects.toThrow();
  });
});

describe('HS256 (AUTH_JWT_SECRET) with issuer and audience', () => {
  const secret = 'jwks-test-hs256-secret-0123456789abcdef';
  const hs = (iss: string, aud: string, exp: string | number = '5m') =>
    new SignJWT({ role: 'ops' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuer(iss).setAudience(aud).setExpirationTime(exp).sign(new TextEncoder().encode(secret));

  it('checks expiry, issuer and audience', async () => {
    const verify = createVerifier({ jwtSecret: secret, issuer: ISSUER, audience: AUDIENCE });
    expect((await verify(await hs(ISSUER, AUDIENCE))).role).toBe('ops');
    await expect(verify(await hs(ISSUER, AUDIENCE, Math.floor(Date.now() / 1000) - 120))).rejects.toThrow(/exp/);
    await expect(verify(await hs('https://evil.example', AUDIENCE))).rejects.toThrow(/iss/);
    await expect(verify(await hs(ISSUER, 'another-app'))).rejects.toThrow(/aud/);
  });
});

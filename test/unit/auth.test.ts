import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier, signDevToken } from '../../api/auth';

const secret = 'unit-test-secret-with-enough-length-0001';
const verify = createVerifier({ jwtSecret: secret });
const sign = (claims: Record<string, unknown>, exp: string | number = '1h', key = secret, issuer?: string) => {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setIssuedAt().setExpirationTime(exp);
  if (issuer) jwt = jwt.setIssuer(issuer);
  return jwt.sign(new TextEncoder().encode(key));
};

describe('bearer token verification', () => {
  it('accepts a valid token and maps its claims to an actor', async () => {
    const token = await signDevToken(secret, { sub: 'o1', role: 'prefectureOfficer', prefecture: '520300', name: '张三' });
    expect(await verify(token)).toEqual({ sub: 'o1', role: 'prefectureOfficer', prefecture: '520300', name: '张三' });
  });

  it('refuses an expired token, a wrong key, an unknown role, and a prefecture role without a code', async () => {
    await expect(verify(await sign({ role: 'provinceOfficer' }, Math.floor(Date.now() / 1000) - 10))).rejects.toThrow();
    await expect(verify(await sign({ role: 'provinceOfficer' }, '1h', 'another-secret-of-sufficient-length'))).rejects.toThrow();
    await expect(verify(await sign({ role: 'admin' }))).rejects.toThrow(/unknown role/);
    await expect(verify(await sign({ role: 'applicant' }))).rejects.toThrow(/prefecture/);
    await expect(verify(await sign({ role: 'applicant', prefecture: '110000' }))).rejects.toThrow(/prefecture/);
  });

  it('checks the issuer and audience when configured', async () => {
    const strict = createVerifier({ jwtSecret: secret, issuer: 'https://sso.guizhou.example' });
    await expect(strict(await sign({ role: 'ops' }))).rejects.toThrow();
    expect((await strict(await sign({ role: 'ops' }, '1h', secret, 'https://sso.guizhou.example'))).role).toBe('ops');
  });

  it('refuses to start without a key', () => {
    expect(() => createVerifier({})).toThrow(/AUTH_JWT_SECRET/);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_TEMPORAL_CALL_DEADLINE_MS, loadConfig } from '../../infra/config';

const base = { DATABASE_URL: 'postgresql://x/y', SMTP_URL: 'smtp://127.0.0.1:25', AUTH_JWT_SECRET: 's' };

describe('configuration from the environment (README.md "Configuration")', () => {
  it('applies the documented defaults', () => {
    expect(loadConfig(base)).toMatchObject({
      port: 3000, temporalAddress: 'localhost:7233', temporalNamespace: 'default', taskQueue: 'liangshan',
      databaseUrl: 'postgresql://x/y', smtpUrl: 'smtp://127.0.0.1:25', authJwtSecret: 's', authJwksUrl: undefined, development: false,
    });
  });

  it('says which setting is missing or wrong', () => {
    expect(() => loadConfig({ ...base, DATABASE_URL: '' })).toThrow(new ConfigError('DATABASE_URL is not set'));
    expect(() => loadConfig({ ...base, SMTP_URL: undefined })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ ...base, AUTH_JWT_SECRET: undefined })).toThrow(/AUTH_JWT_SECRET .* or AUTH_JWKS_URL/);
    expect(() => loadConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT must be a port number/);
    expect(loadConfig({ ...base, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: 'https://sso.example/jwks' }).authJwksUrl).toBe('https://sso.example/jwks');
  });

  it('reads how long a request may wait on Temporal: 8 s unless TEMPORAL_CALL_DEADLINE_MS says, a positive whole number of ms', () => {
    expect(DEFAULT_TEMPORAL_CALL_DEADLINE_MS).toBe(8000);
    expect(loadConfig(base).temporalCallDeadlineMs).toBe(8000);
    expect(loadConfig({ ...base, TEMPORAL_CALL_DEADLINE_MS: '' }).temporalCallDeadlineMs).toBe(8000);
    expect(loadConfig({ ...base, TEMPORAL_CALL_DEADLINE_MS: '2500' }).temporalCallDeadlineMs).toBe(2500);
    for (const bad of ['0', '-1', '1.5', '8s', 'abc']) {
      expect(() => loadConfig({ ...base, TEMPORAL_CALL_DEADLINE_MS: bad }), bad).toThrow(/TEMPORAL_CALL_DEADLINE_MS must be a positive whole number/);
    }
  });

  it('reads the console\'s public address for the links in mails: an absolute http(s) URL, http://localhost:<PORT> unless PUBLIC_URL says', () => {
    expect(loadConfig(base).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ ...base, PORT: '4000' }).publicUrl).toBe('http://localhost:4000');
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://lsjd.sthjt.guizhou.gov.cn/' }).publicUrl).toBe('https://lsjd.sthjt.guizhou.gov.cn');
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://portal.example.gov.cn/liangshan/' }).publicUrl).toBe('https://portal.example.gov.cn/liangshan');
    for (const bad of ['lsjd.example.gov.cn', '/console', 'ftp://lsjd.example', 'javascript:alert(1)', 'https://u:p@lsjd.example', 'https://lsjd.example/?a=1', 'https://lsjd.example/#x']) {
      expect(() => loadConfig({ ...base, PUBLIC_URL: bad }), bad).toThrow(/PUBLIC_URL must be/);
    }
  });

  it('reads the console\'s OIDC sign-in: both issuer and client id or neither, a URL, scopes with openid', () => {
    expect(loadConfig(base).oidc).toBeUndefined();
    const issuer = 'https://sso.example.gov.cn/realms/liangshan';
    expect(loadConfig({ ...base, AUTH_OIDC_ISSUER: issuer, AUTH_OIDC_CLIENT_ID: 'liangshan-console' }).oidc).toEqual({ issuer, clientId: 'liangshan-console', scope: 'openid profile' });
    expect(loadConfig({ ...base, AUTH_OIDC_ISSUER: issuer, AUTH_OIDC_CLIENT_ID: 'c', AUTH_OIDC_SCOPE: 'openid email' }).oidc?.scope).toBe('openid email');
    expect(() => loadConfig({ ...base, AUTH_OIDC_ISSUER: issuer })).toThrow(/AUTH_OIDC_CLIENT_ID/);
    expect(() => loadConfig({ ...base, AUTH_OIDC_CLIENT_ID: 'c' })).toThrow(/AUTH_OIDC_ISSUER/);
    expect(() => loadConfig({ ...base, AUTH_OIDC_ISSUER: 'sso.example', AUTH_OIDC_CLIENT_ID: 'c' })).toThrow(/AUTH_OIDC_ISSUER must be/);
    expect(() => loadConfig({ ...base, AUTH_OIDC_ISSUER: issuer, AUTH_OIDC_CLIENT_ID: 'c', AUTH_OIDC_SCOPE: 'profile' })).toThrow(/openid/);
  });
});

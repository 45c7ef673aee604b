// Bearer JWTs (docs/ARCHITECTURE.md "The API's contract"): HS256 with
// AUTH_JWT_SECRET, or an OIDC provider's JWKS at AUTH_JWKS_URL. Expiry is
// always checked; issuer and audience when AUTH_ISSUER / AUTH_AUDIENCE are set.
import type { RequestHandler } from 'express';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Actor, Role } from '../workflows/messages';
import { unauthorized } from './errors';

const ROLES: readonly Role[] = ['applicant', 'prefectureOfficer', 'provinceOfficer', 'expert', 'ops'];
const PREFECTURE_CODE = /^52\d{4}$/;

export interface AuthOptions {
  jwtSecret?: string | undefined;
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
}

export type Verifier = (token: string) => Promise<Actor>;

export function createVerifier(options: AuthOptions): Verifier {
  const key = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl))
    : options.jwtSecret
      ? new TextEncoder().encode(options.jwtSecret)
      : undefined;
  if (!key) throw new Error('no token verification key: set AUTH_JWT_SECRET or AUTH_JWKS_URL');
  const verifyOptions = {
    ...(options.jwksUrl ? {} : { algorithms: ['HS256'] }),
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
    requiredClaims: ['exp', 'sub'],
  };
  return async (token) => {
    const { payload } = await (typeof key === 'function' ? jwtVerify(token, key, verifyOptions) : jwtVerify(token, key, verifyOptions));
    return actorFromClaims(payload);
  };
}

export function actorFromClaims(claims: JWTPayload): Actor {
  const role = claims.role as Role;
  if (!ROLES.includes(role)) throw new Error(`unknown role ${String(claims.role)}`);
  const prefecture = typeof claims.prefecture === 'string' ? claims.prefecture : undefined;
  if ((role === 'prefectureOfficer' || role === 'applicant') && !(prefecture && PREFECTURE_CODE.test(prefecture))) {
    throw new Error(`a ${role} token needs a prefecture code`);
  }
  return {
    sub: String(claims.sub),
    role,
    ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
    ...(prefecture ? { prefecture } : {}),
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
  };
}

/** Signs a development token (HS256). Used by `npm run token` and tests only. */
export async function signDevToken(secret: string, actor: Actor, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ role: actor.role, name: actor.name, prefecture: actor.prefecture, email: actor.email })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(actor.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

/** Sets req.actor from a valid bearer token; refuses with 401 otherwise. */
export function requireAuth(verify: Verifier): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) return next(unauthorized());
    try {
      req.actor = await verify(match[1]);
      next();
    } catch {
      next(unauthorized('登录凭证无效或已过期'));
    }
  };
}

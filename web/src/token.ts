// What a token's claims say (its payload, base64url JSON), read only to
// choose what to show: the API verifies the token on every call.
import type { Role } from '../../domain/roles';

export interface SessionUser {
  sub: string;
  role: Exclude<Role, 'public'>;
  prefecture?: string;
  name?: string;
  email?: string;
  exp?: number;
}

/** The token's payload (base64url JSON), or null when it is not a JWT. */
export function decodeToken(token: string): SessionUser | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    if (typeof claims.sub !== 'string' || typeof claims.role !== 'string') return null;
    return {
      sub: claims.sub,
      role: claims.role as SessionUser['role'],
      ...(typeof claims.prefecture === 'string' ? { prefecture: claims.prefecture } : {}),
      ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
      ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
      ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
    };
  } catch {
    return null;
  }
}

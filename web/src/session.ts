// Who is signed in: the Bearer token, kept in sessionStorage (gone when the
// tab closes), and what its claims say. The claims are read only to choose
// what to show; the API verifies the token on every call.
import { decodeToken, type SessionUser } from './token';

export { decodeToken, type SessionUser };

const KEY = 'liangshan.token';

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** The signed-in user as the token says; whether it is still valid is the API's to say (401). */
export function currentUser(): SessionUser | null {
  const token = getToken();
  return token ? decodeToken(token) : null;
}

// The web console (web/, built by `npm run build` into web/dist) served by
// the API process under `/`: its files, and for any other GET path outside
// /api its index.html, so that the single-page app's own paths
// (/applications/…, /bases/…) open on reload. Middleware, not routes: the
// route registry (api/openapi.ts) and the access matrix list the API's
// routes only, and /api/* paths never reach here (unknown ones keep their
// JSON 404). The console calls the documented /api routes with the
// signed-in user's Bearer token, like any other client: nothing here knows
// about users.
//
// GET /console-config.json (middleware too, outside /api) tells the console
// how people sign in: the OIDC provider's issuer, the console's client id
// and scope (AUTH_OIDC_*), or null; and whether this is development, where
// the sign-in page also takes a pasted token. The console then runs the
// Authorization Code flow with PKCE itself (web/src/oidc.ts), as a public
// client: no secret here or there.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler, Response } from 'express';
import type { OidcClientConfig } from '../infra/config';

export const DEFAULT_CONSOLE_DIR = path.resolve(import.meta.dirname, '../web/dist');

/**
 * The console's pages load their scripts, styles and images from this origin
 * only and talk to this origin's API; nothing inline, no frames. The JSON
 * API keeps its stricter policy (api/security.ts).
 */
/**
 * With OIDC sign-in, the pages may also fetch from the provider's origin
 * (its discovery document and token endpoint); nothing else changes.
 */
function consoleCsp(oidc: OidcClientConfig | undefined): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    oidc ? `connect-src 'self' ${new URL(oidc.issuer).origin}` : "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** The path of the console's configuration (not under /api: not an API route, not in the registry). */
export const CONSOLE_CONFIG_PATH = '/console-config.json';

export interface ConsoleConfig {
  oidc: OidcClientConfig | null;
  development: boolean;
}

export interface ConsoleOptions {
  dir?: string | undefined;
  /** The OIDC provider the console signs people in with (AUTH_OIDC_*). */
  oidc?: OidcClientConfig | undefined;
  /** Development: the sign-in page also takes a pasted token. */
  development?: boolean | undefined;
}

const NOT_BUILT = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>控制台尚未构建</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto; line-height: 1.6">
<h1>贵州省“两山”实践创新基地管理系统</h1>
<p>控制台尚未构建（web/dist 不存在）。请在项目目录运行 <code>npm run build</code>，然后刷新本页；
<code>npm start</code> 会自动构建。</p>
<p>The web console has not been built: run <code>npm run build</code> (npm start does it for you), then reload.
The API itself is up: <a href="/api/health">/api/health</a>, <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>
`;

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

export function serveConsole(options: ConsoleOptions = {}): RequestHandler {
  const dir = path.resolve(options.dir ?? DEFAULT_CONSOLE_DIR);
  const index = path.join(dir, 'index.html');
  const csp = consoleCsp(options.oidc);
  const config: ConsoleConfig = { oidc: options.oidc ?? null, development: options.development ?? false };
  const consoleHeaders = (res: Response) => res.setHeader('Content-Security-Policy', csp);
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/api' || req.path.startsWith('/api/')) return next();
    consoleHeaders(res);
    if (req.path === CONSOLE_CONFIG_PATH) {
      res.setHeader('Cache-Control', 'no-cache');
      res.json(config);
      return;
    }
    // Checked on every request, so a build made while the API runs is served at once.
    if (!existsSync(index)) {
      res.status(503).type('html').set('retry-after', '30').send(NOT_BUILT);
      return;
    }
    // The path was checked by saneRequestPath (no NUL, control characters or bad encoding).
    const wanted = path.resolve(dir, `.${path.posix.normalize(decodeURIComponent(req.path))}`);
    if (wanted.startsWith(dir + path.sep) && wanted !== index && isFile(wanted)) {
      // Vite names built assets by their content: they never change under the same name.
      const hashed = wanted.startsWith(path.join(dir, 'assets') + path.sep);
      res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.sendFile(wanted, { dotfiles: 'deny', cacheControl: false }, (error) => error && next(error));
      return;
    }
    // A missing file (a script, an image) is a 404; any other path is a page of the app.
    if (/\.[A-Za-z0-9]{1,8}$/.test(req.path)) {
      res.status(404).type('text').send('Not found');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index, { cacheControl: false }, (error) => error && next(error));
  };
}

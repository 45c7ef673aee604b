// HTTP hardening shared by every response: security headers for a JSON API
// (nothing here is ever rendered as a page, so the strictest policy holds),
// and a refusal of request paths whose decoded text the database cannot
// store (NUL, control characters, lone surrogates), before any route turns
// a path segment into a query.
import type { RequestHandler } from 'express';
import { badRequest } from './errors';
import { isStorableText } from './validation';

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Strict-Transport-Security', 'max-age=31536000');
  next();
};

export const saneRequestPath: RequestHandler = (req, _res, next) => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(req.path);
  } catch {
    return next(badRequest('请求路径不是有效的 URL 编码'));
  }
  if (!isStorableText(decoded) || /[\u0000-\u001f\u007f]/.test(decoded) || decoded.length > 1000) return next(badRequest('请求路径含有不允许的字符'));
  next();
};

// One parser for request bodies and queries: a zod schema, and a 400 in the
// contract's error shape listing every field that is wrong. Before the
// schema, every string and key is checked for what PostgreSQL cannot store
// as sent: NUL (text and jsonb refuse it, which would fail an activity
// forever) and lone UTF-16 surrogates (stored as U+FFFD, so the audit log's
// hash of the value would no longer match the row).
import { z } from 'zod';
import { badRequest } from './errors';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Is this text storable as sent (no NUL, no lone surrogate)? */
export const isStorableText = (s: string) => !s.includes('\u0000') && !LONE_SURROGATE.test(s);

/** The text with NUL and lone surrogates replaced by U+FFFD. */
export const wellFormed = (s: string) => s.replace(/\u0000/g, '\uFFFD').replace(LONE_SURROGATES, '\uFFFD');

/** Paths (a.b.0) of strings or keys that are not storable, at most 20. */
function unstorable(value: unknown, path: string[] = [], found: string[] = [], depth = 0): string[] {
  if (found.length >= 20 || depth > 64) return found;
  if (typeof value === 'string') {
    if (!isStorableText(value)) found.push(path.join('.'));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => unstorable(v, [...path, String(i)], found, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!isStorableText(k)) found.push([...path, '(key)'].join('.'));
      unstorable(v, [...path, k], found, depth + 1);
    }
  }
  return found;
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const bad = unstorable(body);
  if (bad.length > 0) {
    throw badRequest('请求内容含有无法保存的字符（NUL 或不成对的 UTF-16 代理项）', bad.map((path) => ({ path, message: 'NUL or a lone surrogate' })));
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    throw badRequest('请求内容不符合格式', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return result.data;
}

/** A client-chosen decision id (the Update id): also what a retry sends again. */
export const decisionIdSchema = z.string().min(8).max(128).regex(/^[A-Za-z0-9._:-]+$/, '只能包含字母、数字和 ._:-');

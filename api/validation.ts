// One parser for request bodies and queries: a zod schema, and a 400 in the
// contract's error shape listing every field that is wrong.
import type { z } from 'zod';
import { badRequest } from './errors';

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw badRequest('请求内容不符合格式', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return result.data;
}

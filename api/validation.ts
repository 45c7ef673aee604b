// One parser for request bodies and queries: a zod schema, and a 400 in the
// contract's error shape listing every field that is wrong. Before the
// schema, every string and key is checked for what PostgreSQL cannot store
// as sent: NUL (text and jsonb refuse it, which would fail an activity
// forever) and lone UTF-16 surrogates (stored as U+FFFD, so the audit log's
// hash of the value would no longer match the row).
// A schema may carry its own JSON Schema for the OpenAPI document (the
// decisions bodies: one per action, from the regulation's table), and an
// issue may be a 422 problem rather than a 400 (an unknown action).
import { z } from 'zod';
import { decisionBodyJsonSchema, type JsonSchema } from '../domain/payloads';
import { problem, type Problem } from '../domain/problems';
import { APPLICATION_TRANSITIONS, BASE_TRANSITIONS } from '../domain/transitions';
import { badRequest, unprocessable } from './errors';

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
    // Well-formed but naming what does not exist (an issue carrying a problem): 422 naming the field.
    const problems = result.error.issues.map((i) => (i.code === 'custom' ? (i.params as { problem?: Problem } | undefined)?.problem : undefined));
    if (problems.every((p): p is Problem => p !== undefined)) throw unprocessable(problems.map((p) => p.zh).join('；'), problems);
    throw badRequest('请求内容不符合格式', result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return result.data;
}

/** A client-chosen decision id (the Update id): also what a retry sends again. */
export const decisionIdSchema = z.string().min(8).max(128).regex(/^[A-Za-z0-9._:-]+$/, '只能包含字母、数字和 ._:-');

/** JSON Schemas that the OpenAPI document shows for a body schema instead of what zod renders of it (made when the document is). */
const documents = new WeakMap<z.ZodType, () => JsonSchema>();

/** The JSON Schema a body schema is documented with, when it has its own (api/openapi.ts). */
export function documentedJsonSchema(schema: z.ZodType): JsonSchema | undefined {
  return documents.get(schema)?.();
}

const reasonSchema = z.string().max(5000);

function toJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/**
 * The body of POST /api/applications/:id/decisions or /api/bases/:id/decisions
 * (`{ decisionId, action, reason?, ...payload }`). Parsed for its
 * shape only, plus the action being one of the table's (else 422 naming
 * `action`); the payload is checked by the workflow against the action's
 * fields (domain/transitions.ts, domain/payloads.ts validateFields: 422
 * naming each field), after the role (403) and the stage (409). Documented
 * as `oneOf` one schema per action, generated from the same fields
 * (domain/payloads.ts decisionBodyJsonSchema).
 */
export function decisionBodySchema(subject: 'application' | 'base') {
  const rules = subject === 'application' ? APPLICATION_TRANSITIONS : BASE_TRANSITIONS;
  const actions = [...new Set(rules.map((r) => r.action))];
  const kindZh = subject === 'application' ? '申报' : '基地';
  const schema = z
    .object({
      decisionId: decisionIdSchema,
      action: z.string().min(1).max(64),
      reason: reasonSchema.optional(),
    })
    .loose()
    .superRefine((body, ctx) => {
      if (actions.includes(body.action)) return;
      const p = problem('action', 'unknownAction', `${kindZh}没有“${body.action}”这项决定`, `There is no decision “${body.action}” for ${subject === 'application' ? 'an application' : 'a base'}: one of ${actions.join(', ')}`);
      ctx.addIssue({ code: 'custom', path: ['action'], message: p.zh, params: { problem: p } });
    });
  documents.set(schema, () => decisionBodyJsonSchema(rules, { decisionId: toJsonSchema(decisionIdSchema), reason: toJsonSchema(reasonSchema) }));
  return schema;
}

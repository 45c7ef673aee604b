// One parser for request bodies and queries: a zod schema, and a 400 in the
// contract's error shape listing every field that is wrong. Request schemas
// are strict (z.strictObject): a field the API does not know is a 400 naming
// it (`不认识的字段：isAdmin`), worded here once for bodies, queries and
// multipart parts alike (docs/ARCHITECTURE.md "The API's contract"). Before the
// schema, every string and key is checked for what PostgreSQL cannot store
// as sent: NUL (text and jsonb refuse it, which would fail an activity
// forever) and lone UTF-16 surrogates (stored as U+FFFD, so the audit log's
// hash of the value would no longer match the row).
// A schema may carry its own JSON Schema for the OpenAPI document (the
// decisions bodies: one per action, from the regulation's table), and an
// issue may be a 422 problem rather than a 400 (an unknown action).
// What is wrong is said in Chinese: zod's zh-CN locale for this parser's
// parses (not set globally), worded more plainly for the common cases, and
// each detail led by the field's name as the console's form names it when
// the schema has a table of them (`withFieldNames`).
import { z } from 'zod';
import { decisionBodyJsonSchema, type JsonSchema } from '../domain/payloads';
import { ACT_FIELD_ZH } from '../domain/names';
import { problem, type Problem } from '../domain/problems';
import { APPLICATION_TRANSITIONS, BASE_TRANSITIONS } from '../domain/transitions';
import { badRequest, unprocessable } from './errors';

const zhCN = z.locales.zhCN().localeError;
const TYPE_ZH: Record<string, string> = { string: '文本', number: '数字', int: '整数', boolean: '是或否（true/false）', array: '列表', object: '对象', date: '日期', null: '空值（null）', undefined: '空' };

/** zod's zh-CN messages, plainer where they quote zod's own type names (`期望 string >=1 字符`). */
const zhError: z.core.$ZodErrorMap = (issue) => {
  const sized = issue.code === 'too_small' || issue.code === 'too_big' ? issue : undefined;
  if (sized && (sized.origin === 'string' || sized.origin === 'array')) {
    const n = Number(sized.code === 'too_small' ? sized.minimum : sized.maximum);
    const unit = sized.origin === 'string' ? '个字符' : '项';
    if (sized.code === 'too_small') return n === 1 ? (sized.origin === 'string' ? '不能为空' : '至少填写一项') : `至少 ${n} ${unit}`;
    return `至多 ${n} ${unit}`;
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return '必填';
    return `应为${TYPE_ZH[issue.expected] ?? issue.expected}`;
  }
  return zhCN(issue);
};

/** The Chinese names of a request schema's fields, as the console's forms name them (api/validation.ts parseBody). */
const fieldNames = new WeakMap<z.ZodType, Readonly<Record<string, string>>>();

/** Gives a request schema the table its fields are named by in the 400's details: `姓名：不能为空`. The table is keyed by the top-level field or a dotted path. */
export function withFieldNames<S extends z.ZodType>(schema: S, names: Readonly<Record<string, string>>): S {
  fieldNames.set(schema, names);
  return schema;
}

/** The field's name in words, for a detail's message: the whole path's, else its first segment's. */
function fieldZh(schema: z.ZodType, path: readonly PropertyKey[]): string | undefined {
  const names = fieldNames.get(schema);
  if (!names || path.length === 0) return undefined;
  return names[path.join('.')] ?? names[String(path[0])];
}

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

/** What a field the request names but the API does not know is called in the details. */
const UNKNOWN_FIELD = '不认识的字段';

/**
 * A name as the message shows it: at most 64 characters. Whatever a parser
 * hands over (busboy gives `undefined` for a part without a name) is shown,
 * never a reason to throw.
 */
const shown = (name: unknown) => {
  const text = typeof name === 'string' ? name : String(name);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
};

/** `不认识的字段：a、unit.extra` (at most 20 named), the one wording of every refusal of unknown fields. */
export function unknownFieldsMessage(paths: readonly string[]): string {
  const named = paths.slice(0, 20).map(shown).join('、');
  return `${UNKNOWN_FIELD}：${named}${paths.length > 20 ? ` 等 ${paths.length} 个` : ''}`;
}

/** 400 naming fields the API does not know (a body's or a query's keys, a multipart part), one detail per field. */
export function unknownFields(paths: readonly string[]) {
  return badRequest(unknownFieldsMessage(paths), paths.slice(0, 100).map((path) => ({ path: shown(path), message: UNKNOWN_FIELD })));
}

/**
 * Parses a request body or query with its schema (strict: zod's
 * `unrecognized_keys` issues become 400 naming each unknown field, path and
 * all, e.g. `isAdmin`, `unit.extra`).
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const bad = unstorable(body);
  if (bad.length > 0) {
    throw badRequest('请求内容含有无法保存的字符（NUL 或不成对的 UTF-16 代理项）', bad.map((path) => ({ path, message: 'NUL or a lone surrogate' })));
  }
  const result = schema.safeParse(body, { error: zhError });
  if (!result.success) {
    // Well-formed but naming what does not exist (an issue carrying a problem): 422 naming the field.
    const problems = result.error.issues.map((i) => (i.code === 'custom' ? (i.params as { problem?: Problem } | undefined)?.problem : undefined));
    if (problems.every((p): p is Problem => p !== undefined)) throw unprocessable(problems.map((p) => p.zh).join('；'), problems);
    const unknown = result.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k].join('.')) : []));
    const details = result.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => ({ path: shown([...i.path, k].join('.')), message: UNKNOWN_FIELD }))
        : [{ path: i.path.join('.'), message: ((zh) => (zh ? `${zh}：${i.message}` : i.message))(fieldZh(schema, i.path)) }],
    );
    if (unknown.length === 0) throw badRequest(`请求内容不符合格式：${details.slice(0, 5).map((d) => d.message).join('；')}${details.length > 5 ? ` 等 ${details.length} 处` : ''}`, details);
    const others = details.length - unknown.length;
    throw badRequest(`${unknownFieldsMessage(unknown)}${others > 0 ? `；另有 ${others} 处不符合格式` : ''}`, details.slice(0, 100));
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
 * naming each field), after the role (403) and the stage (409). A field
 * that is none of decisionId, action, reason and the payload fields of the
 * rules with this action (read from the table) is refused with 400 naming
 * it. Documented as `oneOf` one schema per action, generated from the same
 * fields, each closed (domain/payloads.ts decisionBodyJsonSchema).
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
      if (actions.includes(body.action)) {
        // The payload fields of every rule with this action, as the table has them now.
        const known = new Set(['decisionId', 'action', 'reason', ...rules.filter((r) => r.action === body.action).flatMap((r) => r.payload.map((f) => f.name))]);
        const keys = Object.keys(body).filter((k) => !known.has(k));
        if (keys.length) ctx.addIssue({ code: 'unrecognized_keys', keys, path: [], input: body, message: UNKNOWN_FIELD });
        return;
      }
      const p = problem('action', 'unknownAction', `${kindZh}没有“${body.action}”这项决定`, `There is no decision “${body.action}” for ${subject === 'application' ? 'an application' : 'a base'}: one of ${actions.join(', ')}`);
      ctx.addIssue({ code: 'custom', path: ['action'], message: p.zh, params: { problem: p } });
    });
  documents.set(schema, () => decisionBodyJsonSchema(rules, { decisionId: toJsonSchema(decisionIdSchema), reason: toJsonSchema(reasonSchema) }));
  // The payload fields by the names the rules table gives them (the console's decision forms show the same).
  return withFieldNames(schema, { ...Object.fromEntries(rules.flatMap((r) => r.payload.map((f) => [f.name, f.zh]))), ...ACT_FIELD_ZH, action: '决定事项' });
}

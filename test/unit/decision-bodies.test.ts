// The decisions bodies of the OpenAPI document (issue 14): one JSON Schema per
// action of the regulation's table, generated from the same FieldSpecs that
// check the payload at run time (domain/payloads.ts). For every action: a
// valid example passes both the schema and validateFields; one without a
// required field, or with a wrong value, fails both. No JSON Schema library
// is a dependency, so a small validator below checks the keywords the
// generator uses, and refuses any keyword it does not know.
import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { HttpError } from '../../api/errors';
import { openApiDocument } from '../../api/openapi';
import { decisionBodySchema, parseBody } from '../../api/validation';
import { decisionBodyJsonSchema, fieldChoices, fieldSpecToJsonSchema, validateFields, type FieldSpec, type JsonSchema } from '../../domain/payloads';
import { APPLICATION_TRANSITIONS, BASE_TRANSITIONS } from '../../domain/transitions';
import type { Db } from '../../infra/database';

// ---- a small JSON Schema (2020-12) validator, formats asserted -------------

const ANNOTATIONS = new Set(['title', 'description']);
const KEYWORDS = new Set([
  'type', 'const', 'enum', 'oneOf', 'properties', 'required', 'additionalProperties', 'minimum', 'maximum',
  'minLength', 'maxLength', 'pattern', 'format', 'items', 'minItems', 'maxItems', 'uniqueItems',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
function isFullDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The paths where `value` breaks `schema` (empty: valid). Throws on a keyword it does not know. */
function errors(schema: JsonSchema, value: unknown, at = ''): string[] {
  for (const k of Object.keys(schema)) if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`unknown keyword ${k} at ${at || '/'}`);
  const out: string[] = [];
  const fail = (why: string) => out.push(`${at || '/'}: ${why}`);
  const t = typeOf(value);
  if (schema.type !== undefined && !(schema.type === t || (schema.type === 'number' && t === 'integer'))) return [`${at || '/'}: not ${String(schema.type)}`];
  if ('const' in schema && value !== schema.const) fail(`not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) fail('not in enum');
  if (Array.isArray(schema.oneOf)) {
    const matching = (schema.oneOf as JsonSchema[]).filter((s) => errors(s, value, at).length === 0).length;
    if (matching !== 1) fail(`matches ${matching} of oneOf`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail('below minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail('above maximum');
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) fail('too short');
    if (typeof schema.maxLength === 'number' && [...value].length > schema.maxLength) fail('too long');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern');
    if (schema.format === 'date-time' && !(RFC3339.test(value) && Number.isFinite(Date.parse(value)))) fail('not date-time');
    if (schema.format === 'date' && !isFullDate(value)) fail('not date');
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('too few items');
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) fail('too many items');
    if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) fail('items not unique');
    if (schema.items) value.forEach((v, i) => out.push(...errors(schema.items as JsonSchema, v, `${at}/${i}`)));
  }
  if (t === 'object') {
    const o = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in o)) fail(`missing ${r}`);
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const [k, v] of Object.entries(o)) {
      if (properties[k]) out.push(...errors(properties[k], v, `${at}/${k}`));
      else if (schema.additionalProperties === false) fail(`unknown property ${k}`);
    }
  }
  return out;
}

// ---- examples from the fields ---------------------------------------------

/** A value validateFields accepts for the field. */
function validValue(f: FieldSpec): unknown {
  switch (f.type) {
    case 'true': return true;
    case 'boolean': return true;
    case 'text': return '同意';
    case 'textOrTextList': return ['整改要求一', '整改要求二'];
    case 'integer': return f.max;
    case 'instant': return '2027-03-02T10:00:00+08:00';
    case 'date': return '2027-03-02';
    case 'idList': return ['expert-1', 'expert-2'];
    case 'file': return 'file-1';
    case 'fileList': return ['file-1', 'file-2'];
    case 'scores': return Object.fromEntries(f.keys.map((k) => [k, f.min]));
    case 'enum': return f.values[0];
    case 'prefecture': return '520300';
  }
}

/** Values validateFields refuses for the field, each with a problem on it. */
function wrongValues(f: FieldSpec): unknown[] {
  switch (f.type) {
    case 'true': return [false, 'true'];
    case 'boolean': return ['yes', 1];
    case 'text': return ['', '   ', 7];
    case 'textOrTextList': return [[], '  ', ['要求', ' ']];
    case 'integer': return [f.min - 1, f.max + 1, 1.5, String(f.min)];
    case 'instant': return ['yesterday', '2027-03-02', 1_800_000_000_000];
    case 'date': return ['2027-3-2', '2027-02-30', '2027-03-02T00:00:00Z'];
    case 'idList': return [[], ['a', 'a'], 'expert-1', [' ']];
    case 'file': return ['', 7, ['file-1']];
    case 'fileList': return [[], ['f', 'f'], 'file-1', [' ']];
    case 'scores': return [{ ...(validValue(f) as object), [f.keys[0]!]: f.max + 1 }, { [f.keys[0]!]: f.min }, [f.min], { ...(validValue(f) as object), extra: 1 }];
    case 'enum': return ['other', f.values[0]!.toUpperCase()];
    case 'prefecture': return ['110000', 520300];
  }
}

const TABLES = [
  { subject: 'application' as const, rules: APPLICATION_TRANSITIONS, path: '/api/applications/{id}/decisions' },
  { subject: 'base' as const, rules: BASE_TRANSITIONS, path: '/api/bases/{id}/decisions' },
];

function alternativesOf(schema: JsonSchema): JsonSchema[] {
  expect(Array.isArray(schema.oneOf)).toBe(true);
  return schema.oneOf as JsonSchema[];
}

describe.each(TABLES)('the $subject decisions body', ({ subject, rules }) => {
  const body = decisionBodySchema(subject);
  const schema = decisionBodyJsonSchema(rules, { decisionId: { type: 'string', minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' }, reason: { type: 'string', maxLength: 5000 } });
  const distinct = [...new Map(rules.map((r) => [r.action, r])).values()];

  it('has one schema per distinct action, told apart by a const action', () => {
    const alternatives = alternativesOf(schema);
    expect(alternatives.map((a) => (a.properties as Record<string, JsonSchema>).action!.const)).toEqual(distinct.map((r) => r.action));
    for (const a of alternatives) expect(a).toMatchObject({ type: 'object', title: expect.any(String), description: expect.stringMatching(/\S/) });
  });

  it.each(distinct.map((r) => [r.action, r] as const))('%s: a valid example passes, one without a required field or with a wrong value fails', (action, rule) => {
    const alternative = alternativesOf(schema).find((a) => a.title === action)!;
    const properties = alternative.properties as Record<string, JsonSchema>;
    // The fields are the rule's, described by their Chinese names; decisionId always required, reason when the rule always needs one.
    expect(Object.keys(properties)).toEqual(['decisionId', 'action', 'reason', ...rule.payload.map((f) => f.name)]);
    for (const f of rule.payload) expect(properties[f.name]!.description).toContain(f.zh);
    const required = ['decisionId', 'action', ...(rule.reasonRequired === 'always' ? ['reason'] : []), ...rule.payload.filter((f) => f.required).map((f) => f.name)];
    expect(alternative.required).toEqual(required);

    const payload = Object.fromEntries(rule.payload.map((f) => [f.name, validValue(f)]));
    const example = { decisionId: `test-${action}-0001`, action, ...(rule.reasonRequired === 'always' ? { reason: '理由' } : {}), ...payload };
    expect(validateFields(rule.payload, payload)).toEqual([]);
    expect(errors(schema, example)).toEqual([]);
    expect(parseBody(body, example)).toEqual(example);
    // Only the required fields: still valid.
    const minimal = Object.fromEntries(Object.entries(example).filter(([k]) => required.includes(k)));
    expect(errors(schema, minimal)).toEqual([]);
    expect(validateFields(rule.payload, minimal)).toEqual([]);

    for (const k of required) {
      const without: Record<string, unknown> = { ...example };
      delete without[k];
      expect(errors(schema, without), `without ${k}`).not.toEqual([]);
      const f = rule.payload.find((x) => x.name === k);
      if (f) expect(validateFields(rule.payload, without).map((p) => [p.field, p.code])).toEqual([[k, 'missing']]);
    }
    if (rule.reasonRequired === 'always') expect(errors(schema, { ...example, reason: '  ' })).not.toEqual([]);
    for (const f of rule.payload) {
      for (const wrong of wrongValues(f)) {
        const bad = { ...example, [f.name]: wrong };
        expect(errors(schema, bad), `${f.name}: ${JSON.stringify(wrong)}`).not.toEqual([]);
        expect(validateFields(rule.payload, { ...payload, [f.name]: wrong }).map((p) => p.field.split('.')[0]), `${f.name}: ${JSON.stringify(wrong)}`).toContain(f.name);
      }
    }
  });

  it('refuses an action of neither table, and one of the other table', () => {
    expect(errors(schema, { decisionId: 'test-0000-0001', action: 'approve' })).not.toEqual([]);
    const other = (subject === 'application' ? BASE_TRANSITIONS : APPLICATION_TRANSITIONS)[0]!;
    expect(errors(schema, { decisionId: 'test-0000-0001', action: other.action, reason: '理由' })).not.toEqual([]);
  });

  it('answers an unknown action with 422 naming the action, and keeps 400 for a malformed body', () => {
    let thrown: unknown;
    try {
      parseBody(body, { decisionId: 'test-0000-0001', action: 'approve' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpError);
    expect(thrown).toMatchObject({ status: 422, code: 'invalid', details: [{ field: 'action', code: 'unknownAction', zh: expect.stringContaining('“approve”') }] });
    expect(() => parseBody(body, { decisionId: 'a b', action: 'approve' })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseBody(body, { decisionId: 'test-0000-0001', action: ['approve'] })).toThrow(expect.objectContaining({ status: 400 }));
    // A field that is no payload field of its action: 400 naming it (issue 15, strict input).
    expect(() => parseBody(body, { decisionId: 'test-0000-0001', action: rules[0]!.action, stray: 1 })).toThrow(
      expect.objectContaining({ status: 400, message: '不认识的字段：stray', details: [{ path: 'stray', message: '不认识的字段' }] }),
    );
    // A payload field of the action with a wrong value passes the shape: the workflow checks it after role and stage (403 → 409 → 422).
    const typed = rules.find((r) => r.payload.length > 0)!;
    expect(parseBody(body, { decisionId: 'test-0000-0001', action: typed.action, [typed.payload[0]!.name]: { wrong: true } })).toMatchObject({ [typed.payload[0]!.name]: { wrong: true } });
  });
});

describe('the JSON Schema of the fields', () => {
  it('lists the words for values that are identifiers', () => {
    const outcome = BASE_TRANSITIONS.find((r) => r.action === 'concludeEvaluation')!.payload[0]!;
    expect(fieldSpecToJsonSchema(outcome)).toMatchObject({ type: 'string', enum: ['pass', 'rectify', 'sanction'], description: expect.stringContaining('pass：') });
    const ground = BASE_TRANSITIONS.find((r) => r.action === 'revoke')!.payload[0]!;
    expect(fieldChoices(ground).map((c) => c.value)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const workingDays = APPLICATION_TRANSITIONS.find((r) => r.action === 'openNotice')!.payload[0]!;
    expect(fieldChoices(workingDays)).toEqual([]);
  });

  it('refuses to describe one action whose rules take different payloads', () => {
    const field: FieldSpec = { name: 'n', type: 'integer', min: 1, max: 2, required: true, zh: '数' };
    const rule = { action: 'x', payload: [field], reasonRequired: 'never' as const, zh: '某事', article: '第一条' };
    const common = { decisionId: { type: 'string' }, reason: { type: 'string' } };
    expect(alternativesOf(decisionBodyJsonSchema([rule, { ...rule, article: '第二条' }], common))).toHaveLength(1);
    expect(() => decisionBodyJsonSchema([rule, { ...rule, payload: [{ ...field, max: 3 }] }], common)).toThrow(/different payloads/);
    expect(() => decisionBodyJsonSchema([rule, { ...rule, reasonRequired: 'always' }], common)).toThrow(/different payloads/);
  });
});

describe('the OpenAPI document', () => {
  it('shows each decisions body as oneOf exactly the actions of its table', () => {
    // The routes register themselves when the app is made; nothing here is called.
    const temporal = { options: { namespace: 'default' } } as unknown as Client;
    createApp({ db: {} as Db, temporal, taskQueue: 'unit', verify: async () => { throw new Error('no tokens here'); } });
    const doc = openApiDocument() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };
    for (const { rules, path } of TABLES) {
      const schema = doc.paths[path]!.post!.requestBody!.content['application/json']!.schema;
      const actions = alternativesOf(schema).map((a) => (a.properties as Record<string, JsonSchema>).action!.const);
      expect(actions).toEqual([...new Set(rules.map((r) => r.action))]);
      // The document's decisionId and reason are the parser's.
      const first = alternativesOf(schema)[0]!.properties as Record<string, JsonSchema>;
      expect(first.decisionId).toEqual({ type: 'string', minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' });
      expect(first.reason).toMatchObject({ type: 'string', maxLength: 5000 });
      // The whole body is valid JSON (the document is served as JSON).
      expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    }
  });
});

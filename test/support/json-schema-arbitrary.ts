// fast-check arbitraries from the JSON Schemas of an OpenAPI document: what
// the document allows, and now and then something hostile in its place (a
// wrong type, a huge string, NUL, a lone surrogate, RTL and zero-width
// characters, a path traversal), so that a fuzz run covers both the happy
// shapes and the edges around them.
import fc from 'fast-check';

export type JsonSchema = Record<string, unknown>;

const HOSTILE_STRINGS = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202Eevil\u202C',
  '\u200B\u200C\u200D\uFEFF',
  '‮ؘقعمع',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '𝕏🀄👩‍👩‍👧‍👦',
  '__proto__',
  'x'.repeat(70_000),
];

/** Something of the wrong kind, or a string no sane client sends. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(null, true, 0, -1, 1e308, -0, [], {}, { __proto__: { admin: true } }, [[[[[]]]]]),
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

function stringArbitrary(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = Math.min(typeof s.maxLength === 'number' ? s.maxLength : 40, Math.max(minLength, 40));
  if (s.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === 'email') return fc.emailAddress();
  if (typeof s.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= minLength && v.length <= (typeof s.maxLength === 'number' ? s.maxLength : Infinity));
    } catch {
      // A pattern fast-check cannot generate from: plain strings then.
    }
  }
  return fc.oneof(
    fc.string({ minLength, maxLength, unit: 'grapheme-ascii' }),
    fc.string({ minLength, maxLength, unit: 'grapheme' }),
    fc.string({ minLength, maxLength, unit: 'binary' }),
  );
}

/** Values the schema allows (ranges clipped to keep them small), with `hostileWeight` out of 10 replaced by hostile ones at every level. */
export function fromSchema(schema: JsonSchema, hostileWeight = 1, depth = 0): fc.Arbitrary<unknown> {
  const valid = validFrom(schema, hostileWeight, depth);
  return hostileWeight > 0 ? fc.oneof({ weight: 10 - hostileWeight, arbitrary: valid }, { weight: hostileWeight, arbitrary: hostile }) : valid;
}

function validFrom(s: JsonSchema, hostileWeight: number, depth: number): fc.Arbitrary<unknown> {
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives)) return fc.oneof(...alternatives.map((a) => fromSchema(a, hostileWeight, depth + 1)));
  const type = s.type;
  if (Array.isArray(type)) return fc.oneof(...(type as string[]).map((t) => validFrom({ ...s, type: t }, hostileWeight, depth)));
  switch (type) {
    case 'string':
      // Text of the right type but hostile content is what gets past a schema: often.
      return hostileWeight > 0 ? fc.oneof({ weight: 7, arbitrary: stringArbitrary(s) }, { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) }) : stringArbitrary(s);
    case 'integer': {
      const min = Math.max(typeof s.minimum === 'number' ? s.minimum : -1000, -1_000_000);
      const max = Math.min(typeof s.maximum === 'number' ? s.maximum : 1000, 1_000_000);
      return fc.integer({ min, max: Math.max(min, max) });
    }
    case 'number': {
      const min = Math.max(typeof s.minimum === 'number' ? s.minimum : -1000, -1e6);
      const max = Math.min(typeof s.maximum === 'number' ? s.maximum : 1000, 1e6);
      return fc.double({ min, max: Math.max(min, max), noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = (s.items as JsonSchema | undefined) ?? {};
      const minLength = typeof s.minItems === 'number' ? s.minItems : 0;
      const maxLength = Math.max(minLength, Math.min(typeof s.maxItems === 'number' ? s.maxItems : 4, 6));
      return depth > 6 ? fc.constant([]) : fc.array(fromSchema(items, hostileWeight, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const required = (s.required ?? []) as string[];
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, depth > 6 ? fc.constant(null) : fromSchema(v, hostileWeight, depth + 1)])),
        { requiredKeys: required.filter((k) => k in properties) },
      );
      // Now and then a key the schema does not name, or a required one missing.
      return fc.oneof(
        { weight: 8, arbitrary: record },
        { weight: 1, arbitrary: fc.tuple(record, fc.string({ maxLength: 12 }), hostile).map(([r, k, v]) => ({ ...(r as object), [k]: v })) },
        { weight: 1, arbitrary: fc.tuple(record, fc.constantFrom(...(required.length ? required : ['-']))).map(([r, k]) => { const c = { ...(r as Record<string, unknown>) }; delete c[k]; return c; }) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// Declarative payload fields: one description per field drives validation
// (422 problems), the API's documentation (the decisions bodies of the
// OpenAPI document, as JSON Schema), the console's decision form and
// docs/RULES.md.
import { isCalendarDate, isInstantString } from './dates';
import { EVALUATION_OUTCOME_ZH, SANCTION_GROUND_ZH } from './names';
import { PREFECTURES, isPrefectureCode } from './prefectures';
import { problem, type Problem } from './problems';

export type FieldType =
  | { type: 'true' }
  | { type: 'boolean' }
  | { type: 'text'; maxLength?: number }
  /** `maxLength`: of the text, or of each text of the list. */
  | { type: 'textOrTextList'; maxLength?: number }
  | { type: 'integer'; min: number; max: number }
  | { type: 'instant' }
  | { type: 'date' }
  | { type: 'idList' }
  /** An uploaded file's id (POST /api/files); the API checks who uploaded it. */
  | { type: 'file' }
  /** Uploaded files' ids, at least `min` of them when given. */
  | { type: 'fileList' }
  | { type: 'scores'; keys: readonly string[]; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'prefecture' };

export type FieldSpec = FieldType & {
  name: string;
  required: boolean;
  zh: string;
  /**
   * The edition of the rules that introduced this field (RULES_EDITION). A
   * workflow run keeps the edition it started under, so a run begun before a
   * field existed is not refused for lacking it (its recorded history replays).
   */
  since?: number;
};

/**
 * The rules' current edition. 1: as first built; 2: naming, warning and
 * revocation rest on a recorded deliberation and, for Art. 24, evidence.
 * Art. 27 lets the province revise the rules; each revision that asks more
 * of a decision raises this number, and its new fields carry `since`.
 */
export const RULES_EDITION = 2;

function describe(f: FieldSpec): string {
  switch (f.type) {
    case 'true': return 'true';
    case 'boolean': return 'true | false';
    case 'text': return '非空文字';
    case 'textOrTextList': return '非空文字或文字列表';
    case 'integer': return `整数 ${f.min}–${f.max}`;
    case 'instant': return 'ISO 时间（带时区）';
    case 'date': return '日期 YYYY-MM-DD';
    case 'idList': return '非空、不重复的 id 列表';
    case 'file': return '已上传文件的 fileId';
    case 'fileList': return '已上传文件的 fileId 列表';
    case 'scores': return `{ ${f.keys[0]}..${f.keys[f.keys.length - 1]}: ${f.min}–${f.max} }`;
    case 'enum': return f.values.join(' | ');
    case 'prefecture': return '市（州）代码';
  }
}

/** `name?: type` for docs. */
export function fieldSignature(f: FieldSpec): string {
  return `${f.name}${f.required ? '' : '?'}: ${describe(f)}`;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

/** The longest id an `idList` takes (an expert's id). */
const MAX_ID_LENGTH = 128;

/** Check one payload against its fields (those of `edition` and before); unknown extra fields are ignored. */
export function validateFields(fields: readonly FieldSpec[], payload: Record<string, unknown>, edition: number = RULES_EDITION): Problem[] {
  const problems: Problem[] = [];
  for (const f of fields) {
    if ((f.since ?? 1) > edition) continue;
    const v = payload[f.name];
    if (v === undefined || v === null) {
      if (f.required) problems.push(problem(f.name, 'missing', `缺少${f.zh}（${f.name}）`, `${f.name} is required`));
      continue;
    }
    const bad = (code: string, zh: string, en: string) => problems.push(problem(f.name, code, `${f.zh}（${f.name}）${zh}`, `${f.name} ${en}`));
    switch (f.type) {
      case 'true':
        if (v !== true) bad('mustBeTrue', '须为 true', 'must be true');
        break;
      case 'boolean':
        if (typeof v !== 'boolean') bad('notBoolean', '须为 true 或 false', 'must be true or false');
        break;
      case 'text':
        if (!nonEmpty(v)) bad('empty', '不能为空', 'must be non-empty text');
        else if (f.maxLength !== undefined && v.length > f.maxLength) bad('tooLong', `不超过${f.maxLength}字`, `must be at most ${f.maxLength} characters`);
        break;
      case 'textOrTextList':
        if (!(nonEmpty(v) || (Array.isArray(v) && v.length > 0 && v.every(nonEmpty)))) bad('empty', '不能为空', 'must be non-empty text or a non-empty list of texts');
        else if (f.maxLength !== undefined && (Array.isArray(v) ? (v as string[]) : [v]).some((t) => t.length > f.maxLength!)) bad('tooLong', `每条不超过${f.maxLength}字`, `must be at most ${f.maxLength} characters each`);
        break;
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v)) bad('notInteger', '须为整数', 'must be an integer');
        else if (v < f.min || v > f.max) bad('outOfRange', `须在 ${f.min}–${f.max} 之间`, `must be between ${f.min} and ${f.max}`);
        break;
      case 'instant':
        if (!isInstantString(v)) bad('notInstant', '须为带时区的 ISO 时间', 'must be an ISO instant with a zone');
        break;
      case 'date':
        if (!isCalendarDate(v)) bad('notDate', '须为有效日期 YYYY-MM-DD', 'must be a date YYYY-MM-DD');
        break;
      case 'idList':
        if (!Array.isArray(v) || v.length === 0 || !v.every(nonEmpty)) bad('notIdList', '须为非空的 id 列表', 'must be a non-empty list of ids');
        else if (v.some((id) => id.length > MAX_ID_LENGTH)) bad('tooLong', `中的 id 不超过${MAX_ID_LENGTH}字`, `ids must be at most ${MAX_ID_LENGTH} characters`);
        else if (new Set(v).size !== v.length) bad('duplicate', '有重复', 'has duplicates');
        break;
      case 'file':
        if (!nonEmpty(v) || v.length > 128) bad('notFile', '须为已上传文件的 fileId', 'must be the fileId of an uploaded file');
        break;
      case 'fileList':
        if (!Array.isArray(v) || v.length === 0 || v.length > 20 || !v.every((x) => nonEmpty(x) && x.length <= 128)) bad('notFileList', '须为已上传文件的 fileId 列表（1–20 个）', 'must be a list of 1-20 fileIds of uploaded files');
        else if (new Set(v).size !== v.length) bad('duplicate', '有重复', 'has duplicates');
        break;
      case 'scores': {
        if (typeof v !== 'object' || Array.isArray(v)) {
          bad('notObject', `须为 { ${f.keys.join(', ')} } 的评分`, `must be an object of scores ${f.keys.join(', ')}`);
          break;
        }
        const scores = v as Record<string, unknown>;
        for (const k of f.keys) {
          const s = scores[k];
          if (typeof s !== 'number' || !Number.isFinite(s)) problems.push(problem(`${f.name}.${k}`, 'missing', `缺少第${k}项评分`, `${f.name}.${k} must be a number`));
          else if (s < f.min || s > f.max) problems.push(problem(`${f.name}.${k}`, 'outOfRange', `第${k}项评分须在 ${f.min}–${f.max} 之间`, `${f.name}.${k} must be between ${f.min} and ${f.max}`));
        }
        for (const k of Object.keys(scores)) {
          if (!f.keys.includes(k)) problems.push(problem(`${f.name}.${k}`, 'unknown', `没有第${k}项评分标准`, `${f.name}.${k} is not a criterion`));
        }
        break;
      }
      case 'enum':
        if (typeof v !== 'string' || !f.values.includes(v)) bad('notAllowed', `须为 ${f.values.join('、')} 之一`, `must be one of ${f.values.join(', ')}`);
        break;
      case 'prefecture':
        if (!isPrefectureCode(v)) bad('notPrefecture', '不是有效的市（州）代码', 'is not a prefecture code');
        break;
    }
  }
  return problems;
}

// ---------------------------------------------------------------- words for values

/**
 * The words for the values of fields whose values are identifiers, by field
 * name: an enum's members, a yes/no answer, an Art. 24 ground. The decision
 * form shows them; the JSON Schema of a field lists them in its description.
 */
const FIELD_VALUE_ZH: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  outcome: EVALUATION_OUTCOME_ZH,
  passed: { true: '通过核查评估', false: '不通过' },
  onSite: { true: '已实地核查', false: '未实地核查' },
  completed: { true: '已有效完成整改', false: '未完成整改' },
  ground: SANCTION_GROUND_ZH,
};

/** The words for one value of a field (`true`, `'pass'`, `4`), when it has them. */
export function fieldValueZh(f: FieldSpec, value: string | number | boolean): string | undefined {
  const words = Object.prototype.hasOwnProperty.call(FIELD_VALUE_ZH, f.name) ? FIELD_VALUE_ZH[f.name] : undefined;
  const key = String(value);
  return words && Object.prototype.hasOwnProperty.call(words, key) ? words[key] : undefined;
}

/** The values of a field that have words, in order (`true, false` for a boolean, min..max for an integer). */
function valuesOf(f: FieldSpec): Array<string | number | boolean> {
  switch (f.type) {
    case 'boolean': return [true, false];
    case 'true': return [true];
    case 'enum': return [...f.values];
    case 'integer': return f.max - f.min <= 50 ? Array.from({ length: f.max - f.min + 1 }, (_, i) => f.min + i) : [];
    default: return [];
  }
}

/** The values of a field with their words, for a choice in a form; empty when the field's values have none. */
export function fieldChoices(f: FieldSpec): Array<{ value: string | number | boolean; zh: string }> {
  const choices = valuesOf(f).map((value) => ({ value, zh: fieldValueZh(f, value) }));
  return choices.every((c) => c.zh !== undefined) ? (choices as Array<{ value: string | number | boolean; zh: string }>) : [];
}

// ---------------------------------------------------------------- JSON Schema

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { [keyword: string]: unknown };

/** Text that `trim()` does not empty: at least one character that is not white space. */
const NOT_BLANK = '\\S';

/** The JSON Schema of one field's value, as `validateFields` checks it, described by the field's Chinese name. */
export function fieldSpecToJsonSchema(f: FieldSpec): JsonSchema {
  const choices = fieldChoices(f);
  const description = choices.length ? `${f.zh}（${choices.map((c) => `${String(c.value)}：${c.zh}`).join('；')}）` : f.zh;
  const text: JsonSchema = { type: 'string', minLength: 1, pattern: NOT_BLANK };
  switch (f.type) {
    case 'true': return { type: 'boolean', const: true, description };
    case 'boolean': return { type: 'boolean', description };
    case 'text': return { ...text, ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}), description };
    case 'textOrTextList': {
      const one = { ...text, ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}) };
      return { oneOf: [one, { type: 'array', items: one, minItems: 1 }], description };
    }
    case 'integer': return { type: 'integer', minimum: f.min, maximum: f.max, description };
    case 'instant': return { type: 'string', format: 'date-time', description: `${description}（ISO 8601，带时区，如 2027-03-02T10:00:00+08:00）` };
    case 'date': return { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `${description}（YYYY-MM-DD）` };
    case 'idList': return { type: 'array', items: { ...text, maxLength: MAX_ID_LENGTH }, minItems: 1, uniqueItems: true, description };
    case 'file': return { ...text, maxLength: 128, description: `${description}（POST /api/files 返回的 fileId）` };
    case 'fileList': return { type: 'array', items: { ...text, maxLength: 128 }, minItems: 1, maxItems: 20, uniqueItems: true, description: `${description}（POST /api/files 返回的 fileId）` };
    case 'scores':
      return {
        type: 'object',
        properties: Object.fromEntries(f.keys.map((k) => [k, { type: 'number', minimum: f.min, maximum: f.max, description: `第${k}项评分` }])),
        required: [...f.keys],
        additionalProperties: false,
        description,
      };
    case 'enum': return { type: 'string', enum: [...f.values], description };
    case 'prefecture': return { type: 'string', enum: PREFECTURES.map((p) => p.code), description: `${description}（${PREFECTURES.map((p) => `${p.code} ${p.zh}`).join('，')}）` };
  }
}

/**
 * The JSON Schema of a payload with these fields: each field's schema and
 * which are required. Other properties are allowed, as `validateFields`
 * ignores them.
 */
export function fieldSpecsToJsonSchema(fields: readonly FieldSpec[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSpecToJsonSchema(f)])),
    required: fields.filter((f) => f.required).map((f) => f.name),
  };
}

/** What a decision body's schema takes from a rule of the table (domain/transitions.ts TransitionRule). */
export interface DecisionRuleFields {
  action: string;
  payload: readonly FieldSpec[];
  reasonRequired: 'always' | 'never' | 'whenNegative';
  /** The action's name. */
  zh: string;
  /** What the rule says beyond its name. */
  docZh?: string;
  article: string;
}

/**
 * The JSON Schema of a decisions body `{ decisionId, action, reason?, ...payload }`
 * for these rules: `oneOf` one object per distinct action, told apart by
 * `action` (a `const`), with that action's payload fields, `decisionId`
 * required and `reason` required (and not blank) when the rule always needs
 * one, and no other property. An action in several rules (openNotice: the prefecture's and the
 * province's) must take the same fields in each; it gets one schema.
 * `common` gives the schemas of `decisionId` and `reason` (the API's).
 */
export function decisionBodyJsonSchema(rules: readonly DecisionRuleFields[], common: { decisionId: JsonSchema; reason: JsonSchema }): JsonSchema {
  const byAction = new Map<string, DecisionRuleFields[]>();
  for (const r of rules) byAction.set(r.action, [...(byAction.get(r.action) ?? []), r]);
  const alternatives = [...byAction].map(([action, same]) => {
    const first = same[0]!;
    const payload = fieldSpecsToJsonSchema(first.payload);
    for (const r of same.slice(1)) {
      if (r.reasonRequired !== first.reasonRequired || JSON.stringify(fieldSpecsToJsonSchema(r.payload)) !== JSON.stringify(payload)) {
        throw new Error(`The rules of “${action}” take different payloads: one schema per action cannot describe them`);
      }
    }
    if (['decisionId', 'action', 'reason'].some((k) => first.payload.some((f) => f.name === k))) {
      throw new Error(`A payload field of “${action}” takes the name of a body field (decisionId, action, reason)`);
    }
    const what = [...new Set(same.map((r) => `${r.docZh ?? r.zh}（${r.article}）`))].join('；');
    const reason: JsonSchema =
      first.reasonRequired === 'always'
        ? { ...common.reason, minLength: 1, pattern: NOT_BLANK, description: '理由（必填）' }
        : { ...common.reason, description: first.reasonRequired === 'whenNegative' ? '理由（结论为否定时必填）' : '理由（选填）' };
    return {
      type: 'object',
      title: action,
      description: first.docZh ? `${first.zh}：${what}` : what,
      properties: {
        decisionId: common.decisionId,
        action: { type: 'string', const: action, description: first.zh },
        reason,
        ...(payload.properties as JsonSchema),
      },
      required: ['decisionId', 'action', ...(first.reasonRequired === 'always' ? ['reason'] : []), ...(payload.required as string[])],
      // Closed: the API refuses any other field with 400 (api/validation.ts decisionBodySchema).
      additionalProperties: false,
    };
  });
  return { oneOf: alternatives };
}

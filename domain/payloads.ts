// Declarative payload fields: one description per field drives validation
// (422 problems), the API's documentation and docs/RULES.md.
import { isCalendarDate, isInstantString } from './dates';
import { isPrefectureCode } from './prefectures';
import { problem, type Problem } from './problems';

export type FieldType =
  | { type: 'true' }
  | { type: 'boolean' }
  | { type: 'text'; maxLength?: number }
  | { type: 'textOrTextList' }
  | { type: 'integer'; min: number; max: number }
  | { type: 'instant' }
  | { type: 'date' }
  | { type: 'idList' }
  | { type: 'scores'; keys: readonly string[]; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'prefecture' };

export type FieldSpec = FieldType & { name: string; required: boolean; zh: string };

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

/** Check one payload against its fields; unknown extra fields are ignored. */
export function validateFields(fields: readonly FieldSpec[], payload: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const f of fields) {
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

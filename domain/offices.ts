// The office directory (办公室名录): who the system writes to for the province
// and for each prefecture (and a county, where one is used), and the public
// contact a notice's announcement prints for objections (Art. 10, 15). Keyed
// by the administrative division code (./regions): 520000 for the province.
// A row may have no mailbox yet: mails to that office are then recorded as
// undeliverable (activities/outbox.ts), never dropped.
//
// One check for a row, used by PUT /api/offices/:region and by
// `npm run offices:load` alike, listing every problem (field names in the
// path, messages in Chinese).
import { PROVINCE_OFFICE_ZH } from './names';
import { problem, type Problem } from './problems';
import { isRegionCode, PROVINCE_CODE, regionLevel, regionZh } from './regions';

export interface OfficeFields {
  name: string;
  /** Where the system's mails to this office go; null: none yet (mails are recorded undeliverable). */
  email: string | null;
  /** The contact printed on notices for objections (Art. 10, 15). */
  contactPhone: string | null;
  contactAddress: string | null;
  contactEmail: string | null;
}

export interface OfficeRow extends OfficeFields {
  region: string;
}

export const OFFICE_FIELDS = ['name', 'email', 'contactPhone', 'contactAddress', 'contactEmail'] as const;

// Deliberately plain: one @, a dot in the domain, no spaces. SMTP servers judge the rest.
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
// Digits with the separators Chinese numbers are written with: 0851-85560000, (0851) 8556 0000, 12369 转 2.
const PHONE = /^[0-9+\-() 转]{5,40}$/;

/** The field's name as a person reads it. */
export const OFFICE_FIELD_ZH: Readonly<Record<(typeof OFFICE_FIELDS)[number] | 'region', string>> = {
  region: '行政区划代码',
  name: '办公室名称',
  email: '工作邮箱',
  contactPhone: '公示联系电话',
  contactAddress: '公示联系地址',
  contactEmail: '公示联系邮箱',
};

/** The office's default name for a region: the division's name and the ecology department or bureau. */
export function officeNameFor(region: string): string {
  return region === PROVINCE_CODE ? PROVINCE_OFFICE_ZH : `${regionZh(region)}生态环境局`;
}

/** Is this a region an office may be kept for: the province, a prefecture or a county of Guizhou. */
export function officeRegionProblem(region: unknown, at = 'region'): Problem | null {
  if (typeof region === 'string' && isRegionCode(region) && regionLevel(region) !== null) return null;
  const shown = typeof region === 'string' ? region.slice(0, 20) : String(region);
  return problem(at, 'unknownRegion', `“${shown}”不是贵州省的行政区划代码（省 520000、市（州）或县（市、区），如 520300 遵义市）`, `${shown} is not a Guizhou division code`);
}

function text(value: unknown, field: string, label: string, max: number, required: boolean, problems: Problem[]): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '' && !required)) {
    if (required) problems.push(problem(field, 'missing', `缺少${label}`, `${field} is missing`));
    return null;
  }
  if (typeof value !== 'string') {
    problems.push(problem(field, 'notText', `${label}须为文字`, `${field} must be a string`));
    return null;
  }
  const v = value.trim();
  if (v === '') {
    problems.push(problem(field, 'missing', `缺少${label}`, `${field} is empty`));
    return null;
  }
  if (v.length > max) problems.push(problem(field, 'tooLong', `${label}过长（最多 ${max} 个字符）`, `${field} is longer than ${max}`));
  return v;
}

/**
 * Checks one office's fields: name required; email, contact email syntax;
 * phone characters; lengths. `at` prefixes the fields in the problems (a
 * loader's row: `offices[3].email`). Empty strings mean "none".
 */
export function validateOfficeFields(raw: Record<string, unknown>, at = ''): { fields: OfficeFields; problems: Problem[] } {
  const problems: Problem[] = [];
  const path = (f: string) => (at ? `${at}.${f}` : f);
  const name = text(raw.name, path('name'), OFFICE_FIELD_ZH.name, 100, true, problems) ?? '';
  const email = text(raw.email, path('email'), OFFICE_FIELD_ZH.email, 254, false, problems);
  if (email !== null && !EMAIL.test(email)) problems.push(problem(path('email'), 'notAnEmail', `${OFFICE_FIELD_ZH.email}“${email.slice(0, 60)}”不是有效的电子邮件地址`, `${email} is not an email address`));
  const contactPhone = text(raw.contactPhone, path('contactPhone'), OFFICE_FIELD_ZH.contactPhone, 40, false, problems);
  if (contactPhone !== null && !PHONE.test(contactPhone)) {
    problems.push(problem(path('contactPhone'), 'notAPhone', `${OFFICE_FIELD_ZH.contactPhone}只能包含数字、空格、+、-、括号和“转”`, `${contactPhone} is not a phone number`));
  }
  const contactAddress = text(raw.contactAddress, path('contactAddress'), OFFICE_FIELD_ZH.contactAddress, 200, false, problems);
  const contactEmail = text(raw.contactEmail, path('contactEmail'), OFFICE_FIELD_ZH.contactEmail, 254, false, problems);
  if (contactEmail !== null && !EMAIL.test(contactEmail)) {
    problems.push(problem(path('contactEmail'), 'notAnEmail', `${OFFICE_FIELD_ZH.contactEmail}“${contactEmail.slice(0, 60)}”不是有效的电子邮件地址`, `${contactEmail} is not an email address`));
  }
  return { fields: { name, email, contactPhone, contactAddress, contactEmail }, problems };
}

/**
 * Checks a whole directory file's rows (the loader): every row's region and
 * fields, unknown fields, and a region given twice. Every problem is listed,
 * so one run of the loader reports all of them.
 */
export function validateOfficeDirectory(rows: unknown): { offices: OfficeRow[]; problems: Problem[] } {
  if (!Array.isArray(rows)) return { offices: [], problems: [problem('offices', 'notAList', '名录须为办公室列表', 'Expected a list of offices')] };
  const problems: Problem[] = [];
  const offices: OfficeRow[] = [];
  const seen = new Map<string, number>();
  rows.forEach((raw, i) => {
    const at = `offices[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push(problem(at, 'notAnObject', `第 ${i + 1} 行不是一个办公室`, `row ${i + 1} is not an object`));
      return;
    }
    const r = raw as Record<string, unknown>;
    for (const key of Object.keys(r)) {
      if (key !== 'region' && !(OFFICE_FIELDS as readonly string[]).includes(key)) problems.push(problem(`${at}.${key}`, 'unknownField', `第 ${i + 1} 行有不认识的字段：${key.slice(0, 40)}`, `unknown field ${key}`));
    }
    const regionProblem = officeRegionProblem(typeof r.region === 'number' ? String(r.region) : r.region, `${at}.region`);
    if (regionProblem) problems.push(regionProblem);
    const region = String(r.region);
    const earlier = seen.get(region);
    if (!regionProblem && earlier !== undefined) problems.push(problem(`${at}.region`, 'duplicate', `第 ${i + 1} 行与第 ${earlier + 1} 行是同一个办公室（${regionZh(region)}）`, `${region} is listed twice`));
    seen.set(region, i);
    const checked = validateOfficeFields(r, at);
    problems.push(...checked.problems);
    if (!regionProblem) offices.push({ region, ...checked.fields });
  });
  return { offices, problems };
}

/** The regions that must have a mailbox for the system's mails to reach every office it writes to: the province and the prefectures. */
export function officesWithoutMailbox(offices: ReadonlyArray<{ region: string; name: string; email: string | null }>, required: readonly string[]): Array<{ region: string; name: string }> {
  const byRegion = new Map(offices.map((o) => [o.region, o]));
  return required.flatMap((region) => {
    const o = byRegion.get(region);
    return o?.email ? [] : [{ region, name: o?.name ?? officeNameFor(region) }];
  });
}

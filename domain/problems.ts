// Refusals and problems: the common currency of every rule in domain/.
// A refusal carries a kind that the API maps to an HTTP status and the
// workflows to a failure type (see workflows/messages.ts RefusalType), plus a
// human reason in Chinese (for officers and applicants) and English (for logs
// and developers). Plain JSON objects, so they cross workflow boundaries.

/** forbidden → 403 (wrong role or region), conflict → 409 (wrong stage or window), invalid → 422 (bad payload). */
export type RefusalKind = 'forbidden' | 'conflict' | 'invalid';

export const HTTP_STATUS_OF_REFUSAL: Readonly<Record<RefusalKind, 403 | 409 | 422>> = {
  forbidden: 403,
  conflict: 409,
  invalid: 422,
};

/** One thing wrong with a payload or a submission: which field, and why, in both languages. */
export interface Problem {
  /** Dotted path of the field, or the material / indicator key. */
  field: string;
  /** Stable machine code, e.g. `missing`, `outOfRange`. */
  code: string;
  zh: string;
  en: string;
}

export interface Refusal {
  kind: RefusalKind;
  /** Stable machine code, e.g. `wrongStage`, `wrongRole`, `wrongRegion`, `invalidPayload`. */
  code: string;
  zh: string;
  en: string;
  /** The article that the rule comes from, e.g. `第九条`. */
  article?: string;
  /** For `invalid`: every problem found, not only the first. */
  problems?: Problem[];
}

export function refusal(kind: RefusalKind, code: string, zh: string, en: string, article?: string, problems?: Problem[]): Refusal {
  const r: Refusal = { kind, code, zh, en };
  if (article !== undefined) r.article = article;
  if (problems !== undefined) r.problems = problems;
  return r;
}

export function problem(field: string, code: string, zh: string, en: string): Problem {
  return { field, code, zh, en };
}

/** Many payload problems become one 422 refusal that lists them all. */
export function invalidPayload(problems: Problem[], article?: string): Refusal {
  const zh = problems.map((p) => p.zh).join('；');
  const en = problems.map((p) => p.en).join('; ');
  return refusal('invalid', 'invalidPayload', `提交内容有误：${zh}`, `Invalid payload: ${en}`, article, problems);
}

export function httpStatusOf(r: Refusal): 403 | 409 | 422 {
  return HTTP_STATUS_OF_REFUSAL[r.kind];
}

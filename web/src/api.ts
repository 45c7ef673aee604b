// Every call the console makes goes to the documented /api routes, with the
// signed-in user's Bearer token: nothing the API would not allow any client.
import type { Problem } from '../../domain/problems';
import { getToken } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The problems of a 422 (each field and why), when the API listed them. */
  get problems(): Problem[] {
    return Array.isArray(this.details) ? (this.details as Problem[]).filter((p) => p && typeof p.zh === 'string') : [];
  }
}

const STATUS_ZH: Record<number, string> = {
  400: '请求有误',
  401: '需要登录',
  403: '无权办理',
  404: '未找到',
  409: '当前阶段不能办理',
  413: '文件过大',
  422: '填写内容有误',
  429: '操作过于频繁',
  503: '服务暂时不可用',
};

export function statusZh(status: number): string {
  return STATUS_ZH[status] ?? `错误 ${status}`;
}

export interface CallOptions {
  body?: unknown;
  form?: FormData;
  /** Send the token (default true when signed in). */
  auth?: boolean;
  headers?: Record<string, string>;
}

export async function api<T = Record<string, unknown>>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = options.auth === false ? null : getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? 'error', error?.message ?? statusZh(res.status), error?.details);
  }
  return json as T;
}

/** A fresh id for a decision (the API applies the same id once). */
export function newDecisionId(prefix = 'web'): string {
  const random = typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${prefix}-${random}`;
}

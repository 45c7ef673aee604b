// Files the API answers with the session's Bearer token (a plain link could
// not send it): uploaded materials (FileLink), Excel exports and templates
// (ExportLink, IndicatorSheet), generated documents (DocumentLinks). One
// fetch with the API's error in Chinese, one way to save under a name.
import { ApiError, statusZh } from './api';
import { getToken } from './session';

/** How long a blob: URL is kept for a new tab or a download to read it. */
export const KEEP_URL_MS = 60_000;

/** GET `path` with the session's token; a refusal throws ApiError with the API's message. */
export async function fetchWithToken(path: string): Promise<Response> {
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试');
  }
  if (!res.ok) {
    let message = statusZh(res.status);
    let details: unknown;
    try {
      const body = (await res.json()) as { error?: { message?: string; details?: unknown } };
      message = body.error?.message ?? message;
      details = body.error?.details;
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(res.status, 'error', message, details);
  }
  return res;
}

/** Saves what a blob: URL holds under `name`, as the browser's download. */
export function saveAs(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

/** Fetches a file and saves it under the name the API gives (Content-Disposition filename*, Chinese), else `fallbackName`. */
export async function downloadFile(path: string, fallbackName: string): Promise<void> {
  const res = await fetchWithToken(path);
  const named = /filename\*=UTF-8''([^;]+)/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(await res.blob());
  saveAs(url, named ? decodeURIComponent(named) : fallbackName);
  setTimeout(() => URL.revokeObjectURL(url), KEEP_URL_MS);
}

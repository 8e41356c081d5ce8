/** Thin fetch wrapper for the Tidemark HTTP API: same origin, cookie session, JSON in and out. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** Some endpoints wrap payloads as {success, data}; callers always get the payload itself. */
function unwrap(body: unknown): unknown {
  if (body && typeof body === 'object' && (body as { success?: unknown }).success === true && 'data' in body) {
    return (body as { data: unknown }).data;
  }
  return body;
}

/** A shared view's access token (after a password), sent with that link's own requests only. */
let shareAccess: { prefix: string; token: string } | null = null;

export function setShareAccess(linkToken: string, accessToken: string | null): void {
  shareAccess = accessToken ? { prefix: `/api/share/${encodeURIComponent(linkToken)}`, token: accessToken } : null;
}

export async function request<T>(method: string, path: string, body?: unknown, init: { signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> =
    body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' };
  if (shareAccess && (path === shareAccess.prefix || path.startsWith(`${shareAccess.prefix}/`)))
    headers['x-share-access'] = shareAccess.token;
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: init.signal,
  });
  const text = await res.text();
  let json: unknown;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `Request failed (${res.status})`);
  }
  return unwrap(json) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, init?: { signal?: AbortSignal }) => request<T>('GET', withQuery(path, query), undefined, init),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong';
}

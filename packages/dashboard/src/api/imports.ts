import { ApiError, api, request } from './client';
import type { ImportJob, ImportSourceName } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/imports`;

/** Content type of an upload: the file as it is, a zip or a CSV. */
function contentType(file: File): string {
  return /\.csv$/i.test(file.name) ? 'text/csv' : 'application/zip';
}

export const importsApi = {
  list: (siteId: string, signal?: AbortSignal) => api.get<ImportJob[]>(base(siteId), undefined, { signal }),
  remove: (siteId: string, id: string) => request<unknown>('DELETE', `${base(siteId)}/${encodeURIComponent(id)}`),
  /** Sends the file as the request body (no multipart): the server answers at once, the import runs in the background. */
  upload: async (siteId: string, source: ImportSourceName, file: File): Promise<ImportJob> => {
    const qs = new URLSearchParams({ source, file_name: file.name.slice(0, 255) });
    const res = await fetch(`${base(siteId)}?${qs}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': contentType(file) },
      body: file,
    });
    const json = (await res.json().catch(() => undefined)) as { data?: ImportJob; error?: { code?: string; message?: string } } | undefined;
    if (!res.ok || !json?.data)
      throw new ApiError(res.status, json?.error?.code ?? 'http_error', json?.error?.message ?? `Upload failed (${res.status})`);
    return json.data;
  },
};

import { api, setShareAccess } from './client';
import type { Share, ShareAccess, ShareCreated, SharedView, ShareInput } from '@tidemark/core';

const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/shares`;
const link = (token: string) => `/api/share/${encodeURIComponent(token)}`;
const stored = (token: string) => `tm-share:${token}`;

/** Session storage when the browser lets this document have it (a framed view may be denied it): else memory only. */
const memory = new Map<string, string>();
const storage = {
  get(key: string): string | null {
    try {
      return sessionStorage.getItem(key);
    } catch {
      return memory.get(key) ?? null;
    }
  },
  set(key: string, value: string): void {
    memory.set(key, value);
    try {
      sessionStorage.setItem(key, value);
    } catch {
      // kept in memory for this page's life
    }
  },
};

export const sharesApi = {
  list: async (siteId: string, signal?: AbortSignal) => (await api.get<{ shares: Share[] }>(base(siteId), undefined, { signal })).shares,
  create: (siteId: string, input: ShareInput) => api.post<ShareCreated>(base(siteId), input),
  remove: (siteId: string, id: string) => api.del<unknown>(`${base(siteId)}/${encodeURIComponent(id)}`),

  /** The link's stats endpoint, for the cards of a shared view. */
  statsPath: (token: string) => `${link(token)}/stats`,
  /** Restores an earlier unlock of this link in this tab (session storage: gone with the tab). */
  resume: (token: string) => setShareAccess(token, storage.get(stored(token))),
  view: (token: string, signal?: AbortSignal) => api.get<SharedView>(link(token), undefined, { signal }),
  unlock: async (token: string, password: string) => {
    const access = await api.post<ShareAccess>(`${link(token)}/unlock`, { password });
    storage.set(stored(token), access.access_token);
    setShareAccess(token, access.access_token);
    return access;
  },
};

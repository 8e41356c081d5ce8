import { api, withQuery } from './client';
import type { ConsentLogEntry, ConsentSettings, ConsentSettingsInput } from '@tidemark/core';

export type ConsentSettingsView = ConsentSettings & { snippet: string };
const base = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}/consent`;

export const consentApi = {
  get: (siteId: string) => api.get<ConsentSettingsView>(base(siteId)),
  update: (siteId: string, patch: Partial<ConsentSettingsInput>) => api.put<ConsentSettingsView>(base(siteId), patch),
  log: (siteId: string, subject: string | undefined, signal?: AbortSignal) =>
    api.get<{ entries: ConsentLogEntry[]; next_before_seq: number | null }>(`${base(siteId)}/log`, { subject, limit: 200 }, { signal }),
  verify: (siteId: string) => api.get<{ ok: boolean; entries: number; first_bad_seq: number | null }>(`${base(siteId)}/log/verify`),
  exportUrl: (siteId: string, subject?: string) => withQuery(`${base(siteId)}/log/export`, { subject, format: 'csv' }),
};

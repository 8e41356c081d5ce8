import { api } from './client';
import type { DeadLetter, Trigger, TriggerDryRun, TriggerFiringPage, TriggerInput, TriggerSettings } from '@tidemark/core';

const site = (siteId: string) => `/api/sites/${encodeURIComponent(siteId)}`;
const base = (siteId: string) => `${site(siteId)}/triggers`;
const one = (siteId: string, id: string) => `${base(siteId)}/${encodeURIComponent(id)}`;

export const triggersApi = {
  list: async (siteId: string, signal?: AbortSignal) =>
    (await api.get<{ triggers: Trigger[] }>(base(siteId), undefined, { signal })).triggers,
  create: (siteId: string, input: TriggerInput) => api.post<Trigger>(base(siteId), input),
  update: (siteId: string, id: string, input: TriggerInput) => api.put<Trigger>(one(siteId, id), input),
  remove: (siteId: string, id: string) => api.del<unknown>(one(siteId, id)),
  dryRun: (siteId: string, input: TriggerInput) => api.post<TriggerDryRun>(`${base(siteId)}/dry-run`, input),
  firings: (siteId: string, id: string, offset: number, signal?: AbortSignal) =>
    api.get<TriggerFiringPage>(`${one(siteId, id)}/firings`, { limit: '25', offset: String(offset) }, { signal }),
  deadLetters: async (siteId: string, signal?: AbortSignal) =>
    (await api.get<{ dead_letters: DeadLetter[] }>(`${site(siteId)}/dead-letters`, undefined, { signal })).dead_letters,
  retry: (siteId: string, id: string) => api.post<unknown>(`${site(siteId)}/dead-letters/${encodeURIComponent(id)}/retry`),
  discard: (siteId: string, id: string) => api.del<unknown>(`${site(siteId)}/dead-letters/${encodeURIComponent(id)}`),
  settings: (siteId: string, signal?: AbortSignal) => api.get<TriggerSettings>(`${site(siteId)}/trigger-settings`, undefined, { signal }),
  setSettings: (siteId: string, s: TriggerSettings) => api.put<TriggerSettings>(`${site(siteId)}/trigger-settings`, s),
};

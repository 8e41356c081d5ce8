import { api, withQuery } from './client';
import type { AuditPage } from '@tidemark/core';

export interface AuditFilters {
  action?: string;
  actor?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

export const auditApi = {
  page: (orgId: string, filters: AuditFilters, cursor: string | null, signal?: AbortSignal) =>
    api.get<AuditPage>(`/api/orgs/${encodeURIComponent(orgId)}/audit`, { ...filters, cursor, limit: 50 }, { signal }),
  exportUrl: (orgId: string, filters: AuditFilters, format: 'csv' | 'ndjson') =>
    withQuery(`/api/orgs/${encodeURIComponent(orgId)}/audit/export`, { ...filters, format }),
};

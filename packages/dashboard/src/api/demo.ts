import { api } from './client';

export const demoApi = {
  /** Creates a demo site filled with generated traffic in the current organization. */
  load: () =>
    api.post<{ site_id?: string; site?: { id: string } }>('/api/demo', {
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    }),
};

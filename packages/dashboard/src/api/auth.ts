import { api } from './client';
import type { Me } from './types';

export interface SetupStatus {
  needs_setup: boolean;
}

export const authApi = {
  setupStatus: () => api.get<SetupStatus>('/api/auth/setup'),
  me: () => api.get<Me>('/api/auth/me'),
  register: (body: { email: string; password: string; name?: string; org_name?: string; invitation?: string }) =>
    api.post<unknown>('/api/auth/register', body),
  login: (email: string, password: string) => api.post<unknown>('/api/auth/login', { email, password }),
  logout: () => api.post<unknown>('/api/auth/logout'),
  changePassword: (current_password: string, new_password: string) =>
    api.post<unknown>('/api/auth/password', { current_password, new_password }),
  switchOrg: (orgId: string) => api.post<unknown>('/api/auth/org', { org_id: orgId }),
};

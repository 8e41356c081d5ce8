import { api } from './client';
import type { Me } from '@tidemark/core';

export interface SetupStatus {
  needs_setup: boolean;
  /** Anyone may create an account (confirmed by e-mail). */
  open_signup?: boolean;
}

/** Open sign-up's answer: the same whether or not the address already had an account. */
export interface CheckEmail {
  status: 'check_email';
  message: string;
}

export const authApi = {
  setupStatus: () => api.get<SetupStatus>('/api/auth/setup'),
  me: () => api.get<Me>('/api/auth/me'),
  register: (body: { email: string; password: string; name?: string; org_name?: string; invitation?: string }) =>
    api.post<Me | CheckEmail>('/api/auth/register', body),
  verifyEmail: (token: string, password: string) => api.post<Me>('/api/auth/verify-email', { token, password }),
  login: (email: string, password: string) => api.post<unknown>('/api/auth/login', { email, password }),
  logout: () => api.post<unknown>('/api/auth/logout'),
  changePassword: (current_password: string, new_password: string) =>
    api.post<unknown>('/api/auth/password', { current_password, new_password }),
  switchOrg: (orgId: string) => api.post<unknown>('/api/auth/org', { org_id: orgId }),
};

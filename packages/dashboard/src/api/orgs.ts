import { api } from './client';
import type { Invitation, Member, Role } from '@tidemark/core';

const base = (orgId: string) => `/api/orgs/${encodeURIComponent(orgId)}`;

function arr<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  return ((body as Record<string, unknown>)[key] as T[] | undefined) ?? [];
}

export const orgsApi = {
  create: (name: string) => api.post<{ id: string }>('/api/orgs', { name }),
  members: async (orgId: string) => arr<Member>(await api.get<unknown>(`${base(orgId)}/members`), 'members'),
  setRole: (orgId: string, userId: string, role: Role) =>
    api.patch<unknown>(`${base(orgId)}/members/${encodeURIComponent(userId)}`, { role }),
  removeMember: (orgId: string, userId: string) => api.del<unknown>(`${base(orgId)}/members/${encodeURIComponent(userId)}`),
  invitations: async (orgId: string) => arr<Invitation>(await api.get<unknown>(`${base(orgId)}/invitations`), 'invitations'),
  invite: (orgId: string, email: string, role: Role) => api.post<Invitation>(`${base(orgId)}/invitations`, { email, role }),
  revokeInvitation: (orgId: string, id: string) => api.del<unknown>(`${base(orgId)}/invitations/${encodeURIComponent(id)}`),
  invitation: (token: string) =>
    api.get<{ org_name: string; email: string; role: Role; expires_at: number; account_exists: boolean }>(
      `/api/invitations/${encodeURIComponent(token)}`,
    ),
  /** Signed in: joins the org. Signed out: creates the invited account with `password` and signs it in. */
  acceptInvitation: (token: string, account?: { password: string; name?: string }) =>
    api.post<unknown>(`/api/invitations/${encodeURIComponent(token)}/accept`, account ?? {}),
};

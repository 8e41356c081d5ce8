import { createContext, useContext } from 'react';
import type { Me, OrgSummary } from '@tidemark/core';

export interface Session {
  me: Me;
  org: OrgSummary | null;
  /** Re-reads /api/auth/me (after sign-in, org switch, accepting an invitation …). */
  refresh: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in view');
  return s;
}

/** Members and up add sites and edit their settings; viewers only read (the server enforces the same). */
export function canWrite(org: OrgSummary | null): boolean {
  return !!org && org.role !== 'viewer';
}

/** Owners and admins manage the team, API keys and delete sites. */
export function canAdmin(org: OrgSummary | null): boolean {
  return org?.role === 'owner' || org?.role === 'admin';
}

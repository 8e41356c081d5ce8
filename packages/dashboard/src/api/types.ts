/**
 * Shapes the dashboard reads from the account and site routes (see the server's route modules). The
 * stats and realtime answers are typed once, in @tidemark/core (DashboardStats, ResultRow, MetricValue,
 * RealtimeSnapshot), from the schemas the server's answers are tested against.
 */

export type Role = 'owner' | 'admin' | 'member' | 'viewer';
export type KeyPermission = 'read' | 'write' | 'admin';

export interface User {
  id: string;
  email: string;
  name?: string | null;
}

export interface OrgSummary {
  id: string;
  name: string;
  role: Role;
}

export interface Me {
  user: User;
  orgs: OrgSummary[];
  current_org: OrgSummary | null;
}

export interface Site {
  id: string;
  org_id: string;
  tracking_id: string;
  name: string;
  domain: string;
  allowed_hosts: string[];
  timezone: string;
  session_timeout_min: number;
  respect_dnt: boolean;
  cookieless: boolean;
  retention_days: number;
  excluded_paths: string[];
  excluded_ips: string[];
  enabled: boolean;
  created_at: number;
}

export interface Member {
  user_id: string;
  email: string;
  name?: string | null;
  role: Role;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  expires_at?: number;
  token?: string;
  url?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  key_prefix: string;
  site_id: string | null;
  permissions: KeyPermission[];
  last_used_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

export interface CreatedApiKey extends ApiKey {
  /** The full secret; the server shows it once. */
  key: string;
}

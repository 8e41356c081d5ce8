/** Shapes the dashboard reads from the HTTP API (see the server's route modules). */

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

export interface MetricValue {
  value: number | null;
  change?: number | null;
}

export type Row = Record<string, string | number | null>;

export interface StatsResponse {
  period?: { start: string; end: string };
  comparison_period?: { start: string; end: string } | null;
  interval?: string;
  metrics?: Record<string, MetricValue>;
  timeseries?: Row[];
  dimensions?: Record<string, Row[]>;
}

export interface RealtimeVisitor {
  visitor_id?: string;
  current_page: string;
  title?: string;
  country?: string;
  device?: string;
  source?: string;
  pages_viewed?: number;
  time_on_site?: number;
}

export interface Realtime {
  active_visitors: number;
  visitors_list: RealtimeVisitor[];
  top_pages: Array<{ path: string; visitors: number; title?: string }>;
  top_sources: Array<{ source: string; visitors: number }>;
}

import type { Generated } from 'kysely';

/**
 * Table shapes of the metadata database, identical on SQLite and PostgreSQL.
 * Portable column choices: ids are text (uuid), times are bigint milliseconds, booleans are 0/1 integers,
 * lists are JSON text. The repositories convert rows to the records in types.ts.
 */
export interface OrganizationsTable {
  id: string;
  name: string;
  slug: string;
  created_at: number;
  updated_at: number;
  /** The reseller organization this one is a client of (tenancy/); null for a top-level organization. */
  parent_org_id: string | null;
  is_reseller: Generated<number>;
  /** A reseller's limits for its clients; null = unlimited. */
  max_sub_organizations: number | null;
  max_sites_per_sub_org: number | null;
  max_events_per_sub_org: number | null;
  /** Events per calendar month (UTC): over the soft limit the dashboard warns, over the hard one collection drops ("quota"). */
  events_soft_limit: number | null;
  events_hard_limit: number | null;
}

export interface UsersTable {
  id: string;
  email: string; // lower-cased
  password_hash: string | null;
  name: string;
  is_active: number;
  created_at: number;
  updated_at: number;
}

export interface OrganizationMembersTable {
  org_id: string;
  user_id: string;
  role: string;
  invited_by: string | null;
  created_at: number;
}

export interface SitesTable {
  id: string;
  org_id: string;
  tracking_id: string;
  name: string;
  domain: string;
  allowed_hosts: string; // JSON string[]
  timezone: string;
  session_timeout_min: number;
  respect_dnt: number;
  cookieless: number;
  retention_days: number;
  excluded_paths: string; // JSON string[]
  excluded_ips: string; // JSON string[]
  enabled: number;
  created_at: number;
  updated_at: number;
  umami_website_id: string | null;
  heatmaps_enabled: number;
  heatmap_sample_rate: number;
  vitals_enabled: number;
  errors_enabled: number;
  replay_enabled: number;
  replay_sample_rate: number;
  replay_requires_consent: number;
  replay_mask_all_text: number;
  replay_mask_selectors: string; // JSON string[]
  replay_block_selectors: string; // JSON string[]
  replay_excluded_paths: string; // JSON string[]
  replay_monthly_quota: number;
  replay_max_bytes: number;
  /** meta 0016; written by SiteRepo.setConsentMode only. */
  consent_mode: string;
  /** meta 0018 (docs/people.md). */
  trait_privacy: number;
  trait_allowlist: string; // JSON string[]
}

export interface ApiKeysTable {
  id: string;
  org_id: string;
  site_id: string | null;
  name: string;
  key_hash: string; // SHA-256 hex of the raw key
  key_prefix: string;
  permissions: string; // JSON KeyPermission[]
  rate_limit_per_min: number;
  created_by: string | null;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  role: string;
  token_hash: string; // SHA-256 hex of the raw token
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
}

export interface SessionsTable {
  id: string; // SHA-256 hex of the cookie token; the token itself is never stored
  user_id: string;
  org_id: string | null; // the organization the dashboard is currently showing
  created_at: number;
  last_seen_at: number;
  expires_at: number; // absolute end, regardless of activity
  user_agent: string;
  via_org_id: string | null; // the reseller organization a switched-in session came through (tenancy/)
}

/** An open-signup account waiting for its e-mail to be confirmed; the row goes when it is. */
export interface EmailVerificationsTable {
  user_id: string;
  token_hash: string; // SHA-256 hex of the raw token in the e-mailed link
  password_hash: string; // the password of the sign-up that asked for this link; it becomes the account's on confirmation
  created_at: number;
  expires_at: number;
}

export interface SaltsTable {
  day: string; // YYYY-MM-DD (UTC)
  salt: string;
  created_at: number;
}

export interface SitePurgesTable {
  site_id: string;
  org_id: string;
  tracking_id: string;
  requested_at: number;
  passes: number;
  last_pass_at: number | null;
  completed_at: number | null;
}

export interface SiteScoringTable {
  site_id: string;
  rules: string;
  updated_at: number;
}

export interface SiteConnectionsTable {
  site_id: string;
  provider: string;
  base_url: string | null;
  token_sealed: string;
  updated_at: number;
}

export interface SegmentModelsTable {
  site_id: string;
  status: string;
  model: string | null;
  k: number | null;
  silhouette: number | null;
  people: number;
  trained_at: number | null;
  error: string | null;
  labels_watermark: number | null;
  updated_at: number;
}

export interface SiteRevenueTable {
  site_id: string;
  stripe_secret_sealed: string | null;
  currency: string;
  updated_at: number;
}

export interface ExchangeRatesTable {
  currency: string;
  day: string; // YYYY-MM-DD
  per_eur: number;
}

/** A funnel's definition; `steps` is the JSON of core's FunnelStep[]. */
export interface FunnelsTable {
  id: string;
  site_id: string;
  name: string;
  steps: string;
  scope: string;
  window_value: number | null;
  window_unit: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface GoalsTable {
  id: string;
  site_id: string;
  name: string;
  type: string;
  match: string; // JSON of the type's match
  value: number | null;
  created_at: number;
  updated_at: number;
}

/** A site's experiment (experiments/): variants and metric as JSON; status draft → running → stopped. */
export interface ExperimentsTable {
  id: string;
  site_id: string;
  key: string;
  name: string;
  variants: string; // JSON array of {key, weight}
  metric: string; // JSON of {type: 'goal', goal_id} | {type: 'revenue'}
  status: string;
  winner: string | null;
  started_at: number | null;
  stopped_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ImportJobsTable {
  id: string;
  site_id: string;
  source: string;
  file_name: string;
  file_sha256: string;
  file_bytes: number;
  status: string;
  progress: number;
  rows: number;
  skipped: number;
  start_day: string | null;
  end_day: string | null;
  error: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface AnnotationsTable {
  id: string;
  site_id: string;
  at: number;
  title: string;
  description: string | null;
  category: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface SiteSharesTable {
  id: string;
  site_id: string;
  token_hash: string;
  token_prefix: string;
  name: string;
  password_hash: string | null;
  expires_at: number | null;
  cards: string; // JSON array of card ids
  frame_ancestors: string; // JSON array of origins
  created_by: string | null;
  created_at: number;
}

export interface AlertsTable {
  id: string;
  site_id: string;
  name: string;
  definition: string; // JSON: metric, goal_id, event_name, filters, condition, threshold, comparison_period
  channels_sealed: string;
  is_active: number;
  state: string;
  last_value: number | null;
  last_bucket: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface AlertEventsTable {
  id: string;
  alert_id: string;
  site_id: string;
  kind: string;
  bucket: number | null;
  value: number | null;
  expected: string | null;
  message: string;
  deliveries: string;
  created_at: number;
}

export interface AuditLogTable {
  id: string;
  org_id: string;
  at: number;
  action: string;
  outcome: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  target_type: string | null;
  target_id: string | null;
  site_id: string | null;
  details: string;
}

export interface PrivacyRequestsTable {
  id: string;
  org_id: string;
  site_id: string;
  type: string;
  subject_kind: string;
  subject_mask: string;
  subject_sealed: string | null;
  status: string;
  requested_by: string;
  requested_at: number;
  due_at: number;
  started_at: number | null;
  completed_at: number | null;
  found: string | null;
  removed: string | null;
  error: string | null;
  archive: string | null;
}

export interface SiteConsentTable {
  site_id: string;
  mode: string;
  config: string;
  updated_at: number;
}

export interface ConsentLogTable {
  site_id: string;
  seq: number;
  at: number;
  subject: string;
  categories: string;
  text_version: string;
  source: string;
  prev_hash: string;
  hash: string;
}

/** The first entry of a site's consent log chain left after retention pruned older ones. */
export interface ConsentLogAnchorsTable {
  site_id: string;
  seq: number;
  hash: string;
  pruned: number;
  updated_at: number;
}

export interface OrgDomainsTable {
  id: string;
  org_id: string;
  host: string;
  kind: string;
  token: string;
  verified_at: number | null;
  method: string | null;
  checked_at: number | null;
  last_error: string | null;
  created_at: number;
}

export interface OrgBrandingTable {
  org_id: string;
  config: string;
  updated_at: number;
}

export interface EmailReportsTable {
  id: string;
  site_id: string;
  frequency: string;
  recipients: string; // JSON array of addresses
  last_period: string | null;
  created_by: string | null;
  created_at: number;
  /** Custom reports: name, saved query (JSON ReportQuery) and attachment format; null for the summary mail. */
  name: string | null;
  query: string | null;
  attachment: string | null;
}

export interface JobRunsTable {
  name: string;
  runs: number;
  failures: number;
  last_started: number | null;
  last_finished: number | null;
  last_ok: number | null;
  last_error: string | null;
  last_error_at: number | null;
}

export interface SystemAlertsTable {
  id: string;
  name: string;
  metric: string;
  threshold: number;
  channels_sealed: string;
  is_active: number;
  state: string;
  last_value: number | null;
  last_checked: number | null;
  last_change: number | null;
  created_at: number;
}

export interface MetaSchema {
  org_branding: OrgBrandingTable;
  org_domains: OrgDomainsTable;
  site_consent: SiteConsentTable;
  consent_log: ConsentLogTable;
  consent_log_anchors: ConsentLogAnchorsTable;
  audit_log: AuditLogTable;
  privacy_requests: PrivacyRequestsTable;
  goals: GoalsTable;
  experiments: ExperimentsTable;
  organizations: OrganizationsTable;
  users: UsersTable;
  organization_members: OrganizationMembersTable;
  sites: SitesTable;
  api_keys: ApiKeysTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  salts: SaltsTable;
  email_verifications: EmailVerificationsTable;
  site_purges: SitePurgesTable;
  site_revenue: SiteRevenueTable;
  site_scoring: SiteScoringTable;
  site_connections: SiteConnectionsTable;
  segment_models: SegmentModelsTable;
  exchange_rates: ExchangeRatesTable;
  funnels: FunnelsTable;
  import_jobs: ImportJobsTable;
  annotations: AnnotationsTable;
  site_shares: SiteSharesTable;
  alerts: AlertsTable;
  alert_events: AlertEventsTable;
  email_reports: EmailReportsTable;
  job_runs: JobRunsTable;
  system_alerts: SystemAlertsTable;
}

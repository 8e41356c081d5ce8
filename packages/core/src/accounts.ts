import type { PeopleSettings } from './profiles';
import type { ReplaySettings } from './replay';
/**
 * Shapes of the account, organization, site and key routes' answers, read by the dashboard and
 * produced by the server's views (typed against these, so the two cannot drift).
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

/** GET /api/auth/me (and sign-in, org switch). */
export interface Me {
  user: User;
  orgs: OrgSummary[];
  current_org: OrgSummary | null;
  /** Set while a reseller's admin views one of its clients (tenancy): the client shown and the way back. */
  viewing_as?: { org_id: string; org_name: string; reseller_org_id: string; reseller_name: string } | null;
  /** The current organization is a reseller: it has clients (tenancy). */
  current_org_reseller?: boolean;
  /** Whether the user administers the instance (the System page). */
  instance_admin?: boolean;
}

/** A site as the API returns it (and as the metadata store keeps it); replay settings: replay.ts. */
export interface Site extends Partial<ReplaySettings>, Partial<PeopleSettings> {
  id: string; // uuid, the site_id of every event
  org_id: string;
  tracking_id: string; // public id in the snippet's data-site
  name: string;
  domain: string;
  /** Hosts the tracker may report from, besides `domain` and its subdomains. */
  allowed_hosts: string[];
  timezone: string; // IANA
  session_timeout_min: number; // default 30
  respect_dnt: boolean; // default true (DNT and GPC)
  cookieless: boolean; // default true
  retention_days: number; // 0 = keep forever
  excluded_paths: string[]; // glob-like patterns, e.g. /admin/*
  excluded_ips: string[]; // IPs or CIDRs
  enabled: boolean;
  created_at: number; // ms
  /** GET/PATCH of one site: whether a Stripe signing secret is saved (the secret itself is never returned). */
  stripe_webhook_configured?: boolean;
  /** GET/PATCH of one site: ISO 4217 reporting currency of revenue. */
  currency?: string;
  /** The site's id for Umami clients (`website` of /api/send); a UUID made with the site. */
  umami_website_id: string;
  /** Heatmaps and frustration signals (t.heatmap.js) for the share `heatmap_sample_rate` (0–1) of sessions. */
  heatmaps_enabled: boolean;
  heatmap_sample_rate: number;
  /** Web vitals (t.vitals.js, page_performance events). */
  vitals_enabled: boolean;
  /** Uncaught JavaScript errors (error_occurred events). */
  errors_enabled: boolean;
  /** Consent mode (docs/consent.md), set with the consent settings; the collector enforces it. Absent = none. */
  consent_mode?: 'none' | 'required' | 'optional-upgrade';
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

/** An API key as listed: never the secret. */
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

/** How to point another tool's client at this server (GET /api/sites/{id}/snippet → `dropins`). */
export interface DropinSnippets {
  plausible: {
    /** What Plausible clients send as `domain` / `data-domain`. */
    domain: string;
    endpoint: string;
    /** Plausible's script tag, kept, with `data-api` pointing here. */
    script: string;
    /** `@plausible-analytics/tracker`'s init. */
    npm: string;
  };
  umami: {
    website_id: string;
    host_url: string;
    /** Umami's script tag, kept, with `data-host-url` pointing here. */
    script: string;
    /** `@umami/node`'s constructor. */
    node: string;
  };
}

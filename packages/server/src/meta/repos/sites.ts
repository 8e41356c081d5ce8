import type { Kysely, Selectable } from 'kysely';
import type { MetaSchema, SitesTable } from '../schema';
import type { SiteRecord } from '../types';
import { REPLAY_DEFAULTS, type PeopleSettings, type ReplaySettings } from '@tidemark/core';
import { TtlCache } from '../cache';
import { newId, randomBase62 } from '../ids';
import { bool, int, isUniqueViolation, parseJsonList } from './util';
import { deleteWithPurge } from './site-purges';

/** The settings a site owner edits; everything but name and domain has a default. */
export interface SiteSettings {
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
  heatmaps_enabled: boolean;
  heatmap_sample_rate: number;
  vitals_enabled: boolean;
  errors_enabled: boolean;
}

/** Settings of a site including session replay's (replay/; defaults in @tidemark/core REPLAY_DEFAULTS). */
export type SiteSettingsPatch = Partial<SiteSettings & ReplaySettings & PeopleSettings>;

export type SiteCreateInput = Pick<SiteSettings, 'name' | 'domain'> & Partial<SiteSettings>;

const DEFAULTS: Omit<SiteSettings, 'name' | 'domain'> = {
  allowed_hosts: [],
  timezone: 'UTC',
  session_timeout_min: 30,
  respect_dnt: true,
  cookieless: true,
  retention_days: 0,
  excluded_paths: [],
  excluded_ips: [],
  enabled: true,
  heatmaps_enabled: false,
  heatmap_sample_rate: 1,
  vitals_enabled: false,
  errors_enabled: false,
};

const toSite = (r: Selectable<SitesTable>): SiteRecord => ({
  id: r.id,
  org_id: r.org_id,
  tracking_id: r.tracking_id,
  name: r.name,
  domain: r.domain,
  allowed_hosts: parseJsonList(r.allowed_hosts),
  timezone: r.timezone,
  session_timeout_min: Number(r.session_timeout_min),
  respect_dnt: bool(r.respect_dnt),
  cookieless: bool(r.cookieless),
  retention_days: Number(r.retention_days),
  excluded_paths: parseJsonList(r.excluded_paths),
  excluded_ips: parseJsonList(r.excluded_ips),
  enabled: bool(r.enabled),
  created_at: Number(r.created_at),
  umami_website_id: r.umami_website_id ?? '',
  heatmaps_enabled: bool(r.heatmaps_enabled),
  heatmap_sample_rate: Number(r.heatmap_sample_rate),
  vitals_enabled: bool(r.vitals_enabled),
  errors_enabled: bool(r.errors_enabled),
  replay_enabled: bool(r.replay_enabled ?? REPLAY_DEFAULTS.replay_enabled),
  replay_sample_rate: Number(r.replay_sample_rate ?? REPLAY_DEFAULTS.replay_sample_rate),
  replay_requires_consent: bool(r.replay_requires_consent ?? REPLAY_DEFAULTS.replay_requires_consent),
  replay_mask_all_text: bool(r.replay_mask_all_text ?? REPLAY_DEFAULTS.replay_mask_all_text),
  replay_mask_selectors: parseJsonList(r.replay_mask_selectors ?? '[]'),
  replay_block_selectors: parseJsonList(r.replay_block_selectors ?? '[]'),
  replay_excluded_paths: parseJsonList(r.replay_excluded_paths ?? '[]'),
  replay_monthly_quota: Number(r.replay_monthly_quota ?? REPLAY_DEFAULTS.replay_monthly_quota),
  replay_max_bytes: Number(r.replay_max_bytes ?? REPLAY_DEFAULTS.replay_max_bytes),
  trait_privacy: bool(r.trait_privacy ?? 0),
  trait_allowlist: parseJsonList(r.trait_allowlist ?? '[]'),
  consent_mode: r.consent_mode === 'required' || r.consent_mode === 'optional-upgrade' ? r.consent_mode : 'none',
});

function toColumns(s: SiteSettingsPatch): Partial<SitesTable> {
  const c: Partial<SitesTable> = {};
  if (s.name !== undefined) c.name = s.name;
  if (s.domain !== undefined) c.domain = s.domain;
  if (s.allowed_hosts !== undefined) c.allowed_hosts = JSON.stringify(s.allowed_hosts);
  if (s.timezone !== undefined) c.timezone = s.timezone;
  if (s.session_timeout_min !== undefined) c.session_timeout_min = s.session_timeout_min;
  if (s.respect_dnt !== undefined) c.respect_dnt = int(s.respect_dnt);
  if (s.cookieless !== undefined) c.cookieless = int(s.cookieless);
  if (s.retention_days !== undefined) c.retention_days = s.retention_days;
  if (s.excluded_paths !== undefined) c.excluded_paths = JSON.stringify(s.excluded_paths);
  if (s.excluded_ips !== undefined) c.excluded_ips = JSON.stringify(s.excluded_ips);
  if (s.enabled !== undefined) c.enabled = int(s.enabled);
  if (s.heatmaps_enabled !== undefined) c.heatmaps_enabled = int(s.heatmaps_enabled);
  if (s.heatmap_sample_rate !== undefined) c.heatmap_sample_rate = s.heatmap_sample_rate;
  if (s.vitals_enabled !== undefined) c.vitals_enabled = int(s.vitals_enabled);
  if (s.errors_enabled !== undefined) c.errors_enabled = int(s.errors_enabled);
  if (s.replay_enabled !== undefined) c.replay_enabled = int(s.replay_enabled);
  if (s.replay_sample_rate !== undefined) c.replay_sample_rate = s.replay_sample_rate;
  if (s.replay_requires_consent !== undefined) c.replay_requires_consent = int(s.replay_requires_consent);
  if (s.replay_mask_all_text !== undefined) c.replay_mask_all_text = int(s.replay_mask_all_text);
  if (s.replay_mask_selectors !== undefined) c.replay_mask_selectors = JSON.stringify(s.replay_mask_selectors);
  if (s.replay_block_selectors !== undefined) c.replay_block_selectors = JSON.stringify(s.replay_block_selectors);
  if (s.replay_excluded_paths !== undefined) c.replay_excluded_paths = JSON.stringify(s.replay_excluded_paths);
  if (s.replay_monthly_quota !== undefined) c.replay_monthly_quota = s.replay_monthly_quota;
  if (s.replay_max_bytes !== undefined) c.replay_max_bytes = s.replay_max_bytes;
  if (s.trait_privacy !== undefined) c.trait_privacy = int(s.trait_privacy);
  if (s.trait_allowlist !== undefined) c.trait_allowlist = JSON.stringify(s.trait_allowlist);
  return c;
}

/** Public tracking ids: 12 base62 characters, unguessable enough that ids cannot be enumerated. */
const newTrackingId = () => randomBase62(12);

export class SiteRepo {
  /**
   * The collector resolves a tracking id on every request; a short TTL keeps that off the database while
   * bounding how long another process may serve a stale copy after an edit (edits here evict at once).
   */
  private readonly byTracking = new TtlCache<SiteRecord | null>(10_000);
  private readonly byIdCache = new TtlCache<SiteRecord | null>(10_000);
  private readonly byUmamiCache = new TtlCache<SiteRecord | null>(10_000);
  private readonly byDomainCache = new TtlCache<SiteRecord | null>(10_000);

  constructor(private readonly db: Kysely<MetaSchema>) {}

  async create(orgId: string, input: SiteCreateInput): Promise<SiteRecord> {
    const now = Date.now();
    const settings: SiteSettings = { ...DEFAULTS, ...input };
    for (let attempt = 0; ; attempt++) {
      const row = {
        ...(toColumns(settings) as Omit<SitesTable, 'id' | 'org_id' | 'tracking_id' | 'created_at' | 'updated_at'>),
        id: newId(),
        org_id: orgId,
        tracking_id: newTrackingId(),
        umami_website_id: newId(),
        consent_mode: 'none',
        created_at: now,
        updated_at: now,
      };
      try {
        await this.db.insertInto('sites').values(row).execute();
        this.evict();
        return toSite(row);
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= 3) throw err;
      }
    }
  }

  async byId(id: string): Promise<SiteRecord | null> {
    const hit = this.byIdCache.get(id);
    if (hit !== undefined) return hit;
    const r = await this.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
    const site = r ? toSite(r) : null;
    this.byIdCache.set(id, site);
    return site;
  }

  async byTrackingId(trackingId: string): Promise<SiteRecord | null> {
    const hit = this.byTracking.get(trackingId);
    if (hit !== undefined) return hit;
    const r = await this.db.selectFrom('sites').selectAll().where('tracking_id', '=', trackingId).executeTakeFirst();
    const site = r ? toSite(r) : null;
    this.byTracking.set(trackingId, site);
    return site;
  }

  /** The site an Umami client names by its website id (a UUID, lower case). */
  async byUmamiWebsiteId(websiteId: string): Promise<SiteRecord | null> {
    const hit = this.byUmamiCache.get(websiteId);
    if (hit !== undefined) return hit;
    const r = await this.db.selectFrom('sites').selectAll().where('umami_website_id', '=', websiteId).executeTakeFirst();
    const site = r ? toSite(r) : null;
    this.byUmamiCache.set(websiteId, site);
    return site;
  }

  /**
   * The site a Plausible client names by its domain (lower case; "www." ignored on both sides). Domains
   * are not unique across organizations: the earliest site with the domain answers, so a later site
   * cannot take over another's traffic (a client can name any site exactly by its tracking id instead).
   */
  async byDomain(domain: string): Promise<SiteRecord | null> {
    const bare = domain.replace(/^www\./, '');
    const hit = this.byDomainCache.get(bare);
    if (hit !== undefined) return hit;
    const r = await this.db
      .selectFrom('sites')
      .selectAll()
      .where('domain', 'in', [bare, `www.${bare}`])
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    const site = r ? toSite(r) : null;
    this.byDomainCache.set(bare, site);
    return site;
  }

  async listByOrg(orgId: string): Promise<SiteRecord[]> {
    const rows = await this.db.selectFrom('sites').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toSite);
  }

  /** Every site of every organization (jobs: retention, rollups). */
  async listAll(): Promise<SiteRecord[]> {
    const rows = await this.db.selectFrom('sites').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toSite);
  }

  async update(id: string, patch: SiteSettingsPatch): Promise<SiteRecord | null> {
    const cols = toColumns(patch);
    if (Object.keys(cols).length) {
      await this.db
        .updateTable('sites')
        .set({ ...cols, updated_at: Date.now() })
        .where('id', '=', id)
        .execute();
    }
    this.evict();
    return this.byId(id);
  }

  /**
   * Deletes the site and records the purge of its data (meta/repos/site-purges.ts) in one transaction, so
   * whoever deletes a site, its data goes (lifecycle/ processes the record). False when there was no site.
   */
  /** The consent mode, kept on the site for the collector (consent/ owns the rest of the consent settings). */
  async setConsentMode(id: string, mode: string, now = Date.now()): Promise<void> {
    await this.db.updateTable('sites').set({ consent_mode: mode, updated_at: now }).where('id', '=', id).execute();
    this.evict();
  }

  async delete(id: string, now = Date.now()): Promise<boolean> {
    const deleted = await this.db.transaction().execute((trx) => deleteWithPurge(trx, id, now));
    this.evict();
    return deleted;
  }

  /** Any write may change what a cached id or tracking id resolves to (including "not found"). */
  private evict(): void {
    this.byTracking.clear();
    this.byIdCache.clear();
    this.byUmamiCache.clear();
    this.byDomainCache.clear();
  }
}

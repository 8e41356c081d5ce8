import crypto from 'node:crypto';
import {
  CONSENT_CATEGORIES,
  consentDecisionSchema,
  consentSettingsPatchSchema,
  consentSettingsSchema,
  DEFAULT_CONSENT_SETTINGS,
  parseInput,
  type ConsentLogEntry,
  type ConsentSettings,
} from '@tidemark/core';
import type { MetaStore, SiteRecord } from '../meta';

/** A short hash of what the banner shows: a decision records the version of the texts it was made on. */
export function textVersion(s: Omit<ConsentSettings, 'text_version'>): string {
  const shown = JSON.stringify([s.categories, s.texts, s.default_language, s.privacy_policy_url]);
  return crypto.createHash('sha256').update(shown).digest('hex').slice(0, 12);
}

/** What t.consent.js reads (public, by tracking id): the settings, nothing about the site itself. */
export type PublicConsentConfig = ConsentSettings;

const CACHE_MS = 10_000;

/**
 * A site's consent settings and its consent log (docs/consent.md). The public configuration is cached
 * for a few seconds per tracking id: every page of every visitor asks for it.
 */
export class ConsentService {
  private readonly cache = new Map<string, { at: number; value: Promise<ConsentSettings> }>();

  constructor(private readonly meta: MetaStore) {}

  async settings(siteId: string): Promise<ConsentSettings> {
    const row = await this.meta.siteConsent.get(siteId);
    let base = DEFAULT_CONSENT_SETTINGS;
    if (row) {
      const parsed = consentSettingsSchema.safeParse({ ...DEFAULT_CONSENT_SETTINGS, ...JSON.parse(row.config), mode: row.mode });
      if (parsed.success) base = parsed.data;
    }
    return { ...base, text_version: textVersion(base) };
  }

  /** Merges a patch into the settings (validated whole); returns the new settings and the fields changed. */
  async update(siteId: string, body: unknown): Promise<{ settings: ConsentSettings; changed: string[] }> {
    const patch = parseInput(consentSettingsPatchSchema, body ?? {});
    const { text_version: _v, ...current } = await this.settings(siteId);
    const next = parseInput(consentSettingsSchema, { ...current, ...patch });
    const { mode, ...config } = next;
    await this.meta.siteConsent.set(siteId, mode, JSON.stringify(config));
    await this.meta.sites.setConsentMode(siteId, mode);
    this.cache.clear();
    return { settings: { ...next, text_version: textVersion(next) }, changed: Object.keys(patch).sort() };
  }

  /** The banner's configuration for a tracking id; null for an unknown or disabled site. */
  async publicConfig(site: SiteRecord): Promise<PublicConsentConfig> {
    const hit = this.cache.get(site.id);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const value = this.settings(site.id);
    this.cache.set(site.id, { at: Date.now(), value });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }

  /** Appends one decision to the site's chain. The body is what t.consent.js sent. */
  async record(site: SiteRecord, body: unknown): Promise<ConsentLogEntry> {
    const d = parseInput(consentDecisionSchema, body);
    const granted = CONSENT_CATEGORIES.filter((c) => d.choice[c]);
    return this.meta.consentLog.append(site.id, {
      subject: d.subject,
      categories: granted.join(','),
      text_version: d.text_version,
      source: d.source,
    });
  }
}

import type { Channel } from '@tidemark/core';

/**
 * Source naming and channel grouping (DESIGN §4, InsightHub PRD §4.1.2), as the ingest pipeline
 * derives them from a referrer and UTM tags. Kept here so generated events look exactly like
 * ingested ones; a test compares them against the server's own derivation.
 */
type Kind = 'search' | 'social' | 'email';

/** Known sources by host pattern, most specific first (webmail before the search engine sharing its domain). */
const KNOWN_SOURCES: Array<[RegExp, string, Kind]> = [
  [/^mail\.google\.com$/, 'Gmail', 'email'],
  [/^(outlook\.live|outlook\.office|outlook\.office365)\.com$/, 'Outlook', 'email'],
  [/^mail\.yahoo\.com$/, 'Yahoo! Mail', 'email'],
  [/(^|\.)google\.[a-z]{2,3}(\.[a-z]{2,3})?$/, 'Google', 'search'],
  [/(^|\.)bing\.com$/, 'Bing', 'search'],
  [/(^|\.)duckduckgo\.com$/, 'DuckDuckGo', 'search'],
  [/(^|\.)yahoo\.[a-z]{2,3}(\.[a-z]{2,3})?$/, 'Yahoo!', 'search'],
  [/(^|\.)ecosia\.org$/, 'Ecosia', 'search'],
  [/(^|\.)baidu\.com$/, 'Baidu', 'search'],
  [/(^|\.)yandex\.[a-z]{2,3}$/, 'Yandex', 'search'],
  [/^(t\.co|x\.com|(mobile\.)?twitter\.com)$/, 'Twitter', 'social'],
  [/(^|\.)(facebook\.com|fb\.com|fb\.me)$/, 'Facebook', 'social'],
  [/(^|\.)instagram\.com$/, 'Instagram', 'social'],
  [/(^|\.)linkedin\.com$|^lnkd\.in$/, 'LinkedIn', 'social'],
  [/(^|\.)reddit\.com$|^redd\.it$/, 'Reddit', 'social'],
  [/(^|\.)youtube\.com$|^youtu\.be$/, 'YouTube', 'social'],
  [/^news\.ycombinator\.com$/, 'Hacker News', 'social'],
  [/(^|\.)producthunt\.com$/, 'Product Hunt', 'social'],
];

/** utm_source values that name a known source ("google", "fb" …), lower-case. */
const UTM_ALIASES: Record<string, Kind> = {
  google: 'search',
  bing: 'search',
  duckduckgo: 'search',
  yahoo: 'search',
  ecosia: 'search',
  baidu: 'search',
  yandex: 'search',
  facebook: 'social',
  fb: 'social',
  instagram: 'social',
  twitter: 'social',
  x: 'social',
  linkedin: 'social',
  reddit: 'social',
  youtube: 'social',
  'hacker news': 'social',
  hackernews: 'social',
  producthunt: 'social',
  'product hunt': 'social',
  gmail: 'email',
};

const PAID = new Set([
  'cpc',
  'ppc',
  'paid',
  'paidsearch',
  'paid_search',
  'paid-search',
  'sem',
  'cpm',
  'cpv',
  'paid_social',
  'paid-social',
  'paidsocial',
]);
const SOCIAL_MEDIUMS = new Set([
  'social',
  'social-network',
  'social_network',
  'social-media',
  'social_media',
  'sm',
  'social network',
  'social media',
]);
const EMAIL_MEDIUMS = new Set(['email', 'e-mail', 'e_mail', 'mail', 'newsletter']);

function knownSource(domain: string): [string, Kind] | null {
  if (!domain) return null;
  for (const [re, name, kind] of KNOWN_SOURCES) if (re.test(domain)) return [name, kind];
  return null;
}

/** The referrer's host without a leading "www.", lower-cased; '' when absent or unparsable. */
export function referrerDomainOf(referrer: string): string {
  if (!referrer) return '';
  try {
    return new URL(referrer).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** A well-known name for a referrer domain ("Google"), or '' when it has none. */
export function knownSourceName(domain: string): string {
  return knownSource(domain)?.[0] ?? '';
}

/** `source`: utm_source, else the known name of the referrer, else the referrer domain; '' = direct. */
export function sourceOf(utmSource: string, referrerDomain: string): string {
  if (utmSource) return utmSource;
  if (!referrerDomain) return '';
  return knownSourceName(referrerDomain) || referrerDomain;
}

/**
 * The channel group of a visit from its referrer domain and UTM tags; first rule that matches: paid
 * medium → Paid Search (Social for social sources or media); organic medium, or a search engine with no
 * medium → Organic Search; social source or medium → Social; email medium or webmail → Email; referral
 * medium or any referrer → Referral; neither referrer nor UTM → Direct; else Other.
 */
export function channelOf(input: { referrerDomain: string; utmSource: string; utmMedium: string; utmCampaign?: string }): Channel {
  const medium = input.utmMedium.trim().toLowerCase();
  const utm = input.utmSource.trim().toLowerCase();
  const kind: Kind | undefined =
    (utm ? (UTM_ALIASES[utm] ?? (utm.includes('.') ? knownSource(utm.replace(/^www\./, ''))?.[1] : undefined)) : undefined) ??
    knownSource(input.referrerDomain)?.[1];
  if (PAID.has(medium)) return kind === 'social' || medium.includes('social') ? 'Social' : 'Paid Search';
  if (medium === 'organic' || (!medium && kind === 'search')) return 'Organic Search';
  if (kind === 'social' || SOCIAL_MEDIUMS.has(medium)) return 'Social';
  if (EMAIL_MEDIUMS.has(medium) || kind === 'email') return 'Email';
  if (medium === 'referral' || input.referrerDomain) return 'Referral';
  if (!(input.utmSource || input.utmMedium || input.utmCampaign)) return 'Direct';
  return 'Other';
}

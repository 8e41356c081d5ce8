import type { SegmentFeature } from '@tidemark/core';
import { featureValue, type Scaler } from './features';

/**
 * A segment's name from its centre's z-scores: the phrase of the feature that sets it apart most
 * ("pricing researchers", "one-page readers"), with the next one's when that name is taken.
 */

const PHRASES: Record<string, [high: string, low: string | null]> = {
  sessions: ['frequent returners', 'one-visit people'],
  pageviews: ['deep browsers', 'one-page readers'],
  pages_per_session: ['deep browsers', 'one-page readers'],
  engaged_minutes: ['engaged readers', 'skimmers'],
  days_since_last: ['lapsed visitors', 'recently active'],
  goals: ['converters', null],
  identified: ['known users', 'anonymous visitors'],
};

const KEY_PAGE_PHRASES: Record<string, string> = {
  pricing: 'pricing researchers',
  docs: 'documentation readers',
  contact: 'contact seekers',
  blog: 'blog readers',
  careers: 'job seekers',
  jobs: 'job seekers',
};

/** Below this |z| a feature does not set a segment apart. */
const DISTINCT_Z = 0.3;

function phrase(feature: string, z: number): string | null {
  if (feature.startsWith('key_page:')) {
    const name = feature.slice(9);
    return z > 0 ? (KEY_PAGE_PHRASES[name] ?? `${name.replace(/[-_]/g, ' ')} page visitors`) : null;
  }
  const p = PHRASES[feature];
  return p ? (z > 0 ? p[0] : p[1]) : null;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The features of a centre, largest |z| first, in their own units beside the site's mean. */
export function distinguishing(names: readonly string[], scaler: Scaler, centre: readonly number[], max = 3): SegmentFeature[] {
  return names
    .map((feature, j) => ({
      feature,
      z: round(centre[j]!, 2),
      value: round(featureValue(feature, centre[j]! * scaler.sd[j]! + scaler.mean[j]!), 2),
      site_value: round(featureValue(feature, scaler.mean[j]!), 2),
    }))
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || (a.feature < b.feature ? -1 : 1))
    .slice(0, max);
}

/** A name for a centre not in `taken`: its strongest phrase, then joined with the next, then numbered. */
export function nameOf(names: readonly string[], centre: readonly number[], taken: ReadonlySet<string>): string {
  const phrases = names
    .map((f, j) => ({ z: centre[j]!, p: Math.abs(centre[j]!) >= DISTINCT_Z ? phrase(f, centre[j]!) : null }))
    .filter((x): x is { z: number; p: string } => x.p !== null)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z))
    .map((x) => x.p)
    .filter((p, i, all) => all.indexOf(p) === i);
  const first = phrases[0] ?? 'typical visitors';
  const candidates = [first, ...phrases.slice(1).map((p) => `${first}, ${p}`)];
  for (const c of candidates) if (!taken.has(c)) return c;
  for (let n = 2; ; n++) if (!taken.has(`${first} ${n}`)) return `${first} ${n}`;
}

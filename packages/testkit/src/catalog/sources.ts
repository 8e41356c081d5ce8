import { Weighted, type Prng } from '../prng';
import type { PageKind } from './pages';

/** How a session arrived: referrer and UTM tags, plus where such visitors tend to land. */
export interface Acquisition {
  referrer: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
  entry: Weighted<PageKind>;
  /** Probability the session is a single pageview (bounce), before interactions. */
  bounce: number;
}

interface SourceSpec {
  weight: number;
  referrers: string[]; // '' = no referrer
  utm?: { source: string; medium: string; campaigns: string[]; terms?: string[]; contents?: string[] };
  entry: Weighted<PageKind>;
  bounce: number;
}

const SEARCH_ENTRY = Weighted.of<PageKind>([
  ['post', 45],
  ['doc', 25],
  ['home', 20],
  ['pricing', 6],
  ['features', 4],
]);
const SOCIAL_ENTRY = Weighted.of<PageKind>([
  ['post', 70],
  ['home', 25],
  ['changelog', 5],
]);
const REFERRAL_ENTRY = Weighted.of<PageKind>([
  ['home', 40],
  ['post', 30],
  ['doc', 25],
  ['pricing', 5],
]);

const NEWS_PATHS = [
  '2024/privacy-analytics-roundup',
  'tech/best-analytics-tools',
  'article/cookieless-tracking',
  'startups/open-source-analytics',
];

const SPECS: SourceSpec[] = [
  {
    weight: 24,
    referrers: [''],
    entry: Weighted.of<PageKind>([
      ['home', 60],
      ['login', 14],
      ['pricing', 8],
      ['doc', 10],
      ['post', 8],
    ]),
    bounce: 0.47,
  },
  {
    weight: 27,
    referrers: ['https://www.google.com/', 'https://www.google.de/', 'https://www.google.co.uk/'],
    entry: SEARCH_ENTRY,
    bounce: 0.52,
  },
  { weight: 4, referrers: ['https://www.bing.com/'], entry: SEARCH_ENTRY, bounce: 0.5 },
  { weight: 2.5, referrers: ['https://duckduckgo.com/'], entry: SEARCH_ENTRY, bounce: 0.48 },
  { weight: 0.8, referrers: ['https://search.yahoo.com/'], entry: SEARCH_ENTRY, bounce: 0.55 },
  { weight: 0.5, referrers: ['https://www.ecosia.org/'], entry: SEARCH_ENTRY, bounce: 0.5 },
  { weight: 3.5, referrers: ['https://t.co/', 'https://x.com/'], entry: SOCIAL_ENTRY, bounce: 0.66 },
  {
    weight: 2.2,
    referrers: ['https://l.facebook.com/', 'https://m.facebook.com/', 'https://www.facebook.com/'],
    entry: SOCIAL_ENTRY,
    bounce: 0.68,
  },
  { weight: 2.5, referrers: ['https://www.linkedin.com/', 'https://lnkd.in/'], entry: SOCIAL_ENTRY, bounce: 0.6 },
  {
    weight: 2.8,
    referrers: ['https://www.reddit.com/r/webdev/', 'https://www.reddit.com/r/selfhosted/', 'https://old.reddit.com/r/analytics/'],
    entry: SOCIAL_ENTRY,
    bounce: 0.62,
  },
  { weight: 0.6, referrers: ['https://www.youtube.com/'], entry: SOCIAL_ENTRY, bounce: 0.6 },
  { weight: 3.2, referrers: ['https://news.ycombinator.com/', 'https://news.ycombinator.com/item'], entry: REFERRAL_ENTRY, bounce: 0.6 },
  {
    weight: 2.5,
    referrers: ['https://github.com/', 'https://github.com/awesome-selfhosted/awesome-selfhosted'],
    entry: REFERRAL_ENTRY,
    bounce: 0.42,
  },
  { weight: 1.2, referrers: NEWS_PATHS.map((p) => `https://techcrunch.com/${p}/`), entry: REFERRAL_ENTRY, bounce: 0.58 },
  { weight: 0.9, referrers: NEWS_PATHS.map((p) => `https://www.theverge.com/${p}`), entry: REFERRAL_ENTRY, bounce: 0.58 },
  { weight: 0.7, referrers: NEWS_PATHS.map((p) => `https://www.bbc.co.uk/news/${p}`), entry: REFERRAL_ENTRY, bounce: 0.6 },
  { weight: 1.0, referrers: ['https://www.producthunt.com/'], entry: REFERRAL_ENTRY, bounce: 0.45 },
  { weight: 1.2, referrers: ['https://dev.to/', 'https://stackoverflow.com/questions/'], entry: REFERRAL_ENTRY, bounce: 0.5 },
  { weight: 0.8, referrers: ['https://alternativeto.net/', 'https://www.g2.com/'], entry: REFERRAL_ENTRY, bounce: 0.45 },
  {
    weight: 5.5,
    referrers: ['', '', 'https://mail.google.com/'],
    utm: {
      source: 'newsletter',
      medium: 'email',
      campaigns: ['weekly-digest', 'product-update', 'black-friday', 'onboarding-day-3'],
      contents: ['header-link', 'cta-button', 'footer'],
    },
    entry: Weighted.of<PageKind>([
      ['post', 55],
      ['changelog', 20],
      ['pricing', 15],
      ['features', 10],
    ]),
    bounce: 0.38,
  },
  {
    weight: 6.5,
    referrers: ['https://www.google.com/'],
    utm: {
      source: 'google',
      medium: 'cpc',
      campaigns: ['brand', 'competitor-ga', 'privacy-analytics'],
      terms: ['privacy analytics', 'google analytics alternative', 'cookieless analytics', 'tidemark', 'self hosted analytics'],
      contents: ['ad-a', 'ad-b'],
    },
    entry: Weighted.of<PageKind>([
      ['landing', 55],
      ['pricing', 30],
      ['home', 15],
    ]),
    bounce: 0.44,
  },
  {
    weight: 1.5,
    referrers: ['https://www.bing.com/'],
    utm: { source: 'bing', medium: 'cpc', campaigns: ['brand', 'privacy-analytics'], terms: ['web analytics', 'privacy analytics'] },
    entry: Weighted.of<PageKind>([
      ['landing', 60],
      ['pricing', 40],
    ]),
    bounce: 0.46,
  },
  {
    weight: 1.8,
    referrers: ['https://l.facebook.com/', 'https://www.linkedin.com/'],
    utm: { source: 'facebook', medium: 'paid_social', campaigns: ['spring-launch', 'retargeting'], contents: ['video', 'carousel'] },
    entry: Weighted.of<PageKind>([
      ['landing', 70],
      ['post', 30],
    ]),
    bounce: 0.64,
  },
  {
    weight: 1.8,
    referrers: [''],
    utm: { source: 'partner-blog', medium: 'affiliate', campaigns: ['partner-program'] },
    entry: Weighted.of<PageKind>([
      ['pricing', 50],
      ['home', 50],
    ]),
    bounce: 0.45,
  },
  {
    weight: 0.7,
    referrers: [''],
    utm: { source: 'qr', medium: 'print', campaigns: ['conference-2024'] },
    entry: Weighted.of<PageKind>([
      ['home', 70],
      ['landing', 30],
    ]),
    bounce: 0.55,
  },
];

const SPEC_PICKER = new Weighted(
  SPECS,
  SPECS.map((s) => s.weight),
);
const DIRECT = SPECS[0];

/** Picks how a new session arrived; `returning` sessions of the same day mostly come back directly. */
export function pickAcquisition(rng: Prng, returning: boolean): Acquisition {
  const spec = returning && rng.chance(0.7) ? DIRECT : SPEC_PICKER.pick(rng);
  const u = spec.utm;
  return {
    referrer: rng.pick(spec.referrers),
    utm_source: u ? u.source : '',
    utm_medium: u ? u.medium : '',
    utm_campaign: u ? rng.pick(u.campaigns) : '',
    utm_term: u?.terms ? rng.pick(u.terms) : '',
    utm_content: u?.contents ? rng.pick(u.contents) : '',
    entry: spec.entry,
    bounce: spec.bounce,
  };
}

/** Query string carrying the UTM tags on the landing URL ('' when untagged). */
export function utmQuery(a: Acquisition): string {
  if (!a.utm_source) return '';
  const parts: string[] = [];
  const add = (k: string, v: string) => v && parts.push(`${k}=${encodeURIComponent(v)}`);
  add('utm_source', a.utm_source);
  add('utm_medium', a.utm_medium);
  add('utm_campaign', a.utm_campaign);
  add('utm_term', a.utm_term);
  add('utm_content', a.utm_content);
  return `?${parts.join('&')}`;
}

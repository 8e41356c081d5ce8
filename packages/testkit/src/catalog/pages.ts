import { Weighted } from '../prng';

/** What a page is for; navigation between pages is modelled per kind. */
export type PageKind =
  | 'home'
  | 'features'
  | 'pricing'
  | 'blog'
  | 'post'
  | 'docs'
  | 'doc'
  | 'about'
  | 'contact'
  | 'signup'
  | 'login'
  | 'checkout'
  | 'changelog'
  | 'landing';

export interface Page {
  path: string;
  title: string;
  kind: PageKind;
}

const POSTS: Array<[string, string]> = [
  ['privacy-first-analytics', 'Privacy-first analytics without cookie banners'],
  ['cookieless-visitor-counting', 'How cookieless visitor counting works'],
  ['core-web-vitals-guide', 'A practical guide to Core Web Vitals'],
  ['utm-parameters-explained', 'UTM parameters, explained'],
  ['bounce-rate-myths', 'Five myths about bounce rate'],
  ['self-hosting-on-a-vps', 'Self-hosting your analytics on a $5 VPS'],
  ['gdpr-and-analytics', 'GDPR and web analytics: what you need to know'],
  ['funnels-that-convert', 'Building funnels that actually convert'],
  ['duckdb-for-analytics', 'Why we store events in DuckDB'],
  ['measuring-content-engagement', 'Measuring content engagement with scroll depth'],
  ['migrating-from-google-analytics', 'Migrating from Google Analytics in an afternoon'],
  ['revenue-attribution-models', 'Revenue attribution models compared'],
  ['realtime-dashboards', 'Realtime dashboards without the cost'],
  ['ab-testing-basics', 'A/B testing basics for small teams'],
  ['seo-for-developers', 'SEO for developers'],
  ['open-source-business', 'Running an open-source business'],
  ['release-2-0', 'Tidemark 2.0 is here'],
  ['heatmaps-done-right', 'Heatmaps done right'],
  ['email-campaign-tracking', 'Tracking email campaigns end to end'],
  ['analytics-for-ecommerce', 'Analytics for small e-commerce shops'],
  ['clickhouse-at-scale', 'Scaling to billions of events with ClickHouse'],
  ['team-dashboards', 'Sharing dashboards with your team'],
];

const DOCS: Record<string, string[]> = {
  'getting-started': ['installation', 'add-the-script', 'verify-installation', 'first-dashboard'],
  tracking: ['custom-events', 'goals', 'revenue', 'outbound-links', 'file-downloads', 'spa-support', 'proxying'],
  api: ['authentication', 'stats-api', 'events-api', 'query-api', 'rate-limits'],
  'self-hosting': ['docker', 'configuration', 'clickhouse', 'backups', 'upgrading'],
  integrations: ['wordpress', 'nextjs', 'shopify', 'stripe', 'segment'],
};

function titleCase(slug: string): string {
  return slug
    .split('-')
    .map((w) => (w === 'api' ? 'API' : w[0].toUpperCase() + w.slice(1)))
    .join(' ');
}

/** The site's pages with their titles, under one site name. */
export function buildPages(siteName: string): Page[] {
  const t = (s: string) => `${s} · ${siteName}`;
  const pages: Page[] = [
    { path: '/', title: `${siteName} — Simple, privacy-first analytics`, kind: 'home' },
    { path: '/features', title: t('Features'), kind: 'features' },
    { path: '/pricing', title: t('Pricing'), kind: 'pricing' },
    { path: '/blog', title: t('Blog'), kind: 'blog' },
    { path: '/docs', title: t('Documentation'), kind: 'docs' },
    { path: '/about', title: t('About us'), kind: 'about' },
    { path: '/contact', title: t('Contact'), kind: 'contact' },
    { path: '/signup', title: t('Create your account'), kind: 'signup' },
    { path: '/login', title: t('Log in'), kind: 'login' },
    { path: '/checkout', title: t('Checkout'), kind: 'checkout' },
    { path: '/changelog', title: t('Changelog'), kind: 'changelog' },
    { path: '/lp/analytics-trial', title: t('Start your free trial'), kind: 'landing' },
    { path: '/lp/google-analytics-alternative', title: t('The Google Analytics alternative'), kind: 'landing' },
  ];
  for (const [slug, title] of POSTS) pages.push({ path: `/blog/${slug}`, title: t(title), kind: 'post' });
  for (const [section, items] of Object.entries(DOCS)) {
    for (const item of items)
      pages.push({ path: `/docs/${section}/${item}`, title: t(`${titleCase(item)} — ${titleCase(section)}`), kind: 'doc' });
  }
  return pages;
}

/** Picks pages of one kind with a Zipf-like popularity (a few posts get most views). */
export class PagePicker {
  private readonly byKind = new Map<PageKind, Weighted<Page>>();

  constructor(pages: Page[]) {
    const groups = new Map<PageKind, Page[]>();
    for (const p of pages) groups.set(p.kind, [...(groups.get(p.kind) ?? []), p]);
    for (const [kind, list] of groups)
      this.byKind.set(
        kind,
        new Weighted(
          list,
          list.map((_, i) => 1 / (i + 1) ** 0.9),
        ),
      );
  }

  of(kind: PageKind): Weighted<Page> {
    const w = this.byKind.get(kind);
    if (!w) throw new Error(`no page of kind ${kind}`);
    return w;
  }
}

/** Where a visitor goes next from a page of each kind (weights; 'exit' is handled by session length). */
export const NEXT_KIND: Record<PageKind, Weighted<PageKind>> = {
  home: Weighted.of([
    ['features', 20],
    ['pricing', 25],
    ['blog', 8],
    ['docs', 14],
    ['about', 5],
    ['signup', 12],
    ['login', 10],
    ['changelog', 4],
    ['post', 6],
  ]),
  features: Weighted.of([
    ['pricing', 40],
    ['signup', 20],
    ['docs', 15],
    ['home', 10],
    ['post', 10],
    ['about', 5],
  ]),
  pricing: Weighted.of([
    ['signup', 35],
    ['features', 15],
    ['checkout', 12],
    ['contact', 10],
    ['doc', 10],
    ['home', 10],
    ['about', 8],
  ]),
  blog: Weighted.of([
    ['post', 80],
    ['home', 10],
    ['pricing', 10],
  ]),
  post: Weighted.of([
    ['post', 38],
    ['blog', 14],
    ['home', 14],
    ['pricing', 14],
    ['signup', 10],
    ['doc', 6],
    ['features', 4],
  ]),
  docs: Weighted.of([
    ['doc', 80],
    ['home', 8],
    ['pricing', 6],
    ['signup', 6],
  ]),
  doc: Weighted.of([
    ['doc', 62],
    ['docs', 10],
    ['pricing', 8],
    ['signup', 8],
    ['home', 6],
    ['changelog', 6],
  ]),
  about: Weighted.of([
    ['contact', 30],
    ['home', 30],
    ['pricing', 20],
    ['blog', 20],
  ]),
  contact: Weighted.of([
    ['home', 50],
    ['pricing', 30],
    ['about', 20],
  ]),
  signup: Weighted.of([
    ['doc', 40],
    ['checkout', 20],
    ['home', 15],
    ['pricing', 15],
    ['login', 10],
  ]),
  login: Weighted.of([
    ['home', 40],
    ['doc', 30],
    ['pricing', 20],
    ['changelog', 10],
  ]),
  checkout: Weighted.of([
    ['home', 40],
    ['doc', 40],
    ['pricing', 20],
  ]),
  changelog: Weighted.of([
    ['home', 35],
    ['doc', 35],
    ['post', 15],
    ['pricing', 15],
  ]),
  landing: Weighted.of([
    ['signup', 45],
    ['pricing', 30],
    ['features', 15],
    ['home', 10],
  ]),
};

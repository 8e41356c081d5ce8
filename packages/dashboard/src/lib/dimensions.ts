/**
 * The breakdown cards and their tabs. Dimension names are the stats API's; labels are for people.
 * `kind` says how a row's label is shown (a page path, a URL that may become a link, a country code …).
 */
export type LabelKind = 'text' | 'path' | 'url' | 'country' | 'domain';

export interface DimensionTab {
  dimension: string;
  label: string;
  column: string;
  kind: LabelKind;
}

export interface BreakdownCardDef {
  id: string;
  title: string;
  tabs: DimensionTab[];
}

export const BREAKDOWN_CARDS: BreakdownCardDef[] = [
  {
    id: 'sources',
    title: 'Sources',
    tabs: [
      { dimension: 'channel', label: 'Channels', column: 'Channel', kind: 'text' },
      { dimension: 'source', label: 'Sources', column: 'Source', kind: 'text' },
      { dimension: 'referrer_domain', label: 'Referrers', column: 'Referrer', kind: 'domain' },
      { dimension: 'referrer', label: 'Referrer URLs', column: 'Referrer URL', kind: 'url' },
      { dimension: 'medium', label: 'Medium', column: 'UTM medium', kind: 'text' },
      { dimension: 'campaign', label: 'Campaign', column: 'UTM campaign', kind: 'text' },
      { dimension: 'term', label: 'Term', column: 'UTM term', kind: 'text' },
      { dimension: 'content', label: 'Content', column: 'UTM content', kind: 'text' },
    ],
  },
  {
    id: 'pages',
    title: 'Pages',
    tabs: [
      { dimension: 'page', label: 'Top pages', column: 'Page', kind: 'path' },
      { dimension: 'entry_page', label: 'Entry pages', column: 'Entry page', kind: 'path' },
      { dimension: 'exit_page', label: 'Exit pages', column: 'Exit page', kind: 'path' },
    ],
  },
  {
    id: 'locations',
    title: 'Locations',
    tabs: [
      { dimension: 'country', label: 'Map', column: 'Country', kind: 'country' },
      { dimension: 'region', label: 'Regions', column: 'Region', kind: 'text' },
      { dimension: 'city', label: 'Cities', column: 'City', kind: 'text' },
    ],
  },
  {
    id: 'devices',
    title: 'Devices',
    tabs: [
      { dimension: 'browser', label: 'Browsers', column: 'Browser', kind: 'text' },
      { dimension: 'os', label: 'OS', column: 'Operating system', kind: 'text' },
      { dimension: 'device', label: 'Devices', column: 'Device type', kind: 'text' },
      { dimension: 'screen', label: 'Screens', column: 'Screen size', kind: 'text' },
    ],
  },
];

/** Names shown in the filter bar. */
export const DIMENSION_LABELS: Record<string, string> = Object.fromEntries(
  BREAKDOWN_CARDS.flatMap((c) => c.tabs.map((t) => [t.dimension, t.column])).concat([
    ['event_name', 'Event'],
    ['goal', 'Goal'],
    ['hostname', 'Hostname'],
    ['language', 'Language'],
    ['browser_version', 'Browser version'],
    ['os_version', 'OS version'],
    // The visitor's person labels (docs/segments.md): segment id, lead-score bucket (0-19 … 80-100).
    ['segment', 'Segment'],
    ['score', 'Lead score'],
  ]),
);

export function dimensionLabel(dimension: string): string {
  if (dimension.startsWith('props:')) return `Property ${dimension.slice(6)}`;
  if (dimension.startsWith('trait:')) return `Trait ${dimension.slice(6)}`;
  return DIMENSION_LABELS[dimension] ?? dimension;
}

/** The KPI row, in order. */
export const KPI_METRICS: Array<{ metric: string; label: string; lowerIsBetter?: boolean }> = [
  { metric: 'visitors', label: 'Visitors' },
  { metric: 'pageviews', label: 'Pageviews' },
  { metric: 'sessions', label: 'Sessions' },
  { metric: 'bounce_rate', label: 'Bounce rate', lowerIsBetter: true },
  { metric: 'avg_duration', label: 'Visit duration' },
  { metric: 'views_per_visit', label: 'Views per visit' },
];

/** Asked apart from the KPIs: they read the visitors' history, which the precomputed rollups do not keep. */
export const VISITOR_SPLIT_METRICS = ['new_visitors', 'returning_visitors'];

/** Column headers of metrics in breakdown tables. */
export const METRIC_LABELS: Record<string, string> = {
  visitors: 'Visitors',
  pageviews: 'Pageviews',
  avg_time: 'Time on page',
  scroll_depth: 'Scroll depth',
  conversions: 'Conversions',
  converting_visitors: 'Converting visitors',
  conversion_rate: 'Conversion rate',
  total_revenue: 'Revenue',
  transactions: 'Transactions',
  paying_visitors: 'Paying visitors',
  revenue_per_visitor: 'Revenue / visitor',
  average_order_value: 'Avg. order',
};

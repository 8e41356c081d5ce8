import { PASSIVE_EVENT_NAMES, VITALS, type BuiltinDimension, type FilterNode, type Metric, type Vital } from '@tidemark/core';
import type { Dialect } from './dialect';
import { bindString, ident, join, keyword, sql, type Sql } from './sql';

/**
 * Every metric and dimension, declared once (DESIGN §4). The compiler only combines these pieces.
 *
 * Two row shapes exist in a compiled query:
 * - event rows: columns of `events`;
 * - session rows: one per (session_id, visitor_id), built by the session subquery (see compile.ts),
 *   with `s_*` columns and one column per session-level dimension.
 *
 * Dimension levels: event-level dimensions (page, hostname, event_name, props:*) vary from event to
 * event and filter events. Session-level dimensions describe the visit as a whole: entry/exit page,
 * and the attributes of the session's first event (acquisition, geography, technology), so a visit
 * is attributed to one source even when later events carry an internal referrer.
 */
export type Level = 'event' | 'session';

export interface DimensionDef {
  level: Level;
  /** Event-level: expression over one event row. `key` is the validated props key. */
  event?: (d: Dialect, key: string) => Sql;
  /** Session-level: aggregate over the events of one session. */
  session?: (d: Dialect) => Sql;
  /** Name of the value in API rows: 'path' for page-like dimensions, 'name' otherwise. */
  valueKey: 'path' | 'name';
  /** Name of the breakdown in the dashboard stats response (plural). */
  plural: string;
  /** The `goal` dimension: multi-valued, from the goal columns of the session rows (goals.ts), no rollup keeps it. */
  goal?: true;
}

const ts = ident('ts');
const TRUE = keyword('TRUE');
const isPageview = sql`name = 'page_view'`;

/** The value of `column` on the session's first event. */
const firstOf = (column: string) => (d: Dialect) => d.argMinIf(ident(column), ts, TRUE);

const screenSize = (d: Dialect) =>
  sql`CASE WHEN screen_w IS NULL OR screen_h IS NULL THEN '' ELSE ${d.concat([d.toText(ident('screen_w')), keyword("'x'"), d.toText(ident('screen_h'))])} END`;

/**
 * The column holding trait `key` on event rows that carry traits (people.ts traitEvents): the key in hex,
 * so any key of the strict pattern makes a plain identifier.
 */
export function traitColumn(key: string): string {
  return `tr_${[...key].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('')}`;
}

export const DIMENSION_DEFS: Record<BuiltinDimension | 'props' | 'trait', DimensionDef> = {
  page: { level: 'event', event: () => ident('path'), valueKey: 'path', plural: 'pages' },
  hostname: { level: 'event', event: () => ident('host'), valueKey: 'name', plural: 'hostnames' },
  event_name: { level: 'event', event: () => ident('name'), valueKey: 'name', plural: 'events' },
  props: { level: 'event', event: (d, key) => d.propertyValue(ident('props'), key), valueKey: 'name', plural: 'props' },
  // A trait of the event's person ('' when it has none): a column the statement's event rows carry (compile.ts events()).
  trait: { level: 'event', event: (_d, key) => ident(traitColumn(key)), valueKey: 'name', plural: 'traits' },
  // The visitor id's person labels (labels.ts, the person_labels side table): segment id and lead-score bucket.
  segment: { level: 'event', event: () => ident('lb_segment'), valueKey: 'name', plural: 'segments' },
  score: { level: 'event', event: () => ident('lb_score'), valueKey: 'name', plural: 'scores' },
  // The id the site identified the visitor as ('' while anonymous): per event, as identify may come mid-session.
  user_id: { level: 'event', event: () => ident('user_id'), valueKey: 'name', plural: 'user_ids' },

  entry_page: { level: 'session', session: (d) => d.argMinIf(ident('path'), ts, isPageview), valueKey: 'path', plural: 'entry_pages' },
  exit_page: { level: 'session', session: (d) => d.argMaxIf(ident('path'), ts, isPageview), valueKey: 'path', plural: 'exit_pages' },
  source: { level: 'session', session: firstOf('source'), valueKey: 'name', plural: 'sources' },
  referrer: { level: 'session', session: firstOf('referrer'), valueKey: 'name', plural: 'referrers' },
  referrer_domain: { level: 'session', session: firstOf('referrer_domain'), valueKey: 'name', plural: 'referrer_domains' },
  medium: { level: 'session', session: firstOf('utm_medium'), valueKey: 'name', plural: 'mediums' },
  campaign: { level: 'session', session: firstOf('utm_campaign'), valueKey: 'name', plural: 'campaigns' },
  term: { level: 'session', session: firstOf('utm_term'), valueKey: 'name', plural: 'terms' },
  content: { level: 'session', session: firstOf('utm_content'), valueKey: 'name', plural: 'contents' },
  channel: { level: 'session', session: firstOf('channel'), valueKey: 'name', plural: 'channels' },
  country: { level: 'session', session: firstOf('country'), valueKey: 'name', plural: 'countries' },
  region: { level: 'session', session: firstOf('region'), valueKey: 'name', plural: 'regions' },
  city: { level: 'session', session: firstOf('city'), valueKey: 'name', plural: 'cities' },
  browser: { level: 'session', session: firstOf('browser'), valueKey: 'name', plural: 'browsers' },
  browser_version: { level: 'session', session: firstOf('browser_version'), valueKey: 'name', plural: 'browser_versions' },
  os: { level: 'session', session: firstOf('os'), valueKey: 'name', plural: 'operating_systems' },
  os_version: { level: 'session', session: firstOf('os_version'), valueKey: 'name', plural: 'os_versions' },
  device: { level: 'session', session: firstOf('device_type'), valueKey: 'name', plural: 'devices' },
  // Screen resolution as "WxH" (e.g. 1920x1080): exact, and device already gives the size class.
  screen: { level: 'session', session: (d) => d.argMinIf(screenSize(d), ts, TRUE), valueKey: 'name', plural: 'screens' },
  language: { level: 'session', session: firstOf('language'), valueKey: 'name', plural: 'languages' },
  // The goals a session completed (a session may count under several): value = goal id.
  goal: { level: 'session', goal: true, valueKey: 'name', plural: 'goals' },
};

/** Every session-level dimension with one value per session, in registry order (the rollup keeps a column set for each). */
export const SESSION_DIMENSIONS: readonly string[] = Object.entries(DIMENSION_DEFS)
  .filter(([, def]) => def.level === 'session' && !def.goal)
  .map(([name]) => name);

export function dimensionDef(name: string): DimensionDef {
  if (name.startsWith('props:')) return DIMENSION_DEFS.props;
  if (name.startsWith('trait:')) return DIMENSION_DEFS.trait;
  return DIMENSION_DEFS[name as BuiltinDimension];
}

/** The key of a `props:<key>` or `trait:<key>` dimension, '' otherwise. */
export function propKey(name: string): string {
  return name.startsWith('props:') || name.startsWith('trait:') ? name.slice(6) : '';
}

/** The trait keys a set of dimensions and filter trees name (their event rows must carry them). */
export function traitKeysOf(dimensions: readonly string[], filters: readonly FilterNode[]): string[] {
  const keys = new Set<string>();
  const visit = (n: FilterNode): void => {
    if (n[0] === 'and' || n[0] === 'or' || n[0] === 'not') (n.slice(1) as FilterNode[]).forEach(visit);
    else if (n[1].startsWith('trait:')) keys.add(n[1].slice(6));
  };
  for (const d of dimensions) if (d.startsWith('trait:')) keys.add(d.slice(6));
  filters.forEach(visit);
  return [...keys].sort();
}

// --- aggregates ------------------------------------------------------------------------------------

/** Web vitals quantiles (p50/p75/p95 of LCP, INP, CLS, FCP, TTFB), each an aggregate and a metric of its own name. */
export const VITAL_QUANTILES = { p50: 0.5, p75: 0.75, p95: 0.95 } as const;
export type VitalAgg = `${Vital}_${keyof typeof VITAL_QUANTILES}`;
export const VITAL_AGGS: readonly VitalAgg[] = VITALS.flatMap((v) =>
  (Object.keys(VITAL_QUANTILES) as Array<keyof typeof VITAL_QUANTILES>).map((q) => `${v}_${q}` as const),
);

/** Summable (or, for visitors, computed in one place) quantities that metrics are derived from. */
export type AggName =
  | 'visitors'
  | 'pageviews'
  | 'events'
  | 'sessions'
  | 'bounces'
  | 'duration_ms'
  | 'session_pageviews'
  | 'new_visitors'
  | 'page_time_ms'
  | 'timed_views'
  | 'scroll_sum'
  | 'scrolled_views'
  | 'conversions'
  | 'converting_visitors'
  | 'rate_visitors'
  | 'rage_clicks'
  | 'dead_clicks'
  | 'error_clicks'
  | VitalAgg
  | 'revenue_minor'
  | 'gross_minor'
  | 'revenue_scale'
  | 'transactions'
  | 'paying_visitors';
export const AGG_ORDER: readonly AggName[] = [
  'visitors',
  'pageviews',
  'events',
  'sessions',
  'bounces',
  'duration_ms',
  'session_pageviews',
  'new_visitors',
  'page_time_ms',
  'timed_views',
  'scroll_sum',
  'scrolled_views',
  'conversions',
  'converting_visitors',
  'rate_visitors',
  'rage_clicks',
  'dead_clicks',
  'error_clicks',
  ...VITAL_AGGS,
  'revenue_minor',
  'gross_minor',
  'revenue_scale',
  'transactions',
  'paying_visitors',
];

/**
 * Where an aggregate is computed: over event rows, over session rows, over page-view rows (one per
 * page_view with its time on page `pv_ms` and deepest scroll `pv_scroll`, see page-views.ts), over
 * credits (revenue) or over the page_performance events that carry web vitals.
 */
export type AggLevel = Level | 'page' | 'revenue' | 'vitals';

/** What some aggregates need from the statement being compiled. */
export interface AggContext {
  /** True when the row's `visitor_id` has an event of the site before the period (a returning visitor). */
  seenBefore: Sql;
  /** True on session rows that completed a goal counting as a conversion (goals.ts completedAny). */
  converted: Sql;
}

export interface AggregateDef {
  level: AggLevel;
  /** Over event rows (events in the period, already filtered). */
  overEvents?: (d: Dialect, ctx: AggContext) => Sql;
  /** Over rows of fragments (rollups/session-parts.ts: visitor_id, events and pageviews counts) instead of events. */
  overParts?: (d: Dialect) => Sql;
  /** Over session rows; `cond` selects the sessions that count (start in the period, match filters). */
  overSessions?: (d: Dialect, cond: Sql, ctx: AggContext) => Sql;
  /** Over page-view rows (in the period, matching the filters). */
  overPageViews?: (d: Dialect) => Sql;
  /**
   * Over credit rows (revenue_credits of the period's payments under the plan's model, see compile-revenue.ts);
   * with `people` the rows carry `payer_person`, the person of the payer visitor id (people.ts).
   */
  overCredits?: (d: Dialect, people: boolean) => Sql;
  /** Over the period's page_performance events matching the filters (their props hold the vitals). */
  overVitals?: (d: Dialect) => Sql;
  /** The rollups (session parts, marks, cubes) do not keep it: statements that need it read events. */
  rawOnly?: true;
}

const zeroIfNull = (e: Sql) => sql`coalesce(${e}, 0)`;

/** Per-session counts of the frustration events in the period (compile.ts adds them with s_ev_in). */
export const FRUSTRATION_COUNTS = [
  ['rage_click', 's_rage_in'],
  ['dead_click', 's_dead_in'],
  ['error_click', 's_error_in'],
] as const;

function frustration(name: string, column: string): AggregateDef {
  return {
    level: 'event',
    // The rollups keep no per-name counts: statements with these read events.
    rawOnly: true,
    overEvents: (d) => d.countIf(sql`name = ${bindString(name)}`),
    overSessions: () => zeroIfNull(sql`sum(${ident(column)})`),
  };
}
/**
 * A vital's quantile over the page_performance events reporting it (the tracker's t.vitals.js, one event
 * per page view): exact and interpolated on every engine; NULL without samples, which the stacking sums
 * to 0.
 */
function vitalQuantile(agg: VitalAgg): AggregateDef {
  const [vital, q] = agg.split('_') as [Vital, keyof typeof VITAL_QUANTILES];
  return {
    level: 'vitals',
    rawOnly: true,
    overVitals: (d) => d.quantile(d.toNumberOrNull(d.propertyValue(ident('props'), vital)), VITAL_QUANTILES[q]),
  };
}
const isPayment = sql`kind = 'payment'`;
const isNew = (ctx: AggContext) => sql`NOT (${ctx.seenBefore})`;

export const AGGREGATES: Record<AggName, AggregateDef> = {
  // Event aggregates over session rows use the per-session counts of in-period, filter-matching events.
  visitors: {
    level: 'event',
    overEvents: (d) => d.uniq(ident('visitor_id')),
    overParts: (d) => d.uniq(ident('visitor_id')),
    overSessions: (d) => d.uniqIf(ident('visitor_id'), sql`s_ev_in > 0`),
  },
  pageviews: {
    level: 'event',
    overEvents: (d) => d.countIf(isPageview),
    overParts: () => zeroIfNull(sql`sum(pageviews)`),
    overSessions: () => zeroIfNull(sql`sum(s_pv_in)`),
  },
  events: {
    level: 'event',
    overEvents: () => sql`count(*)`,
    overParts: () => zeroIfNull(sql`sum(events)`),
    overSessions: () => zeroIfNull(sql`sum(s_ev_in)`),
  },
  sessions: { level: 'session', overSessions: (d, cond) => d.countIf(cond) },
  // Bounce: exactly one page_view and no interactive event (passive events do not end a bounce).
  bounces: { level: 'session', overSessions: (d, cond) => d.countIf(sql`${cond} AND s_pageviews = 1 AND s_interactive = 0`) },
  duration_ms: { level: 'session', overSessions: (d, cond) => d.sumIf(ident('s_duration_ms'), cond) },
  session_pageviews: { level: 'session', overSessions: (d, cond) => d.sumIf(ident('s_pageviews'), cond) },
  // Visitors not seen before the period. Fragments key visitors by hash and keep no history: raw events only.
  new_visitors: {
    level: 'event',
    rawOnly: true,
    overEvents: (d, ctx) => d.uniqIf(ident('visitor_id'), isNew(ctx)),
    overSessions: (d, _cond, ctx) => d.uniqIf(ident('visitor_id'), sql`s_ev_in > 0 AND ${isNew(ctx)}`),
  },
  // Time on page and scroll depth over the page views that have one (the last page view of a session
  // without engaged time has no time; a page view without any reported depth has no depth).
  page_time_ms: { level: 'page', rawOnly: true, overPageViews: (d) => d.sumIf(sql`coalesce(pv_ms, 0)`, sql`pv_ms IS NOT NULL`) },
  timed_views: { level: 'page', rawOnly: true, overPageViews: (d) => d.countIf(sql`pv_ms IS NOT NULL`) },
  scroll_sum: { level: 'page', rawOnly: true, overPageViews: (d) => d.sumIf(sql`coalesce(pv_scroll, 0)`, sql`pv_scroll IS NOT NULL`) },
  scrolled_views: { level: 'page', rawOnly: true, overPageViews: (d) => d.countIf(sql`pv_scroll IS NOT NULL`) },
  // Conversions: sessions (starting in the period, matching the filters) that completed a goal. No
  // rollup keeps goal completion (goals are defined after the fact): statements with goals read events.
  conversions: { level: 'session', rawOnly: true, overSessions: (d, cond, ctx) => d.countIf(sql`${cond} AND ${ctx.converted}`) },
  converting_visitors: {
    level: 'session',
    rawOnly: true,
    overSessions: (d, cond, ctx) => d.uniqIf(ident('visitor_id'), sql`${cond} AND ${ctx.converted}`),
  },
  // conversion_rate's denominator when the statement computes it itself: visitors, as above.
  rate_visitors: {
    level: 'event',
    rawOnly: true,
    overEvents: (d) => d.uniq(ident('visitor_id')),
    overSessions: (d) => d.uniqIf(ident('visitor_id'), sql`s_ev_in > 0`),
  },
  // Frustration signals (behaviour/, DESIGN §4): events the heatmap extension sends, counted like events.
  rage_clicks: frustration('rage_click', 's_rage_in'),
  dead_clicks: frustration('dead_click', 's_dead_in'),
  error_clicks: frustration('error_click', 's_error_in'),
  ...(Object.fromEntries(VITAL_AGGS.map((a) => [a, vitalQuantile(a)])) as Record<VitalAgg, AggregateDef>),
  // Revenue: credits (integer minor units of the reporting currency) of the period's payments and refunds,
  // each on the touchpoint session the attribution model gave it to (revenue/credits.ts); the other parts of
  // the statement may read the rollups (they give these zeros, the credits part everything). `revenue_scale`
  // is 10^digits of the reporting currency (the same on every row of a site), so sums stay exact integers.
  revenue_minor: { level: 'revenue', overCredits: () => zeroIfNull(sql`sum(credit)`) },
  gross_minor: { level: 'revenue', overCredits: (d) => d.sumIf(ident('credit'), isPayment) },
  revenue_scale: { level: 'revenue', overCredits: () => zeroIfNull(sql`max(scale)`) },
  transactions: { level: 'revenue', overCredits: (d) => d.uniqIf(ident('txn_key'), isPayment) },
  paying_visitors: {
    level: 'revenue',
    overCredits: (d, people) => d.uniqIf(ident(people ? 'payer_person' : 'payer'), sql`${isPayment} AND payer <> ''`),
  },
};

/** `name NOT IN (passive…)`: the interactive events that end a bounce. */
export function isInteractive(): Sql {
  return sql`name NOT IN (${join(PASSIVE_EVENT_NAMES.map((n) => bindString(n)))})`;
}

// --- metrics ---------------------------------------------------------------------------------------

export type Aggs = Record<AggName, number>;

export interface MetricDef {
  level: AggLevel;
  aggs: AggName[];
  /** Final value from the aggregates (rounding happens here, identically for every engine). */
  value(a: Aggs): number;
  /** ORDER BY expression over the aggregate columns of the outer query. */
  order(): Sql;
}

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const ratio =
  (num: AggName, den: AggName, scale = '1.0') =>
  () =>
    sql`(${ident(`a_${num}`)} * ${keyword(scale)} / nullif(${ident(`a_${den}`)}, 0))`;

export const METRIC_DEFS: Record<Metric, MetricDef> = {
  visitors: { level: 'event', aggs: ['visitors'], value: (a) => a.visitors, order: () => ident('a_visitors') },
  pageviews: { level: 'event', aggs: ['pageviews'], value: (a) => a.pageviews, order: () => ident('a_pageviews') },
  events: { level: 'event', aggs: ['events'], value: (a) => a.events, order: () => ident('a_events') },
  sessions: { level: 'session', aggs: ['sessions'], value: (a) => a.sessions, order: () => ident('a_sessions') },
  /** % of sessions that bounced, one decimal; 0 when there are no sessions. */
  bounce_rate: {
    level: 'session',
    aggs: ['sessions', 'bounces'],
    value: (a) => (a.sessions ? round((100 * a.bounces) / a.sessions, 1) : 0),
    order: ratio('bounces', 'sessions', '100.0'),
  },
  /** Mean of (last − first event time) per session, whole seconds. */
  avg_duration: {
    level: 'session',
    aggs: ['sessions', 'duration_ms'],
    value: (a) => (a.sessions ? Math.round(a.duration_ms / a.sessions / 1000) : 0),
    order: ratio('duration_ms', 'sessions'),
  },
  /** Pageviews of the sessions / sessions, two decimals. */
  views_per_visit: {
    level: 'session',
    aggs: ['sessions', 'session_pageviews'],
    value: (a) => (a.sessions ? round(a.session_pageviews / a.sessions, 2) : 0),
    order: ratio('session_pageviews', 'sessions'),
  },
  /** Visitors whose id has no event of the site before the period. */
  new_visitors: { level: 'event', aggs: ['new_visitors'], value: (a) => a.new_visitors, order: () => ident('a_new_visitors') },
  /** Visitors whose id was seen before the period: visitors − new visitors. */
  returning_visitors: {
    level: 'event',
    aggs: ['visitors', 'new_visitors'],
    value: (a) => a.visitors - a.new_visitors,
    order: () => sql`(${ident('a_visitors')} - ${ident('a_new_visitors')})`,
  },
  /** Mean time on page (DESIGN §4) over the page views that have one, whole seconds. */
  avg_time: {
    level: 'page',
    aggs: ['page_time_ms', 'timed_views'],
    value: (a) => (a.timed_views ? Math.round(a.page_time_ms / a.timed_views / 1000) : 0),
    order: ratio('page_time_ms', 'timed_views'),
  },
  /** Mean of the deepest scroll (%) per page view, over page views that reported one, whole percent. */
  scroll_depth: {
    level: 'page',
    aggs: ['scroll_sum', 'scrolled_views'],
    value: (a) => (a.scrolled_views ? Math.round(a.scroll_sum / a.scrolled_views) : 0),
    order: ratio('scroll_sum', 'scrolled_views'),
  },
  /** Sessions that completed a goal (the goal filter's or dimension's, else any of the site's goals). */
  conversions: { level: 'session', aggs: ['conversions'], value: (a) => a.conversions, order: () => ident('a_conversions') },
  /** Distinct visitors of the converting sessions. */
  converting_visitors: {
    level: 'session',
    aggs: ['converting_visitors'],
    value: (a) => a.converting_visitors,
    order: () => ident('a_converting_visitors'),
  },
  /**
   * converting_visitors / visitors × 100, one decimal, the visitors of the same query without its goal
   * conditions (run.ts fills `rate_visitors` from a second statement when there are such conditions;
   * then the order is by converting visitors, the same for rows sharing a denominator).
   */
  conversion_rate: {
    level: 'session',
    aggs: ['converting_visitors', 'rate_visitors'],
    value: (a) => (a.rate_visitors ? round((100 * a.converting_visitors) / a.rate_visitors, 1) : 0),
    order: ratio('converting_visitors', 'rate_visitors', '100.0'),
  },
  /** rage_click events (one per burst of 3+ clicks within 1 s within 30 px). */
  rage_clicks: { level: 'event', aggs: ['rage_clicks'], value: (a) => a.rage_clicks, order: () => ident('a_rage_clicks') },
  /** dead_click events (a click on a non-interactive element that changed nothing within 1 s). */
  dead_clicks: { level: 'event', aggs: ['dead_clicks'], value: (a) => a.dead_clicks, order: () => ident('a_dead_clicks') },
  /** error_click events (a click followed within 1 s by an uncaught error). */
  error_clicks: { level: 'event', aggs: ['error_clicks'], value: (a) => a.error_clicks, order: () => ident('a_error_clicks') },
  // p50/p75/p95 of each web vital: ms rounded to whole ms, CLS (unitless) to three decimals; 0 without samples.
  ...(Object.fromEntries(
    VITAL_AGGS.map((a) => {
      const digits = a.startsWith('cls_') ? 3 : 0;
      const def: MetricDef = { level: 'vitals', aggs: [a], value: (x) => round(x[a] ?? 0, digits), order: () => ident(`a_${a}`) };
      return [a, def];
    }),
  ) as Record<VitalAgg, MetricDef>),
  /** Payments less refunds credited to the row, major units of the site's reporting currency. */
  total_revenue: {
    level: 'revenue',
    aggs: ['revenue_minor', 'revenue_scale'],
    value: (a) => (a.revenue_scale ? a.revenue_minor / a.revenue_scale : 0),
    order: () => ident('a_revenue_minor'),
  },
  /** Payments credited to the row (a payment split between rows counts in each). */
  transactions: { level: 'revenue', aggs: ['transactions'], value: (a) => a.transactions, order: () => ident('a_transactions') },
  /** Distinct visitors who made the row's payments. */
  paying_visitors: {
    level: 'revenue',
    aggs: ['paying_visitors'],
    value: (a) => a.paying_visitors,
    order: () => ident('a_paying_visitors'),
  },
  /** total_revenue / visitors of the row, two decimals. */
  revenue_per_visitor: {
    level: 'revenue',
    aggs: ['revenue_minor', 'revenue_scale', 'visitors'],
    value: (a) => (a.revenue_scale && a.visitors ? round(a.revenue_minor / a.revenue_scale / a.visitors, 2) : 0),
    order: ratio('revenue_minor', 'visitors'),
  },
  /** Payments (before refunds) / transactions, two decimals. */
  average_order_value: {
    level: 'revenue',
    aggs: ['gross_minor', 'revenue_scale', 'transactions'],
    value: (a) => (a.revenue_scale && a.transactions ? round(a.gross_minor / a.revenue_scale / a.transactions, 2) : 0),
    order: ratio('gross_minor', 'transactions'),
  },
};

/** Metrics computed from revenue credits (their statements read revenue_credits beside events). */
export const REVENUE_METRICS: readonly Metric[] = (Object.keys(METRIC_DEFS) as Metric[]).filter((m) =>
  METRIC_DEFS[m].aggs.some((a) => AGGREGATES[a].level === 'revenue'),
);

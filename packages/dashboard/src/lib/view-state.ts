/**
 * The overview's state lives in the URL (period, dates, compare, filters, chart metric and interval),
 * so a view can be bookmarked and shared. Filters are `f=<dimension>:<value>` (`f=!dim:value` = is not).
 */

export type PeriodId = 'today' | 'yesterday' | 'last_7_days' | 'last_30_days' | 'month' | 'last_month' | 'last_12_months' | 'custom';

export const PERIODS: Array<{ id: PeriodId; label: string }> = [
  { id: 'today', label: 'Today' },
  { id: 'yesterday', label: 'Yesterday' },
  { id: 'last_7_days', label: 'Last 7 days' },
  { id: 'last_30_days', label: 'Last 30 days' },
  { id: 'month', label: 'Month to date' },
  { id: 'last_month', label: 'Last month' },
  { id: 'last_12_months', label: 'Last 12 months' },
  { id: 'custom', label: 'Custom range' },
];

export const DEFAULT_PERIOD: PeriodId = 'last_30_days';

export type Interval = 'hour' | 'day' | 'week' | 'month';
export const INTERVALS: Interval[] = ['hour', 'day', 'week', 'month'];

export interface Filter {
  dimension: string;
  op: 'is' | 'is_not';
  values: string[];
}

export interface ViewState {
  period: PeriodId;
  from?: string;
  to?: string;
  compare: boolean;
  filters: Filter[];
  metric: string;
  interval?: Interval;
  /** Include imported data (another tool's export) on days without native data; off with imported=0. */
  imported: boolean;
}

const isPeriod = (v: string | null): v is PeriodId => PERIODS.some((p) => p.id === v);
const isDate = (v: string | null): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v);

export function parseViewState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const period = q.get('period');
  const from = q.get('from');
  const to = q.get('to');
  const interval = q.get('interval');
  const filters: Filter[] = [];
  for (const raw of q.getAll('f')) {
    const neg = raw.startsWith('!');
    const body = neg ? raw.slice(1) : raw;
    const i = body.indexOf(':');
    if (i <= 0) continue;
    const dimension = body.slice(0, i);
    const value = body.slice(i + 1);
    const existing = filters.find((f) => f.dimension === dimension && f.op === (neg ? 'is_not' : 'is'));
    if (existing) existing.values.push(value);
    else filters.push({ dimension, op: neg ? 'is_not' : 'is', values: [value] });
  }
  const custom = period === 'custom' && isDate(from) && isDate(to);
  return {
    period: isPeriod(period) && (period !== 'custom' || custom) ? period : DEFAULT_PERIOD,
    from: custom ? from : undefined,
    to: custom ? to : undefined,
    // Comparing with the previous period is on unless turned off (compare=0).
    compare: q.get('compare') !== '0',
    filters,
    metric: q.get('metric') ?? 'visitors',
    interval: INTERVALS.includes(interval as Interval) ? (interval as Interval) : undefined,
    imported: q.get('imported') !== '0',
  };
}

export function serializeViewState(s: ViewState): string {
  const q = new URLSearchParams();
  if (s.period !== DEFAULT_PERIOD) q.set('period', s.period);
  if (s.period === 'custom' && s.from && s.to) {
    q.set('from', s.from);
    q.set('to', s.to);
  }
  if (!s.compare) q.set('compare', '0');
  if (s.metric !== 'visitors') q.set('metric', s.metric);
  if (s.interval) q.set('interval', s.interval);
  if (!s.imported) q.set('imported', '0');
  for (const f of s.filters) for (const v of f.values) q.append('f', `${f.op === 'is_not' ? '!' : ''}${f.dimension}:${v}`);
  const str = q.toString();
  return str ? `?${str}` : '';
}

/** Adds (or replaces) the filter on a dimension: clicking a row narrows the whole view to it. */
export function withFilter(s: ViewState, dimension: string, value: string): ViewState {
  const others = s.filters.filter((f) => f.dimension !== dimension);
  return { ...s, filters: [...others, { dimension, op: 'is', values: [value] }] };
}

export function withoutFilter(s: ViewState, dimension: string): ViewState {
  return { ...s, filters: s.filters.filter((f) => f.dimension !== dimension) };
}

/** The stats API's filter tree: ["and", ["is", "page", ["/x"]], ...]. */
export function filterTree(filters: Filter[]): unknown[] | undefined {
  if (!filters.length) return undefined;
  return ['and', ...filters.map((f) => [f.op, f.dimension, f.values])];
}

/** A sensible default bucket for the period (hour for single days, month for a year). */
export function defaultInterval(s: ViewState): Interval {
  if (s.period === 'today' || s.period === 'yesterday') return 'hour';
  if (s.period === 'last_12_months') return 'month';
  if (s.period === 'custom' && s.from && s.to) {
    const days = (Date.parse(s.to) - Date.parse(s.from)) / 86_400_000;
    if (days < 1) return 'hour';
    if (days > 180) return 'month';
    if (days > 60) return 'week';
  }
  return 'day';
}

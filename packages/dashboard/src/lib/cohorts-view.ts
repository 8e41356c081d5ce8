/**
 * The Cohorts page's state in the URL: period length (`interval`), grouping (`by`), what is counted
 * (`unit`, empty = the server's default), the cell metric (`metric`: retention, conversion or revenue per member), the goal
 * and the first-visit range (`from`/`to`, local dates; empty = the last 12 months).
 */
export interface CohortsView {
  interval: 'day' | 'week' | 'month';
  /** `trait:<key>`: by the member's latest value of a trait (a key in the URL, never a value). */
  by: 'first_visit' | 'source' | 'landing_page' | `trait:${string}`;
  unit: 'visitors' | 'people' | null;
  metric: 'retention' | 'conversion' | 'revenue';
  goal: string | null;
  from: string | null;
  to: string | null;
}

const INTERVALS = ['day', 'week', 'month'] as const;
const METRICS = ['retention', 'conversion', 'revenue'] as const;
const BYS = ['first_visit', 'source', 'landing_page'] as const;
const TRAIT_BY = /^trait:[A-Za-z0-9_][A-Za-z0-9_.:\- ]{0,63}$/;
const isDate = (v: string | null): v is string => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v);
const oneOf = <T extends string>(list: readonly T[], v: string | null, d: T): T => (list.includes(v as T) ? (v as T) : d);

export function parseCohortsView(search: string): CohortsView {
  const q = new URLSearchParams(search);
  const unit = q.get('unit');
  const from = q.get('from');
  const to = q.get('to');
  const range = isDate(from) && isDate(to);
  return {
    interval: oneOf(INTERVALS, q.get('interval'), 'week'),
    by: TRAIT_BY.test(q.get('by') ?? '') ? (q.get('by') as `trait:${string}`) : oneOf(BYS, q.get('by'), 'first_visit'),
    unit: unit === 'visitors' || unit === 'people' ? unit : null,
    metric: oneOf(METRICS, q.get('metric'), 'retention'),
    goal: q.get('goal'),
    from: range ? from : null,
    to: range ? to : null,
  };
}

export function serializeCohortsView(s: CohortsView): string {
  const q = new URLSearchParams();
  if (s.interval !== 'week') q.set('interval', s.interval);
  if (s.by !== 'first_visit') q.set('by', s.by);
  if (s.unit) q.set('unit', s.unit);
  if (s.metric !== 'retention') q.set('metric', s.metric);
  if (s.goal) q.set('goal', s.goal);
  if (s.from && s.to) {
    q.set('from', s.from);
    q.set('to', s.to);
  }
  const str = q.toString();
  return str ? `?${str}` : '';
}

/** The API's parameters for the view. */
export function cohortParams(s: CohortsView): Record<string, string | undefined> {
  return {
    interval: s.interval,
    by: s.by,
    unit: s.unit ?? undefined,
    goal: s.goal ?? undefined,
    ...(s.from && s.to ? { period: 'custom', start_date: s.from, end_date: s.to } : { period: 'last_12_months' }),
  };
}

/** Heat of a cell: its share (0..100) as 0..1, more visible towards the top. */
export function heat(share: number): number {
  return Math.max(0, Math.min(1, Math.sqrt(share / 100)));
}

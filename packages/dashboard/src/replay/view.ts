/** The Recordings page's view, all of it in the URL (shareable, back/forward work). */
export interface RecordingsView {
  period: '24h' | '7d' | '30d' | '90d';
  page: string;
  country: string;
  device: string;
  browser: string;
  visitor_id: string;
  min_duration: string;
  has_rage_clicks: boolean;
  has_dead_clicks: boolean;
  has_errors: boolean;
  /** Sessions that clicked this element (a link from Heatmaps), on `page` when set. */
  clicked_selector: string;
  /** A funnel's drop-off (a link from Funnels): its id, the step left after, its period (site days) and filters. */
  funnel_id: string;
  funnel_step: string;
  funnel_start_date: string;
  funnel_end_date: string;
  funnel_filters: string;
  offset: number;
  /** The recording open in the player. */
  r: string;
}

const PERIODS = ['24h', '7d', '30d', '90d'] as const;
const FUNNEL = ['funnel_id', 'funnel_step', 'funnel_start_date', 'funnel_end_date', 'funnel_filters'] as const;
const TEXT = ['page', 'country', 'device', 'browser', 'visitor_id', 'min_duration', 'clicked_selector', ...FUNNEL, 'r'] as const;

export function parseRecordingsView(search: string): RecordingsView {
  const q = new URLSearchParams(search);
  const period = q.get('period');
  const v: RecordingsView = {
    period: (PERIODS as readonly string[]).includes(period ?? '') ? (period as RecordingsView['period']) : '7d',
    page: '',
    country: '',
    device: '',
    browser: '',
    visitor_id: '',
    min_duration: '',
    has_rage_clicks: q.get('has_rage_clicks') === 'true',
    has_dead_clicks: q.get('has_dead_clicks') === 'true',
    has_errors: q.get('has_errors') === 'true',
    clicked_selector: '',
    funnel_id: '',
    funnel_step: '',
    funnel_start_date: '',
    funnel_end_date: '',
    funnel_filters: '',
    offset: Math.max(0, Number.parseInt(q.get('offset') ?? '0', 10) || 0),
    r: '',
  };
  for (const k of TEXT) v[k] = q.get(k) ?? '';
  return v;
}

export function serializeRecordingsView(v: RecordingsView): string {
  const q = new URLSearchParams();
  if (v.period !== '7d') q.set('period', v.period);
  for (const k of TEXT) if (v[k]) q.set(k, v[k]);
  if (v.has_rage_clicks) q.set('has_rage_clicks', 'true');
  if (v.has_dead_clicks) q.set('has_dead_clicks', 'true');
  if (v.has_errors) q.set('has_errors', 'true');
  if (v.offset) q.set('offset', String(v.offset));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The list request's query: the view without the open recording, empty filters left out. */
export function listQuery(v: RecordingsView, limit: number): Record<string, string | number | boolean | undefined> {
  return {
    period: v.period,
    page: v.page || undefined,
    country: v.country.toUpperCase() || undefined,
    device: v.device || undefined,
    browser: v.browser || undefined,
    visitor_id: v.visitor_id || undefined,
    min_duration: v.min_duration || undefined,
    has_rage_clicks: v.has_rage_clicks || undefined,
    has_dead_clicks: v.has_dead_clicks || undefined,
    has_errors: v.has_errors || undefined,
    clicked_selector: v.clicked_selector || undefined,
    ...Object.fromEntries(FUNNEL.map((k) => [k, (v.funnel_id && v[k]) || undefined])),
    limit,
    offset: v.offset,
  };
}

/** Heatmaps' periods as the nearest Recordings period that covers them. */
const FROM_OVERVIEW: Record<string, RecordingsView['period']> = { today: '24h', yesterday: '7d', last_7_days: '7d', last_30_days: '30d' };

/** The Recordings page for the sessions that clicked an element of a page (linked from the Heatmaps elements table). */
export function recordingsOfClicks(siteId: string, page: string, selector: string, overviewPeriod: string): string {
  const q = new URLSearchParams({ period: FROM_OVERVIEW[overviewPeriod] ?? '90d', page, clicked_selector: selector });
  return `/sites/${siteId}/recordings?${q.toString()}`;
}

/** The view without the funnel drop-off it was opened with. */
export const withoutFunnel = (v: RecordingsView): RecordingsView => ({
  ...v,
  ...Object.fromEntries(FUNNEL.map((k) => [k, ''])),
  offset: 0,
});

/**
 * The Recordings page for the sessions that reached a funnel step and not the next (linked from the Funnels
 * page's drop-offs): the funnel's own period (its days, as its stats answered) and filters choose them.
 */
export function recordingsOfDropOff(
  siteId: string,
  funnelId: string,
  afterStep: number,
  period: { start: string; end: string },
  filters: string | undefined,
): string {
  const q = new URLSearchParams({
    funnel_id: funnelId,
    funnel_step: String(afterStep),
    funnel_start_date: period.start,
    funnel_end_date: period.end,
  });
  if (filters) q.set('funnel_filters', filters);
  return `/sites/${siteId}/recordings?${q.toString()}`;
}

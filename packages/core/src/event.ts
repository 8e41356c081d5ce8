import { z } from 'zod';

/**
 * The canonical event (DESIGN §3): one row per event in `events`, the same columns on every engine.
 * Strings are never null (empty string = absent) so both engines group and filter them alike;
 * numeric measurements that may be absent are nullable.
 */
export const canonicalEventSchema = z.object({
  event_id: z.string().uuid(),
  site_id: z.string().min(1).max(64),
  ts: z.number().int(), // event time, ms since epoch (UTC)
  received_at: z.number().int(),
  name: z.string().min(1).max(120),
  visitor_id: z.string().max(128),
  session_id: z.string().max(128),
  user_id: z.string().max(300),
  url: z.string().max(2000),
  host: z.string().max(253),
  path: z.string().max(2000),
  title: z.string().max(2000),
  referrer: z.string().max(2000),
  referrer_domain: z.string().max(253),
  /** Traffic source name: utm_source, else a known name for the referrer (e.g. "Google"), else the referrer domain; '' = direct. */
  source: z.string().max(300),
  utm_source: z.string().max(300),
  utm_medium: z.string().max(300),
  utm_campaign: z.string().max(300),
  utm_term: z.string().max(300),
  utm_content: z.string().max(300),
  channel: z.string().max(40),
  country: z.string().max(2),
  region: z.string().max(120),
  city: z.string().max(120),
  browser: z.string().max(60),
  browser_version: z.string().max(40),
  os: z.string().max(60),
  os_version: z.string().max(40),
  device_type: z.string().max(20),
  screen_w: z.number().int().nullable(),
  screen_h: z.number().int().nullable(),
  viewport_w: z.number().int().nullable(),
  viewport_h: z.number().int().nullable(),
  language: z.string().max(35),
  timezone: z.string().max(64),
  /** Flat string→string map, stored as JSON text. */
  props: z.record(z.string(), z.string()),
  revenue_amount: z.number().nullable(),
  revenue_currency: z.string().max(3),
  x: z.number().int().nullable(),
  y: z.number().int().nullable(),
  selector: z.string().max(300),
  scroll_depth: z.number().int().min(0).max(100).nullable(),
  engaged_ms: z.number().int().nonnegative().nullable(),
});

export type CanonicalEvent = z.infer<typeof canonicalEventSchema>;

export type ColumnKind = 'uuid' | 'string' | 'timestamp_ms' | 'int' | 'float' | 'json';

/** Column order and logical kinds; each engine maps kinds to its own physical types. */
export const EVENT_COLUMNS: ReadonlyArray<{ name: keyof CanonicalEvent; kind: ColumnKind; nullable: boolean }> = [
  { name: 'event_id', kind: 'uuid', nullable: false },
  { name: 'site_id', kind: 'string', nullable: false },
  { name: 'ts', kind: 'timestamp_ms', nullable: false },
  { name: 'received_at', kind: 'timestamp_ms', nullable: false },
  { name: 'name', kind: 'string', nullable: false },
  { name: 'visitor_id', kind: 'string', nullable: false },
  { name: 'session_id', kind: 'string', nullable: false },
  { name: 'user_id', kind: 'string', nullable: false },
  { name: 'url', kind: 'string', nullable: false },
  { name: 'host', kind: 'string', nullable: false },
  { name: 'path', kind: 'string', nullable: false },
  { name: 'title', kind: 'string', nullable: false },
  { name: 'referrer', kind: 'string', nullable: false },
  { name: 'referrer_domain', kind: 'string', nullable: false },
  { name: 'source', kind: 'string', nullable: false },
  { name: 'utm_source', kind: 'string', nullable: false },
  { name: 'utm_medium', kind: 'string', nullable: false },
  { name: 'utm_campaign', kind: 'string', nullable: false },
  { name: 'utm_term', kind: 'string', nullable: false },
  { name: 'utm_content', kind: 'string', nullable: false },
  { name: 'channel', kind: 'string', nullable: false },
  { name: 'country', kind: 'string', nullable: false },
  { name: 'region', kind: 'string', nullable: false },
  { name: 'city', kind: 'string', nullable: false },
  { name: 'browser', kind: 'string', nullable: false },
  { name: 'browser_version', kind: 'string', nullable: false },
  { name: 'os', kind: 'string', nullable: false },
  { name: 'os_version', kind: 'string', nullable: false },
  { name: 'device_type', kind: 'string', nullable: false },
  { name: 'screen_w', kind: 'int', nullable: true },
  { name: 'screen_h', kind: 'int', nullable: true },
  { name: 'viewport_w', kind: 'int', nullable: true },
  { name: 'viewport_h', kind: 'int', nullable: true },
  { name: 'language', kind: 'string', nullable: false },
  { name: 'timezone', kind: 'string', nullable: false },
  { name: 'props', kind: 'json', nullable: false },
  { name: 'revenue_amount', kind: 'float', nullable: true },
  { name: 'revenue_currency', kind: 'string', nullable: false },
  { name: 'x', kind: 'int', nullable: true },
  { name: 'y', kind: 'int', nullable: true },
  { name: 'selector', kind: 'string', nullable: false },
  { name: 'scroll_depth', kind: 'int', nullable: true },
  { name: 'engaged_ms', kind: 'int', nullable: true },
];

/** An event with every optional field at its empty value; adapters fill in what they know. */
export function emptyEvent(base: Pick<CanonicalEvent, 'event_id' | 'site_id' | 'ts' | 'received_at' | 'name'>): CanonicalEvent {
  // Fields written out, not spread: a spread followed by dozens of properties takes a slow V8 path.
  return {
    event_id: base.event_id,
    site_id: base.site_id,
    ts: base.ts,
    received_at: base.received_at,
    name: base.name,
    visitor_id: '',
    session_id: '',
    user_id: '',
    url: '',
    host: '',
    path: '',
    title: '',
    referrer: '',
    referrer_domain: '',
    source: '',
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
    utm_term: '',
    utm_content: '',
    channel: '',
    country: '',
    region: '',
    city: '',
    browser: '',
    browser_version: '',
    os: '',
    os_version: '',
    device_type: '',
    screen_w: null,
    screen_h: null,
    viewport_w: null,
    viewport_h: null,
    language: '',
    timezone: '',
    props: {},
    revenue_amount: null,
    revenue_currency: '',
    x: null,
    y: null,
    selector: '',
    scroll_depth: null,
    engaged_ms: null,
  };
}

/**
 * Interactive events end a bounce; passive ones (DESIGN §4) do not. `session_start` (MetricPal's automatic
 * marker, sent with no action of the visitor) is passive like `session_end`.
 */
export const PASSIVE_EVENT_NAMES = [
  'page_view',
  'scroll_depth',
  'engagement',
  'page_exit',
  'session_start',
  'session_end',
  'heatmap_click',
  'heatmap_move',
  'heatmap_scroll',
  // Measurements without an action of the visitor (behaviour/): web vitals, script errors, the pointer leaving.
  'page_performance',
  'error_occurred',
  'exit_intent',
  // An experiment's exposure (docs/experiments.md): recorded by the script, not an action of the visitor.
  '$exposure',
] as const;

export const CHANNELS = ['Organic Search', 'Paid Search', 'Social', 'Email', 'Referral', 'Direct', 'Other'] as const;
export type Channel = (typeof CHANNELS)[number];

import { z } from 'zod';

/**
 * Ingestion contracts shared by the collector, the tracker and server-side SDKs. The collector
 * validates every request body with these schemas; an event that fails is quarantined with the
 * issues, the rest of its batch still goes through.
 */

/** Hard limits of the collector; the tracker keeps within them, the collector drops what exceeds them. */
export const INGEST_LIMITS = {
  bodyBytes: 1024 * 1024,
  eventsPerBatch: 500,
  eventBytes: 32 * 1024,
  nameChars: 120,
  props: 50,
  propKeyBytes: 300,
  propValueBytes: 2000,
  urlChars: 2000,
  /** Browser events older than this (after clock-skew correction) are refused. */
  browserMaxAgeMs: 60 * 60 * 1000,
  /** Server-side (API key) events may be historical but not later than now plus this tolerance. */
  serverFutureToleranceMs: 5 * 60 * 1000,
} as const;

/** Epoch milliseconds (seconds are accepted and scaled) or an ISO-8601 date-time string. */
export const timestampInputSchema = z.union([z.number().finite().nonnegative(), z.string().min(1).max(64)]);
export type TimestampInput = z.infer<typeof timestampInputSchema>;

/** A property value as sent; nested values are kept as JSON text by the collector. */
export const propertyValueSchema = z.unknown();
/**
 * Properties as sent: a JSON object, whose values the collector's adapters read one by one. Checked as
 * an object without being copied (a record schema copied every key of every event: 1.8 → 1.3 µs per
 * event for the whole event schema).
 */
export const propertiesSchema = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  error: 'expected an object',
});

const dimension = z.number().int().min(0).max(100_000);
const shortText = (max: number) => z.string().max(max);

// ---------------------------------------------------------------------------------------------
// Native / InsightHub PRD §7.1.1: POST /api/collect
// ---------------------------------------------------------------------------------------------

export const collectContextSchema = z.object({
  screen_width: dimension.nullish(),
  screen_height: dimension.nullish(),
  viewport_width: dimension.nullish(),
  viewport_height: dimension.nullish(),
  timezone: shortText(64).nullish(),
  language: shortText(35).nullish(),
  /** navigator.webdriver as seen by the tracker; true marks automation. */
  webdriver: z.boolean().nullish(),
  /** navigator.maxTouchPoints: tells an iPad or phone asking for the desktop site from a Mac or PC. */
  touch: z.number().int().min(0).max(1000).nullish(),
  /** navigator.userAgentData.mobile (Chromium), from trackers that send it (t.js leaves it to Sec-CH-UA-Mobile). */
  mobile: z.boolean().nullish(),
});

export const collectEventSchema = z.object({
  /** Client-generated UUID; the dedupe key, kept across retries. */
  event_id: z.string().uuid().nullish(),
  name: z.string().min(1),
  timestamp: timestampInputSchema.nullish(),
  properties: propertiesSchema.nullish(),
  context: collectContextSchema.nullish(),
});
export type CollectEvent = z.infer<typeof collectEventSchema>;

/**
 * The request envelope. `events` is checked item by item (see collectEventSchema) so one bad event
 * does not sink its batch.
 */
export const collectBodySchema = z.object({
  /** The site's tracking id, when not sent as X-Site-ID. */
  site_id: z.string().min(1).max(64).nullish(),
  /** Client clock when this attempt was sent (ms); used to correct clock skew. */
  sent_at: timestampInputSchema.nullish(),
  events: z.array(z.unknown()).min(1),
  session: z.object({ id: shortText(128).nullish(), started_at: timestampInputSchema.nullish(), is_new: z.boolean().nullish() }).nullish(),
  visitor: z.object({ id: shortText(128).nullish(), is_new: z.boolean().nullish(), user_id: shortText(300).nullish() }).nullish(),
});
export type CollectBody = z.infer<typeof collectBodySchema>;

// ---------------------------------------------------------------------------------------------
// InsightHub PRD §7.1.2: POST /api/collect/heatmap
// ---------------------------------------------------------------------------------------------

export const heatmapSampleSchema = z.object({
  type: z.enum(['click', 'move', 'scroll']),
  x: z.number().finite().min(0).max(1_000_000).nullish(),
  y: z.number().finite().min(0).max(10_000_000).nullish(),
  element: shortText(300).nullish(),
  depth: z.number().finite().min(0).max(100).nullish(),
  scroll_depth: z.number().finite().min(0).max(100).nullish(),
  timestamp: timestampInputSchema.nullish(),
  event_id: z.string().uuid().nullish(),
});
export type HeatmapSample = z.infer<typeof heatmapSampleSchema>;

export const heatmapBodySchema = z.object({
  site_id: z.string().min(1).max(64).nullish(),
  sent_at: timestampInputSchema.nullish(),
  page_url: z.string().min(1),
  page_url_hash: shortText(64).nullish(),
  viewport: z.object({ width: dimension, height: dimension }).partial().nullish(),
  page_height: z.number().int().min(0).max(10_000_000).nullish(),
  /** The document's width in CSS px (t.heatmap.js sends it): click x becomes a share of it, so layouts of any width line up. */
  page_width: z.number().int().min(1).max(1_000_000).nullish(),
  events: z.array(z.unknown()).min(1).max(500),
  visitor: z.object({ id: shortText(128).nullish() }).nullish(),
  /** On a site with a consent mode: the categories granted, comma-separated (t.heatmap.js sends them; never stored). */
  consent: shortText(100).nullish(),
});
export type HeatmapBody = z.infer<typeof heatmapBodySchema>;

// ---------------------------------------------------------------------------------------------
// MetricPal guide: POST /api/v1/collect and /api/v1/collect/optimized (X-API-Key)
// ---------------------------------------------------------------------------------------------

export const METRICPAL_EVENT_TYPES = [
  'page_view',
  'click',
  'form_submit',
  'identify',
  'scroll',
  'custom',
  'search',
  'session_start',
  'session_end',
  'form_interaction',
  'auto_identify',
  'goal',
  'page_exit',
] as const;

export const metricPalEventSchema = z.object({
  event_id: z.string().uuid().nullish(),
  event_type: z.string().min(1).max(50),
  timestamp: timestampInputSchema.nullish(),
  session_id: shortText(255).nullish(),
  /** The visitor identity in this contract. */
  user_id: shortText(255).nullish(),
  properties: propertiesSchema.nullish(),
});
export type MetricPalEvent = z.infer<typeof metricPalEventSchema>;

export const metricPalCollectBodySchema = z.object({
  /** Needed only with an organization-wide key: the site's tracking id or id. */
  site_id: z.string().min(1).max(64).nullish(),
  /** Privacy mode: e-mail addresses in properties are stored as their SHA-1 (as the MetricPal script does). */
  privacy_mode: z.boolean().nullish(),
  events: z.array(z.unknown()).min(1),
});
export type MetricPalCollectBody = z.infer<typeof metricPalCollectBodySchema>;

/** Optimized contract: action_type → event name (as in the guide); unknown actions become `custom`. */
export const METRICPAL_ACTION_TYPES: Readonly<Record<string, (typeof METRICPAL_EVENT_TYPES)[number]>> = {
  'enter-page': 'page_view',
  onclick: 'click',
  onsubmit: 'form_submit',
  onsearch: 'search',
  identify: 'identify',
  'scroll-depth': 'scroll',
  'end-session': 'session_end',
  custom: 'custom',
};

export const metricPalActionSchema = z.object({
  event_id: z.string().uuid().nullish(),
  timestamp: timestampInputSchema.nullish(),
  action_type: z.string().min(1).max(50),
  url: z.string().nullish(),
  element: z.unknown().optional(),
  text: z.unknown().optional(),
  value: z.unknown().optional(),
  scroll_depth: z.number().finite().min(0).max(100).nullish(),
  properties: propertiesSchema.nullish(),
});
export type MetricPalAction = z.infer<typeof metricPalActionSchema>;

export const metricPalOptimizedBodySchema = z.object({
  customerObject: z
    .object({
      apiKey: shortText(200).nullish(),
      website: shortText(253).nullish(),
      site_id: shortText(64).nullish(),
      privacyMode: z.boolean().nullish(),
    })
    .nullish(),
  userObject: z.object({
    uuid: shortText(255).nullish(),
    sessionData: z.object({ id: shortText(255).nullish() }).nullish(),
    userAgent: shortText(1000).nullish(),
  }),
  actionLog: z.array(z.unknown()).min(1),
});
export type MetricPalOptimizedBody = z.infer<typeof metricPalOptimizedBodySchema>;

/** What every collect endpoint answers on success. */
export interface CollectResponse {
  success: true;
  events_received: number;
}

// ---------------------------------------------------------------------------------------------
// Drop-in collectors: Plausible's Events API (POST /api/event) and Umami's (POST /api/send, /api/batch)
// ---------------------------------------------------------------------------------------------

/** Props as Plausible clients send them: an object, or (plausible-tracker) its JSON text. */
const plausibleProps = z.union([propertiesSchema, z.string().max(INGEST_LIMITS.bodyBytes)]);
/** Revenue `{amount, currency}`; older scripts send it as JSON text. */
const plausibleRevenue = z.union([
  z.object({ amount: z.union([z.number().finite(), z.string().max(40)]), currency: z.string().max(10) }),
  z.string().max(200),
]);

/**
 * One Plausible event, short or long field names (`n`/`name`, `u`/`url`, `d`/`domain`, `r`/`referrer`,
 * `p`/`props`/`m`/`meta`, `$`/`revenue`, `i`/`interactive`, `h`/`hashMode`); `engagement` events carry
 * `sd` (scroll depth %) and `e` (engaged ms). Unknown fields (`v`, the script version) are ignored.
 */
export const plausibleEventSchema = z.object({
  n: z.string().max(1000).nullish(),
  name: z.string().max(1000).nullish(),
  u: z
    .string()
    .max(INGEST_LIMITS.urlChars * 2)
    .nullish(),
  url: z
    .string()
    .max(INGEST_LIMITS.urlChars * 2)
    .nullish(),
  d: z.string().max(1000).nullish(),
  domain: z.string().max(1000).nullish(),
  r: z
    .string()
    .max(INGEST_LIMITS.urlChars * 2)
    .nullish(),
  referrer: z
    .string()
    .max(INGEST_LIMITS.urlChars * 2)
    .nullish(),
  p: plausibleProps.nullish(),
  props: plausibleProps.nullish(),
  m: plausibleProps.nullish(),
  meta: plausibleProps.nullish(),
  $: plausibleRevenue.nullish(),
  revenue: plausibleRevenue.nullish(),
  i: z.boolean().nullish(),
  interactive: z.boolean().nullish(),
  h: z.union([z.number(), z.boolean()]).nullish(),
  hashMode: z.union([z.number(), z.boolean()]).nullish(),
  w: dimension.nullish(),
  sd: z.number().finite().min(0).max(100).nullish(),
  e: z
    .number()
    .finite()
    .min(0)
    .max(7 * 86_400_000)
    .nullish(),
});
export type PlausibleEvent = z.infer<typeof plausibleEventSchema>;

/**
 * The envelope of a drop-in body once the collector has brought it to our shape: what names the site
 * (`site_ref`: Plausible's domain, Umami's website id) and the events, each validated by the adapter
 * (invalid ones are quarantined).
 */
const dropinEnvelope = (maxEvents: number) =>
  z.object({ site_ref: z.string().max(1000).nullable(), events: z.array(z.unknown()).min(1).max(maxEvents) });

/** `POST /api/event`: Plausible's body is one event. */
export const plausibleBodySchema = dropinEnvelope(1);

export const UMAMI_TYPES = ['event', 'identify'] as const;

/** Umami's payload (`website` is the site's Umami website id; `timestamp` in epoch seconds). */
export const umamiPayloadSchema = z.object({
  website: z.string().min(1).max(64),
  hostname: z.string().max(253).nullish(),
  url: z.string().max(INGEST_LIMITS.urlChars).nullish(),
  referrer: z.string().max(INGEST_LIMITS.urlChars).nullish(),
  title: z.string().max(2000).nullish(),
  name: z.string().max(INGEST_LIMITS.nameChars).nullish(),
  data: propertiesSchema.nullish(),
  language: z.string().max(35).nullish(),
  screen: z.string().max(20).nullish(),
  /** Umami's distinct id (set by `identify`): our user id. */
  id: z.string().max(300).nullish(),
  tag: z.string().max(50).nullish(),
  timestamp: z.number().finite().nonnegative().nullish(),
});
export type UmamiPayload = z.infer<typeof umamiPayloadSchema>;

export const umamiItemSchema = z.object({ type: z.enum(UMAMI_TYPES), payload: umamiPayloadSchema });
export type UmamiItem = z.infer<typeof umamiItemSchema>;

/** `POST /api/send`: one `{type, payload}`. */
export const umamiSendBodySchema = dropinEnvelope(1);
/** `POST /api/batch`: a JSON array of `{type, payload}`. */
export const umamiBatchBodySchema = dropinEnvelope(INGEST_LIMITS.eventsPerBatch);

import { z } from 'zod';
import { propertiesSchema, timestampInputSchema } from './ingest-contracts';

/**
 * Contracts other clients already speak: the Segment HTTP tracking API (Segment, RudderStack and
 * Jitsu-classic server libraries), the Universal Site Tracking `evt_*` events and the TechStore
 * tracker's `POST /api/analytics/track`. Envelopes are checked whole; events one by one by the
 * collector's adapters, so one bad event is quarantined and the rest still go through.
 */

const shortText = (max: number) => z.string().max(max);
/** Ids clients send as strings; some libraries historically send numbers, read as their text. */
const idSchema = z.union([z.string().max(300), z.number().finite().transform(String)]);

// ---------------------------------------------------------------------------------------------
// Segment-compatible: POST /v1/batch, /v1/track|identify|page|screen|group|alias
// ---------------------------------------------------------------------------------------------

export const SEGMENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

export const segmentMessageSchema = z.object({
  type: z.enum(SEGMENT_TYPES),
  /** The dedupe key: a retried message keeps it. */
  messageId: shortText(300).nullish(),
  userId: idSchema.nullish(),
  anonymousId: idSchema.nullish(),
  /** track: the event name. */
  event: z.string().min(1).max(300).nullish(),
  /** page/screen: the page or screen name; page: its category. */
  name: shortText(300).nullish(),
  category: shortText(300).nullish(),
  properties: propertiesSchema.nullish(),
  traits: propertiesSchema.nullish(),
  groupId: idSchema.nullish(),
  previousId: idSchema.nullish(),
  context: propertiesSchema.nullish(),
  timestamp: timestampInputSchema.nullish(),
  originalTimestamp: timestampInputSchema.nullish(),
  sentAt: timestampInputSchema.nullish(),
  integrations: z.unknown().optional(),
});
export type SegmentMessage = z.infer<typeof segmentMessageSchema>;

export const segmentBatchBodySchema = z.object({
  batch: z.array(z.unknown()).min(1),
  /** The write key, when not sent as `Authorization: Basic base64(writeKey:)`. */
  writeKey: shortText(300).nullish(),
  sentAt: timestampInputSchema.nullish(),
  /** Merged under each message's own context (Segment's batch-level context). */
  context: propertiesSchema.nullish(),
});
export type SegmentBatchBody = z.infer<typeof segmentBatchBodySchema>;

// ---------------------------------------------------------------------------------------------
// Universal Site Tracking §4: POST /api/tracking/events (one evt_* event, or an array)
// ---------------------------------------------------------------------------------------------

export const UNIVERSAL_EVENT_TYPES = [
  'page_view',
  'item_interaction',
  'transaction_step',
  'contact_interaction',
  'scroll_depth',
  'click',
] as const;

/**
 * One `evt_*` event. Only the types are checked here; the contract's own rules (evt_type required,
 * item_interaction needs evt_label, transaction_step needs evt_action) are the adapter's, with the
 * contract's messages. Other keys are the event's custom properties.
 */
export const universalEventSchema = z.looseObject({
  evt_type: z.string().max(50).nullish(),
  evt_category: shortText(50).nullish(),
  evt_action: shortText(50).nullish(),
  evt_label: shortText(255).nullish(),
  evt_value: z
    .union([
      z.number().finite(),
      z
        .string()
        .regex(/^-?\d+(\.\d+)?$/)
        .max(30),
    ])
    .nullish(),
  page_url: shortText(2000).nullish(),
  page_title: shortText(2000).nullish(),
  session_id: shortText(255).nullish(),
  event_timestamp: timestampInputSchema.nullish(),
  tenantId: idSchema.nullish(),
  tenant_id: idSchema.nullish(),
});
export type UniversalEvent = z.infer<typeof universalEventSchema>;

/** The request as the collector sees it once a single event is wrapped: `{site_id, events}`. */
export const universalBodySchema = z.object({
  site_id: z.string().min(1).max(255).nullish(),
  events: z.array(z.unknown()).min(1),
});
export type UniversalBody = z.infer<typeof universalBodySchema>;

export const universalAnalyticsRequestSchema = z.object({
  tenantId: z.string().min(1).max(255).optional(),
  tenant_id: z.string().min(1).max(255).optional(),
  dateFrom: z.string().max(40).optional(),
  dateTo: z.string().max(40).optional(),
});

// ---------------------------------------------------------------------------------------------
// TechStore PRD §2.4.2: POST /api/analytics/track
// ---------------------------------------------------------------------------------------------

export const techStoreTrackSchema = z.object({
  event: z.string().min(1).max(120),
  properties: propertiesSchema.nullish(),
  timestamp: timestampInputSchema.nullish(),
  session_id: idSchema.nullish(),
  user_id: idSchema.nullish(),
  event_id: z.string().uuid().nullish(),
});
export type TechStoreTrack = z.infer<typeof techStoreTrackSchema>;

/** The tracker sends one event a request; the collector wraps it as `{site_id, events: [it]}`. */
export const techStoreBodySchema = z.object({
  site_id: z.string().min(1).max(64).nullish(),
  events: z.array(z.unknown()).min(1),
});
export type TechStoreBody = z.infer<typeof techStoreBodySchema>;

/**
 * TechStore event names → canonical names, where one exists (docs/contracts.md). Other names are
 * kept as sent; a renamed event keeps its original name in the `techstore_event` property.
 */
export const TECHSTORE_EVENT_NAMES: Readonly<Record<string, string>> = {
  page_viewed: 'page_view',
  pageview: 'page_view',
  page_scrolled: 'scroll_depth',
  scroll_milestone: 'scroll_depth',
  search_performed: 'search',
  contact_info_submitted: 'form_submit',
};

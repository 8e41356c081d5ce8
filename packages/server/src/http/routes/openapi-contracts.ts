import { z } from 'zod';
import {
  errorBodySchema,
  segmentBatchBodySchema,
  segmentMessageSchema,
  techStoreTrackSchema,
  universalAnalyticsRequestSchema,
  universalEventSchema,
} from '@tidemark/core';
import type { OpenApiSection } from './openapi-document';

const segmentOk = z.object({ success: z.literal(true) }).meta({ id: 'SegmentAccepted' });
const universalOk = z
  .object({
    success: z.literal(true),
    message: z.string(),
    data: z.object({
      session_id: z.string().describe("The first event's session_id, else sess_<epoch seconds>"),
      events_processed: z.number().int().describe('Events stored'),
      events_rejected: z.number().int().optional().describe('Events quarantined (invalid) or filtered (bots, privacy signals …)'),
      timestamp: z.string(),
    }),
  })
  .meta({ id: 'UniversalTrackingAccepted' });
const universalAnalytics = z
  .object({
    success: z.literal(true),
    message: z.string(),
    data: z.object({
      totalSessions: z.number().int(),
      uniqueVisitors: z.number().int(),
      totalEvents: z.number().int(),
      itemInteractions: z.number().int(),
      completedTransactions: z.number().int().describe('Sessions with a transaction_step whose evt_action is complete'),
      contactInteractions: z.number().int(),
      avgSessionDurationMinutes: z.number(),
      totalConversionValue: z.number().describe('Sum of evt_value'),
      dateRange: z.object({ from: z.string(), to: z.string() }),
    }),
  })
  .meta({ id: 'UniversalTrackingAnalytics' });
const trackingTest = z
  .object({
    success: z.literal(true),
    message: z.string(),
    data: z.object({
      tracking_endpoint: z.string(),
      analytics_endpoint: z.string(),
      timestamp: z.string(),
      status: z.string(),
      tenant_support: z.string(),
      industry_support: z.string(),
      supported_events: z.array(z.string()),
    }),
  })
  .meta({ id: 'UniversalTrackingTest' });
const collectOk = z.object({ success: z.literal(true), events_received: z.number().int(), events_rejected: z.number().int().optional() });

/**
 * The collection contracts other clients speak: Segment-compatible `/v1/*` (write key by Basic auth),
 * Universal Site Tracking `/api/tracking/*` (tracking id; analytics by API key or session) and
 * TechStore `/api/analytics/track` (tracking id from a browser, X-API-Key from a backend).
 */
export const contractsOpenApi: OpenApiSection = (t) => {
  const error = t.schema('Error', errorBodySchema, 'output');
  const failure = (description: string) => ({ description, content: { 'application/json': { schema: error } } });
  const more = {
    413: failure('More than 500 events in one request'),
    503: failure('Ingestion overloaded or restarting; retry (Retry-After)'),
  };
  const body = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } });
  const segmentMessage = t.schema('SegmentMessage', segmentMessageSchema, 'input');
  const segmentOp = (path: string) => ({
    post: {
      tags: ['Collection'],
      summary: path === '/v1/batch' ? 'Segment-compatible batch' : `Segment-compatible ${path.slice(4)} message`,
      description:
        'For Segment, RudderStack and Jitsu-classic server libraries. The write key is a Tidemark API key with the "write" permission scoped to one site ' +
        '(an organization-wide key names the site with X-Site-ID): `Authorization: Basic base64(writeKey:)`, or `writeKey` in the body. `messageId` is the ' +
        'dedupe key; `timestamp` (else `originalTimestamp`) may be historical. Messages without userId/anonymousId are quarantined; 400 when none is valid. ' +
        'Bodies may be gzip or deflate encoded.',
      // The write key travels as HTTP Basic credentials, not as one of the document's bearer or cookie schemes.
      security: [],
      requestBody: body(path === '/v1/batch' ? t.schema('SegmentBatch', segmentBatchBodySchema, 'input') : segmentMessage),
      responses: { 200: t.json(t.schema('SegmentAccepted', segmentOk, 'output')), ...t.errors(400, 401, 403, 429), ...more },
    },
  });
  const paths: Record<string, unknown> = {};
  for (const p of ['/v1/batch', '/v1/track', '/v1/identify', '/v1/page', '/v1/screen', '/v1/group', '/v1/alias']) paths[p] = segmentOp(p);

  const universalEvent = t.schema('UniversalTrackingEvent', universalEventSchema, 'input');
  const trackEvents = {
    post: {
      tags: ['Collection'],
      summary: 'Universal Site Tracking events',
      description:
        "One evt_* event or an array of them; `tenantId`/`tenant_id` is the site's tracking id (or X-Site-ID). Events failing the contract's rules are " +
        'quarantined with its messages (Missing evt_type; Item interaction missing item identifier; Transaction step missing action; Invalid tenant_id); ' +
        '400 when none is valid. Errors also carry `message`, `error_code` (TRACKING_ERROR) and `debug_info`.',
      security: [],
      requestBody: body({ oneOf: [universalEvent, { type: 'array', items: universalEvent }] }),
      responses: { 200: t.json(t.schema('UniversalTrackingAccepted', universalOk, 'output')), ...t.errors(400, 403, 404, 429), ...more },
    },
  };
  paths['/api/tracking/events'] = trackEvents;
  paths['/api/tracking/events.js'] = trackEvents;
  const analyticsResponses = {
    200: t.json(t.schema('UniversalTrackingAnalytics', universalAnalytics, 'output')),
    ...t.errors(400, 401, 403, 404, 429),
  };
  paths['/api/tracking/analytics'] = {
    get: {
      tags: ['Public API'],
      summary: 'Universal Site Tracking analytics',
      description:
        'dateFrom/dateTo: local dates in the site timezone (default: the 30 days up to today). Errors also carry error_code ANALYTICS_ERROR.',
      parameters: t.parameters(universalAnalyticsRequestSchema),
      responses: analyticsResponses,
    },
    post: {
      tags: ['Public API'],
      summary: 'Universal Site Tracking analytics (JSON body)',
      requestBody: body(t.schema('UniversalTrackingAnalyticsRequest', universalAnalyticsRequestSchema, 'input')),
      responses: analyticsResponses,
    },
  };
  const test = {
    tags: ['Collection'],
    summary: 'Universal Site Tracking health check',
    security: [],
    responses: { 200: t.json(t.schema('UniversalTrackingTest', trackingTest, 'output')) },
  };
  for (const p of ['/api/tracking/test', '/api/tracking/test.js']) paths[p] = { get: test, post: test };

  paths['/api/analytics/track'] = {
    post: {
      tags: ['Collection'],
      summary: 'TechStore track',
      description:
        'The site by X-Site-ID (or site_id) from a page of the site, or by X-API-Key (write permission) from a backend, whose timestamps may be historical. ' +
        'page_viewed → page_view, page_scrolled/scroll_milestone → scroll_depth, search_performed → search, contact_info_submitted → form_submit; other names are kept.',
      security: [],
      requestBody: body(t.schema('TechStoreTrack', techStoreTrackSchema, 'input')),
      responses: { 202: t.json(t.schema('CollectAccepted', collectOk, 'output')), ...t.errors(400, 401, 403, 404, 429), ...more },
    },
  };
  return paths;
};

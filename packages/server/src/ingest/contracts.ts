import {
  badRequest,
  collectBodySchema,
  heatmapBodySchema,
  INGEST_LIMITS,
  metricPalCollectBodySchema,
  metricPalOptimizedBodySchema,
  parseInput,
  plausibleBodySchema,
  segmentBatchBodySchema,
  techStoreBodySchema,
  TidemarkError,
  umamiBatchBodySchema,
  umamiSendBodySchema,
  universalBodySchema,
} from '@tidemark/core';
import type { ZodType } from 'zod';
import { adaptHeatmap } from './adapters/heatmap';
import { adaptInsightHub } from './adapters/insighthub';
import { adaptMetricPal, adaptMetricPalOptimized } from './adapters/metricpal';
import { adaptPlausible, plausibleSiteRef } from './adapters/plausible';
import { adaptSegment } from './adapters/segment';
import type { AdaptedEvents } from './adapters/shared';
import { adaptTechStore } from './adapters/techstore';
import { adaptUmami, umamiSiteRef } from './adapters/umami';
import { adaptUniversal } from './adapters/universal';
import type { ContractName, SegmentContract } from './types';

/** What an adapter needs besides the body. */
export interface AdaptInput {
  siteId: string;
  receivedAt: number;
  /** X-Visitor-ID of a browser request ('' when absent). */
  visitorHeader: string;
  /** The site's tracking id (contracts whose events name their site check it). */
  trackingId: string;
  /** The page the request came from (Referer, else Origin), for contracts whose events may omit it; '' when unknown. */
  pageHeader: string;
  /** The site's domain and Umami website id (drop-in contracts check what their events name). */
  siteDomain: string;
  umamiWebsiteId: string;
}

export type ContractAdapted = AdaptedEvents & { webdriver?: boolean };

interface Contract {
  /** The envelope (events stay unknown: each is validated on its own by the adapter). */
  envelope: ZodType;
  /** Where the envelope keeps its events. */
  items: 'events' | 'actionLog' | 'batch';
  /**
   * Brings a body of another shape to the envelope (a single message, an array of events); the
   * JSON as sent is what the raw store keeps. Without it, the body must be a JSON object.
   */
  normalize?(json: unknown): Record<string, unknown>;
  adapt(body: never, input: AdaptInput): ContractAdapted;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function segmentContract(contract: SegmentContract): Contract {
  const type = contract.slice('segment.'.length);
  return {
    items: 'batch',
    envelope: segmentBatchBodySchema,
    // A single-message endpoint takes the message itself; its path names its type.
    normalize:
      type === 'batch'
        ? (json) => objectBody(json)
        : (json) => {
            const m = objectBody(json);
            return { batch: [{ ...m, type }], writeKey: m.writeKey, sentAt: m.sentAt };
          },
    adapt: (body: Parameters<typeof adaptSegment>[0], i: AdaptInput) => adaptSegment(body, i.siteId, i.receivedAt),
  };
}

/** One event or an array of them, the tenant (and session) named by the body or its first event. */
function universalEnvelope(json: unknown): Record<string, unknown> {
  const o = Array.isArray(json) ? {} : objectBody(json);
  const events = Array.isArray(json) ? json : Array.isArray(o.events) ? o.events : [o];
  const first = isObject(events[0]) ? events[0] : {};
  // Numeric tenant ids are read as their text, as the spec's `->>` does.
  const pick = (a: string, b: string) => {
    const v = o[a] ?? o[b] ?? first[a] ?? first[b];
    return typeof v === 'number' ? String(v) : v;
  };
  return { site_id: pick('tenantId', 'tenant_id'), session_id: pick('session_id', 'sessionId'), events };
}

/** Each ingestion contract: its envelope schema and its adapter to pre-events. */
export const CONTRACTS: Readonly<Record<ContractName, Contract>> = {
  'insighthub.collect': {
    items: 'events',
    envelope: collectBodySchema,
    adapt: (body: Parameters<typeof adaptInsightHub>[0], i: AdaptInput) => adaptInsightHub(body, i.siteId, i.receivedAt, i.visitorHeader),
  },
  'insighthub.heatmap': {
    items: 'events',
    envelope: heatmapBodySchema,
    adapt: (body: Parameters<typeof adaptHeatmap>[0], i: AdaptInput) => adaptHeatmap(body, i.siteId, i.receivedAt),
  },
  'metricpal.v1.collect': {
    items: 'events',
    envelope: metricPalCollectBodySchema,
    adapt: (body: Parameters<typeof adaptMetricPal>[0], i: AdaptInput) => adaptMetricPal(body, i.siteId, i.receivedAt),
  },
  'metricpal.v1.optimized': {
    items: 'actionLog',
    envelope: metricPalOptimizedBodySchema,
    adapt: (body: Parameters<typeof adaptMetricPalOptimized>[0], i: AdaptInput) => adaptMetricPalOptimized(body, i.siteId, i.receivedAt),
  },
  'segment.batch': segmentContract('segment.batch'),
  'segment.track': segmentContract('segment.track'),
  'segment.identify': segmentContract('segment.identify'),
  'segment.page': segmentContract('segment.page'),
  'segment.screen': segmentContract('segment.screen'),
  'segment.group': segmentContract('segment.group'),
  'segment.alias': segmentContract('segment.alias'),
  'universal.tracking': {
    items: 'events',
    envelope: universalBodySchema,
    normalize: universalEnvelope,
    adapt: (body: Parameters<typeof adaptUniversal>[0], i: AdaptInput) => adaptUniversal(body, i),
  },
  'techstore.track': {
    items: 'events',
    envelope: techStoreBodySchema,
    // The tracker sends one event a request: {event, properties, timestamp, session_id, user_id}.
    normalize: (json) => {
      const o = objectBody(json);
      return { site_id: o.site_id, events: [o] };
    },
    adapt: (body: Parameters<typeof adaptTechStore>[0], i: AdaptInput) => adaptTechStore(body, i),
  },
  // Drop-in collectors: the body names its site by another tool's reference (site_ref).
  'plausible.event': {
    items: 'events',
    envelope: plausibleBodySchema,
    normalize: (json) => {
      const o = objectBody(json);
      return { site_ref: plausibleSiteRef(o), events: [o] };
    },
    adapt: (body: { events: unknown[] }, i: AdaptInput) => adaptPlausible(body.events[0], i),
  },
  'umami.send': {
    items: 'events',
    envelope: umamiSendBodySchema,
    normalize: (json) => {
      const o = objectBody(json);
      return { site_ref: umamiSiteRef([o]), events: [o] };
    },
    adapt: (body: { events: unknown[] }, i: AdaptInput) => adaptUmami(body.events, i),
  },
  'umami.batch': {
    items: 'events',
    envelope: umamiBatchBodySchema,
    normalize: (json) => {
      if (!Array.isArray(json)) throw badRequest('invalid_json', 'The request body must be a JSON array');
      return { site_ref: umamiSiteRef(json), events: json };
    },
    adapt: (body: { events: unknown[] }, i: AdaptInput) => adaptUmami(body.events, i),
  },
};

/** Maps an envelope the route validated with the contract's schema to pre-events. */
export function adaptContract(contract: ContractName, body: unknown, input: AdaptInput): ContractAdapted {
  return CONTRACTS[contract].adapt(body as never, input);
}

/** What a route needs from a body before it knows the site (the key and site fields, the event count). */
export interface AdmissionFields {
  /** `site_id` of the body, when it is a string. */
  siteId: string | null;
  /** `customerObject.apiKey` and `customerObject.site_id` (MetricPal optimized contract). */
  customerApiKey: string | null;
  customerSiteId: string | null;
  /** `writeKey` of the body (Segment-compatible contract). */
  writeKey: string | null;
  /** The client's `session_id` of the body or its first event (Universal Site Tracking answers with it). */
  sessionId: string | null;
  /** Events of a valid envelope (0 otherwise). */
  count: number;
  /** `sent_at` of a valid envelope, as sent. */
  sentAt: number | string | null;
  /** What names the site in a drop-in contract's body (Plausible domain, Umami website id). */
  siteRef: string | null;
}

export interface ParsedBody {
  /** The body as sent, parsed. */
  json: unknown;
  /** The envelope as its schema returned it; null when `problem` is set. */
  body: unknown;
  fields: AdmissionFields;
  /**
   * What is wrong with the envelope (413 too many events, 400 invalid), raised by the route where its
   * contract checks the envelope: after the API key for the key-authenticated contracts.
   */
  problem: TidemarkError | null;
}

/** The body as JSON, or a 400. */
export function parseJson(raw: string): unknown {
  if (!raw.trim()) throw badRequest('invalid_json', 'The request body is empty; expected JSON');
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest('invalid_json', 'The request body is not valid JSON');
  }
}

function objectBody(v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw badRequest('invalid_json', 'The request body must be a JSON object');
  return v;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Reads a collection body: parses it (400 when it is not a JSON object), then checks its envelope. */
export function parseBody(contract: ContractName, raw: string): ParsedBody {
  const c = CONTRACTS[contract];
  const parsed = parseJson(raw);
  const json = c.normalize ? c.normalize(parsed) : objectBody(parsed);
  const customer = json.customerObject && typeof json.customerObject === 'object' ? (json.customerObject as Record<string, unknown>) : {};
  const fields: AdmissionFields = {
    siteId: text(json.site_id),
    customerApiKey: text(customer.apiKey),
    customerSiteId: text(customer.site_id),
    writeKey: text(json.writeKey),
    sessionId: text(json.session_id),
    count: 0,
    sentAt: null,
    siteRef: text(json.site_ref),
  };
  const items = json[c.items];
  // More events than a batch may hold is refused whole, before any of them is looked at.
  if (Array.isArray(items) && items.length > INGEST_LIMITS.eventsPerBatch) {
    const problem = new TidemarkError(
      413,
      'too_many_events',
      `At most ${INGEST_LIMITS.eventsPerBatch} events per request (got ${items.length})`,
    );
    return { json: parsed, body: null, fields, problem };
  }
  try {
    const body = parseInput(c.envelope, json) as Record<string, unknown>;
    fields.count = (body[c.items] as unknown[]).length;
    const sentAt = body.sent_at;
    fields.sentAt = typeof sentAt === 'number' || typeof sentAt === 'string' ? sentAt : null;
    return { json: parsed, body, fields, problem: null };
  } catch (err) {
    if (!(err instanceof TidemarkError)) throw err;
    return { json: parsed, body: null, fields, problem: err };
  }
}

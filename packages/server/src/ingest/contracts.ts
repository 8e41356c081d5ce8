import {
  badRequest,
  collectBodySchema,
  heatmapBodySchema,
  INGEST_LIMITS,
  metricPalCollectBodySchema,
  metricPalOptimizedBodySchema,
  parseInput,
  plausibleBodySchema,
  TidemarkError,
  umamiBatchBodySchema,
  umamiSendBodySchema,
} from '@tidemark/core';
import type { ZodType } from 'zod';
import { adaptHeatmap } from './adapters/heatmap';
import { adaptInsightHub } from './adapters/insighthub';
import { adaptMetricPal, adaptMetricPalOptimized } from './adapters/metricpal';
import { adaptPlausible, plausibleSiteRef } from './adapters/plausible';
import { adaptUmami, umamiSiteRef } from './adapters/umami';
import type { AdaptedEvents } from './adapters/shared';
import type { ContractName } from './types';

/** What an adapter needs besides the body. */
export interface AdaptInput {
  siteId: string;
  receivedAt: number;
  /** X-Visitor-ID of a browser request ('' when absent). */
  visitorHeader: string;
  /** The site's domain and Umami website id (drop-in contracts check what their events name). */
  siteDomain: string;
  umamiWebsiteId: string;
}

export type ContractAdapted = AdaptedEvents & { webdriver?: boolean };

interface Contract {
  /** The envelope (events stay unknown: each is validated on its own by the adapter). */
  envelope: ZodType;
  /** Where the envelope keeps its events: a field, or `self` for one-event bodies, `array` for a JSON array body. */
  items: 'events' | 'actionLog' | 'self' | 'array';
  /** What names the site in a drop-in body (Plausible's domain, Umami's website id). */
  siteRef?: (json: unknown) => string | null;
  adapt(body: never, input: AdaptInput): ContractAdapted;
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
  'plausible.event': {
    items: 'self',
    envelope: plausibleBodySchema,
    siteRef: plausibleSiteRef,
    adapt: (body: unknown, i: AdaptInput) => adaptPlausible(body, i),
  },
  'umami.send': {
    items: 'self',
    envelope: umamiSendBodySchema,
    siteRef: (json) => umamiSiteRef([json]),
    adapt: (body: unknown, i: AdaptInput) => adaptUmami([body], i),
  },
  'umami.batch': {
    items: 'array',
    envelope: umamiBatchBodySchema,
    siteRef: (json) => (Array.isArray(json) ? umamiSiteRef(json) : null),
    adapt: (body: unknown[], i: AdaptInput) => adaptUmami(body, i),
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
  /** Events of a valid envelope (0 otherwise). */
  count: number;
  /** `sent_at` of a valid envelope, as sent. */
  sentAt: number | string | null;
  /** What names the site in a drop-in contract's body (Plausible domain, Umami website id). */
  siteRef: string | null;
}

export interface ParsedBody {
  /** A JSON object (a JSON array for contracts whose body is one). */
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

/** The body as a JSON object, or a 400. */
export function parseJsonObject(raw: string): Record<string, unknown> {
  return parseJson(raw, false) as Record<string, unknown>;
}

/** The body as a JSON object (or array, when `array`), or a 400. */
function parseJson(raw: string, array: boolean): Record<string, unknown> | unknown[] {
  const expected = array ? 'a JSON array' : 'a JSON object';
  if (!raw.trim()) throw badRequest('invalid_json', `The request body is empty; expected ${expected}`);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw badRequest('invalid_json', 'The request body is not valid JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v) !== array)
    throw badRequest('invalid_json', `The request body must be ${expected}`);
  return v as Record<string, unknown> | unknown[];
}

function itemsOf(c: Contract, json: unknown): unknown {
  if (c.items === 'self') return [json];
  if (c.items === 'array') return json;
  return (json as Record<string, unknown>)[c.items];
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Reads a collection body: parses it (400 when it is not a JSON object), then checks its envelope. */
export function parseBody(contract: ContractName, raw: string): ParsedBody {
  const c = CONTRACTS[contract];
  const parsed = parseJson(raw, c.items === 'array');
  const obj: Record<string, unknown> = Array.isArray(parsed) ? {} : parsed;
  const customer = obj.customerObject && typeof obj.customerObject === 'object' ? (obj.customerObject as Record<string, unknown>) : {};
  const fields: AdmissionFields = {
    siteId: c.siteRef ? null : text(obj.site_id),
    customerApiKey: text(customer.apiKey),
    customerSiteId: text(customer.site_id),
    count: 0,
    sentAt: null,
    siteRef: c.siteRef ? c.siteRef(parsed) : null,
  };
  const json = parsed;
  const items = itemsOf(c, parsed);
  // More events than a batch may hold is refused whole, before any of them is looked at.
  if (Array.isArray(items) && items.length > INGEST_LIMITS.eventsPerBatch) {
    const problem = new TidemarkError(
      413,
      'too_many_events',
      `At most ${INGEST_LIMITS.eventsPerBatch} events per request (got ${items.length})`,
    );
    return { json, body: null, fields, problem };
  }
  try {
    const body = parseInput(c.envelope, json) as Record<string, unknown>;
    fields.count = (itemsOf(c, body) as unknown[]).length;
    const sentAt = c.siteRef ? undefined : body.sent_at;
    fields.sentAt = typeof sentAt === 'number' || typeof sentAt === 'string' ? sentAt : null;
    return { json, body, fields, problem: null };
  } catch (err) {
    if (!(err instanceof TidemarkError)) throw err;
    return { json, body: null, fields, problem: err };
  }
}

import { collectBodySchema, heatmapBodySchema, metricPalCollectBodySchema, metricPalOptimizedBodySchema } from '@tidemark/core';
import type { ZodType } from 'zod';
import { adaptHeatmap } from './adapters/heatmap';
import { adaptInsightHub } from './adapters/insighthub';
import { adaptMetricPal, adaptMetricPalOptimized } from './adapters/metricpal';
import type { AdaptedEvents } from './adapters/shared';
import type { ContractName } from './types';

/** What an adapter needs besides the body. */
export interface AdaptInput {
  siteId: string;
  receivedAt: number;
  /** X-Visitor-ID of a browser request ('' when absent). */
  visitorHeader: string;
}

export type ContractAdapted = AdaptedEvents & { webdriver?: boolean };

interface Contract {
  /** The envelope (events stay unknown: each is validated on its own by the adapter). */
  envelope: ZodType;
  adapt(body: never, input: AdaptInput): ContractAdapted;
}

/** Each ingestion contract: its envelope schema and its adapter to pre-events. */
export const CONTRACTS: Readonly<Record<ContractName, Contract>> = {
  'insighthub.collect': {
    envelope: collectBodySchema,
    adapt: (body: Parameters<typeof adaptInsightHub>[0], i: AdaptInput) => adaptInsightHub(body, i.siteId, i.receivedAt, i.visitorHeader),
  },
  'insighthub.heatmap': {
    envelope: heatmapBodySchema,
    adapt: (body: Parameters<typeof adaptHeatmap>[0], i: AdaptInput) => adaptHeatmap(body, i.siteId, i.receivedAt),
  },
  'metricpal.v1.collect': {
    envelope: metricPalCollectBodySchema,
    adapt: (body: Parameters<typeof adaptMetricPal>[0], i: AdaptInput) => adaptMetricPal(body, i.siteId, i.receivedAt),
  },
  'metricpal.v1.optimized': {
    envelope: metricPalOptimizedBodySchema,
    adapt: (body: Parameters<typeof adaptMetricPalOptimized>[0], i: AdaptInput) => adaptMetricPalOptimized(body, i.siteId, i.receivedAt),
  },
};

/** Maps an envelope the route validated with the contract's schema to pre-events. */
export function adaptContract(contract: ContractName, body: unknown, input: AdaptInput): ContractAdapted {
  return CONTRACTS[contract].adapt(body as never, input);
}

/**
 * The envelope of a raw body that already passed the route's checks once (a collector thread reads the
 * body again rather than receive the parsed object: parsing is cheaper than copying it across threads).
 */
export function rereadEnvelope(contract: ContractName, raw: string): { json: unknown; body: unknown } {
  const json: unknown = JSON.parse(raw);
  return { json, body: CONTRACTS[contract].envelope.parse(json) };
}

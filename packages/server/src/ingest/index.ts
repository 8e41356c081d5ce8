export {
  Collector,
  type Admission,
  type AdmittedRequest,
  type BatchSink,
  type CollectRequest,
  type CollectOutcome,
  type IngestCollector,
} from './collector';
export { ThreadCollector } from './thread/thread-collector';
export type { AdmissionFields } from './contracts';
export { openIngestServices } from './services';
export { PIPELINE, runPipeline, type PipelineResult, type DroppedEvent } from './pipeline';
export { CollectRateLimiter, type CollectLimits } from './rate-limit';
export { withQuarantineBudget } from './quarantine-budget';
export { withDropTally, type DropTallySink } from './drop-tally';
export { Drop, DROP_REASONS, type DropReason, type DropIssue } from './drop';
export type {
  ContractName,
  SegmentContract,
  Trust,
  PreEvent,
  RequestContext,
  RequestSignals,
  IngestServices,
  NamedStep,
  Step,
} from './types';
export { adaptInsightHub } from './adapters/insighthub';
export { adaptHeatmap } from './adapters/heatmap';
export { adaptMetricPal, adaptMetricPalOptimized } from './adapters/metricpal';
export { adaptSegment, segmentEventId } from './adapters/segment';
export { adaptUniversal } from './adapters/universal';
export { adaptTechStore, techStoreName } from './adapters/techstore';
export type { AdaptedEvents, RejectedEvent } from './adapters/shared';
export { parseTimestamp } from './adapters/shared';
export { SaltKeeper, utcDay, type SaltPair } from './lib/salts';
export { siteRules, normalizeHost, compilePathPattern } from './lib/site-rules';
export { MemorySessionCache, type SessionCache, type SessionEntry } from './lib/session-cache';
export { geoDisabled, noGeoLookup, openGeoLookup, type GeoLookup, type GeoInfo } from './lib/geo';
export { UserAgentCache } from './lib/user-agent';
export type { ClientHints } from './lib/device';
export { uuidv7, uuidv7From } from './lib/uuid';
export type { CollectedRevenue, CollectedIdentity, RevenueRefs } from './revenue-refs';
export { channelFor } from './steps/channel';
export { referrerDomain } from './steps/referrer';
export { sourceForHost } from './lib/sources';

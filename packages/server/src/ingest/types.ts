import type { CanonicalEvent } from '@tidemark/core';
import type { SiteRecord } from '../meta';
import type { Drop } from './drop';
import type { UserAgentCache } from './lib/user-agent';
import type { ClientHints } from './lib/device';
import type { GeoLookup } from './lib/geo';
import type { SessionCache } from './lib/session-cache';
import type { SaltPair } from './lib/salts';

/** Which ingestion contract an event came through (also the `contract` of raw and quarantine rows). */
export type ContractName =
  | 'insighthub.collect'
  | 'insighthub.heatmap'
  | 'metricpal.v1.collect'
  | 'metricpal.v1.optimized'
  | SegmentContract
  | 'universal.tracking'
  | 'techstore.track'
  | 'plausible.event'
  | 'umami.send'
  | 'umami.batch';

/** The Segment-compatible endpoints: `/v1/batch` and one per message type (`/v1/track` …). */
export type SegmentContract = `segment.${'batch' | 'track' | 'identify' | 'page' | 'screen' | 'group' | 'alias'}`;

/**
 * `browser`: sent by a tracker from a visitor's browser; its clock is corrected against ours and
 * browser-only checks (host, headless signals) apply. `server`: sent with an API key from a backend;
 * it names its own visitor and may carry historical timestamps.
 */
export type Trust = 'browser' | 'server';

/**
 * An event on its way through the pipeline: the canonical columns filled in so far plus what the
 * adapter read from the client, which the steps consume. Only the canonical columns are written.
 */
export interface PreEvent extends CanonicalEvent {
  /** Event time by the client's clock (ms), null when not sent. */
  client_ts: number | null;
  /** Visitor id sent by the client (tracker's stored id, or the server's own id); '' when none. */
  client_visitor_id: string;
  /** Session id sent by a server-side client; '' when none (sessions are then derived). */
  client_session_id: string;
  /** End user's IP / user agent when a server-side client passes them on; '' = use the request's. */
  client_ip: string;
  client_user_agent: string;
  /** The tracker's navigator.userAgentData.mobile and navigator.maxTouchPoints; null when not sent. */
  client_mobile: boolean | null;
  client_touch: number | null;
  /** The event as received, for the quarantine. */
  input: unknown;
  /**
   * Contracts without client event ids (Plausible, Umami): the event's content, from which the event-id
   * step derives a deterministic id, so an identical retry is stored once ('' = none).
   */
  dedupe_key: string;
  /** The client sent its own event time (the derived id then needs no time window). */
  dedupe_exact: boolean;
}

/** Request headers the privacy and bot steps read. */
export interface RequestSignals {
  dnt: boolean;
  gpc: boolean;
  hasAcceptLanguage: boolean;
  hasAccept: boolean;
  /** The tracker reported navigator.webdriver === true. */
  webdriver: boolean;
  /** Sec-CH-UA-Mobile / -Platform / -Model as the browser sent them; absent for clients that send none. */
  clientHints?: ClientHints | null;
}

/** Long-lived services the steps use; built once per process. */
export interface IngestServices {
  userAgents: UserAgentCache;
  geo: GeoLookup;
  sessions: SessionCache;
  /** HMAC key of hashed traits (steps/traits.ts), derived from the server secret; absent in tools without one. */
  traitKey?: Buffer;
}

/** Everything the steps know about the request an event arrived in. */
export interface RequestContext {
  site: SiteRecord;
  contract: ContractName;
  trust: Trust;
  receivedAt: number;
  /** Client clock when the request was sent (browser contracts), for skew correction. */
  sentAt: number | null;
  /** The client's address after trusted-proxy resolution. Used, never stored. */
  ip: string;
  userAgent: string;
  signals: RequestSignals;
  /** Size of the request body; events can only exceed the per-event limit when the body does. */
  bodyBytes: number;
  salts: SaltPair;
  services: IngestServices;
  /** Per-request memo for values every event of the request shares (geo, visitor hashes). */
  memo: Map<string, unknown>;
  /** Events the site's organization may still store this month (hard monthly limit); absent = no limit. */
  quotaRemaining?: number;
}

/** A pipeline step: returns the (possibly updated) event, or a Drop saying why it stops here. */
export type Step = (ev: PreEvent, ctx: RequestContext) => PreEvent | Drop;

export interface NamedStep {
  name: string;
  run: Step;
}

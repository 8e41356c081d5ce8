import type { Props, TrackerConfig } from './util';

/**
 * What t.js hands to its extension t.auto.js, as `window.tidemark._`. Short keys: they survive minification
 * and are part of both files. The two files are built and served together, so this is not a public contract.
 */
export interface TrackerInternals {
  /** track(name, props) */
  t: (name: unknown, props?: Props) => void;
  /** flush: sends every queued event now (t.mp.js's sendData) */
  s: () => void;
  /** the effective configuration */
  c: TrackerConfig;
  /**
   * Event filter set by t.auto.js: excluded paths (resolves false) and privacy-mode hashing. t.js routes events
   * through it only when privacy mode or exclusions are configured, and holds them until it is there.
   */
  f?: (e: TrackerEvent) => Promise<unknown>;
  /** set by t.auto.js: called before every new page view (page_exit of the one that ends, fresh counters) */
  e?: () => void;
  /**
   * The categories granted (set by t.consent.js, which also dispatches `tidemark:consent` on window when
   * they change, or by t.replay.js's minimal consent API on sites without a consent mode). Extensions check
   * their own category here: t.replay.js `replay`; t.heatmap.js `heatmaps` where `consentMode` is set.
   */
  consent?: Record<string, unknown>;
  /** Set by t.consent.js only: the site's consent mode, so extensions know `consent` is the site's own rule. */
  consentMode?: string;
}

export interface TrackerEvent {
  event_id: string;
  name: string;
  timestamp: number;
  properties: Props;
  context: Props;
}

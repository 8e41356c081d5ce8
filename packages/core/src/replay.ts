import { z } from 'zod';

/**
 * Session replay (replay/ on the server, the Recordings page in the dashboard): what the API answers about
 * a recording. Times are ms since the epoch.
 */
export const replayRecordingSchema = z.object({
  recording_id: z.string(),
  visitor_id: z.string(),
  session_id: z.string(),
  started_at: z.number().describe('ms since the epoch'),
  ended_at: z.number(),
  duration_ms: z.number(),
  pages: z.array(z.string()).describe('Paths of the page loads and route changes, in order'),
  entry_page: z.string(),
  page_count: z.number(),
  country: z.string(),
  device: z.string(),
  browser: z.string(),
  clicks: z.number(),
  rage_clicks: z.number(),
  dead_clicks: z.number().describe("Clicks that changed nothing (the session's Behaviour events; 0 without them)"),
  errors: z.number(),
  bytes: z.number().describe('Stored (compressed) bytes'),
  chunks: z.number(),
});
export type ReplayRecording = z.infer<typeof replayRecordingSchema>;

export const replayListResponseSchema = z.object({
  recordings: z.array(replayRecordingSchema),
  total: z.number().describe('Recordings matching the filters (every page)'),
  limit: z.number(),
  offset: z.number(),
});
export type ReplayListResponse = z.infer<typeof replayListResponseSchema>;

/** Site settings of session replay (flat fields of GET/PATCH /api/sites/{id}). */
export interface ReplaySettings {
  replay_enabled: boolean;
  /** Share of sessions recorded, 0–1; decided once per session. */
  replay_sample_rate: number;
  /** Record only after the page called tidemark.consent({replay: true}). */
  replay_requires_consent: boolean;
  /** Every text node masked too, not only inputs and the marked elements. */
  replay_mask_all_text: boolean;
  replay_mask_selectors: string[];
  replay_block_selectors: string[];
  /** Paths never recorded; `*` matches anything within a segment, a trailing `/*` everything below. */
  replay_excluded_paths: string[];
  /** Recordings a site may start per calendar month (UTC); 0 for no limit. */
  replay_monthly_quota: number;
  /** Stored bytes at which one recording stops. */
  replay_max_bytes: number;
}

export const REPLAY_DEFAULTS: ReplaySettings = {
  replay_enabled: false,
  replay_sample_rate: 1,
  replay_requires_consent: true,
  replay_mask_all_text: false,
  replay_mask_selectors: [],
  replay_block_selectors: [],
  replay_excluded_paths: [],
  replay_monthly_quota: 10_000,
  replay_max_bytes: 20_000_000,
};

/** A recording stops after this long (the browser stops; the server refuses chunks past it). */
export const REPLAY_MAX_DURATION_MS = 60 * 60_000;
/** The largest chunk body the collector takes (compressed or not) and the largest it inflates to. */
export const REPLAY_LIMITS = { bodyBytes: 512 * 1024, inflatedBytes: 8 * 1024 * 1024, eventsPerChunk: 20_000 } as const;

/** The browser-side settings t.replay.js records with (GET /api/collect/replay/config). */
export interface ReplayClientConfig {
  consent: boolean;
  maskAllText: boolean;
  mask: string[];
  block: string[];
  exclude: string[];
  maxBytes: number;
}

import zlib from 'node:zlib';
import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  badRequest,
  notFound,
  parseInput,
  REPLAY_DEFAULTS,
  REPLAY_MAX_DURATION_MS,
  TidemarkError,
  type ReplayClientConfig,
  type ReplayListResponse,
  type ReplayRecording,
} from '@tidemark/core';
import type { EventStore } from '../store';
import type { SiteRecord } from '../meta';
import type { ServerKeys } from '../secrets';
import type { CounterStore } from '../counters';
import { verifyAttributionId } from '../revenue';
import { tooManyRequests } from '../auth';
import { compilePathPattern } from '../ingest';
import { parseChunkBody, summarizeChunk, type RrwebEvent } from './chunk';
import type { RecordingFilter, ReplayStore } from './store';

/** A chunk may run this far ahead of the highest stored sequence number (uploads retried out of order). */
export const MAX_SEQ_AHEAD = 16;
/** Clock skew and upload delay allowed past REPLAY_MAX_DURATION_MS before a chunk is refused. */
const DURATION_SLACK_MS = 5 * 60_000;
const DAY = 86_400_000;

const chunkQuery = z.object({
  s: z.string().min(1).max(64),
  r: z.string().regex(/^[a-f0-9]{32}$/, 'must be 32 lower-case hex characters'),
  q: z.coerce.number().int().min(0).max(1_000_000),
  a: z.string().min(1).max(200),
});
export type ChunkQuery = z.infer<typeof chunkQuery>;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const replayListQuerySchema = z.object({
  period: z.enum(['24h', '7d', '30d', '90d', 'custom']).default('7d'),
  start_date: day.optional(),
  end_date: day.optional(),
  page: z.string().min(1).max(512).startsWith('/').optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  device: z.string().min(1).max(32).optional(),
  browser: z.string().min(1).max(64).optional(),
  visitor_id: z.string().min(1).max(128).optional(),
  min_duration: z.coerce.number().min(0).max(86_400).optional(),
  max_duration: z.coerce.number().min(0).max(86_400).optional(),
  has_rage_clicks: flag.optional(),
  has_dead_clicks: flag.optional(),
  has_errors: flag.optional(),
  clicked_selector: z.string().min(1).max(300).optional().describe('Sessions that clicked this element (with `page`: on that page)'),
  funnel_id: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("With funnel_step: the sessions of that funnel's drop-off (the period is then the funnel's)"),
  funnel_step: z.coerce.number().int().min(1).max(50).optional().describe('Sessions that reached this step of the funnel and not the next'),
  funnel_start_date: day.optional().describe("The funnel's period (the site's days); default: the days of `period`"),
  funnel_end_date: day.optional(),
  funnel_filters: z.string().max(8000).optional().describe("The funnel's filters, as for its stats: they choose its entrants"),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

/** A funnel's drop-off as the recordings list names it; its period is in the site's days. */
export interface FunnelDropOff {
  funnel_id: string;
  step: number;
  start_date: string;
  end_date: string;
  filters?: string;
}

/** How many of a drop-off's sessions (the latest) the list looks among for recordings. */
export const DROP_OFF_SESSIONS = 5000;

export interface ReplayServiceDeps {
  store: ReplayStore;
  events: EventStore;
  keys: ServerKeys;
  counters: CounterStore;
  /** Chunks per site per minute, 0 = no limit. */
  chunksPerMinute: number;
  /** Stored bytes per site per UTC month, every recording together; 0 = no cap. */
  monthlyBytesPerSite?: number;
}

/**
 * Session replay (docs/session-replay.md): chunk ingestion with its checks (the recording belongs to the
 * site and session the collector's attribution id names; sequence, size, duration, quota and rate limits),
 * and the reads behind the API.
 */
export class ReplayService {
  /** (site, session) → country, device, browser of the session's events; only found values are kept. */
  private readonly facts = new Map<string, { country: string; device: string; browser: string }>();
  /** Per site: recordings started this month as last counted (the quota), and when. */
  private readonly started = new Map<string, { month: number; at: number; n: number }>();
  /** Per site: bytes stored this month as last counted, and when (the monthly byte cap). */
  private readonly monthBytes = new Map<string, { month: number; at: number; n: number }>();

  constructor(private readonly deps: ReplayServiceDeps) {}

  clientConfig(site: SiteRecord): ReplayClientConfig {
    const s = { ...REPLAY_DEFAULTS, ...definedOf(site) };
    return {
      consent: s.replay_requires_consent,
      maskAllText: s.replay_mask_all_text,
      mask: s.replay_mask_selectors,
      block: s.replay_block_selectors,
      exclude: s.replay_excluded_paths,
      maxBytes: s.replay_max_bytes,
    };
  }

  parseChunkQuery(query: unknown): ChunkQuery {
    return parseInput(chunkQuery, query ?? {});
  }

  /** Checks and stores one chunk; resolves once it is durable. Nothing is stored when it throws. */
  async ingest(site: SiteRecord, q: ChunkQuery, body: Buffer, now = Date.now()): Promise<{ stored: boolean }> {
    const s = { ...REPLAY_DEFAULTS, ...definedOf(site) };
    if (!s.replay_enabled) throw new TidemarkError(403, 'replay_disabled', 'Session replay is off for this site');
    if (this.deps.chunksPerMinute > 0) {
      const w = await this.deps.counters.incr(`replay-chunks:${site.id}`, 60_000);
      if (w.count > this.deps.chunksPerMinute) throw tooManyRequests('Too many replay chunks for this site; retry later', w.resetAt);
    }
    const ref = verifyAttributionId(this.deps.keys, site.id, q.a, now);
    if (!ref) throw badRequest('invalid_session', 'The attribution id does not name a current session of this site');
    const events = parseChunkBody(body);
    const summary = summarizeChunk(events);
    // The browser never records an excluded path; a chunk that says it did is refused, not stored.
    const excluded = s.replay_excluded_paths.map(compilePathPattern);
    if (summary.paths.some((p) => excluded.some((r) => r.test(p))))
      throw badRequest('excluded_path', 'The chunk records a path this site never records');
    const prior = await this.deps.store.state(q.r);
    if (prior && prior.site_id !== site.id) throw badRequest('recording_of_other_site', 'This recording id belongs to another site');
    if (prior && (prior.session_id !== ref.session_id || prior.visitor_id !== ref.visitor_id))
      throw badRequest('recording_of_other_session', 'This recording id belongs to another session');
    const ahead = q.q - (prior ? prior.max_seq : -1);
    if (ahead > MAX_SEQ_AHEAD) throw badRequest('sequence_gap', `Sequence ${q.q} is more than ${MAX_SEQ_AHEAD} ahead of what is stored`);
    const started = Math.min(prior?.started_at ?? Infinity, summary.ts_start);
    if (summary.ts_end - started > REPLAY_MAX_DURATION_MS + DURATION_SLACK_MS)
      throw new TidemarkError(413, 'recording_too_long', 'A recording stops after 60 minutes');
    const gzip = zlib.gzipSync(JSON.stringify(events));
    if ((prior?.bytes ?? 0) + gzip.length > s.replay_max_bytes)
      throw new TidemarkError(413, 'recording_too_large', `A recording of this site stores at most ${s.replay_max_bytes} bytes`);
    if (!prior && s.replay_monthly_quota > 0 && (await this.startedThisMonth(site.id, now)) >= s.replay_monthly_quota)
      throw new TidemarkError(429, 'replay_quota_exceeded', "This site's recordings for the month are used up");
    const byteCap = this.deps.monthlyBytesPerSite ?? 0;
    if (byteCap > 0 && (await this.bytesThisMonth(site.id, now)) + gzip.length > byteCap)
      throw new TidemarkError(429, 'replay_bytes_exceeded', "This site's recording storage for the month is used up");
    const facts = await this.sessionFacts(site.id, ref.visitor_id, ref.session_id);
    const r = await this.deps.store.append({
      site_id: site.id,
      recording_id: q.r,
      seq: q.q,
      visitor_id: ref.visitor_id,
      session_id: ref.session_id,
      received_at: now,
      ...summary,
      ...facts,
      gzip,
    });
    if (r === 'stored' && !prior) {
      const c = this.started.get(site.id);
      if (c) c.n++;
    }
    if (r === 'stored') {
      const b = this.monthBytes.get(site.id);
      if (b) b.n += gzip.length;
    }
    return { stored: r === 'stored' };
  }

  /**
   * A recording made on the server (the demo site's), stored chunk by chunk as the collector stores a
   * browser's: no attribution id, quota or rate limit, since nothing outside sent it; the same summaries.
   */
  async storeGenerated(
    site: SiteRecord,
    recording: { id: string; visitor_id: string; session_id: string; country: string; device: string; browser: string },
    chunks: RrwebEvent[][],
    now = Date.now(),
  ): Promise<void> {
    let seq = 0;
    for (const events of chunks) {
      if (!events.length) continue;
      await this.deps.store.append({
        site_id: site.id,
        recording_id: recording.id,
        seq: seq++,
        visitor_id: recording.visitor_id,
        session_id: recording.session_id,
        received_at: now,
        ...summarizeChunk(events),
        country: recording.country,
        device: recording.device,
        browser: recording.browser,
        gzip: zlib.gzipSync(JSON.stringify(events)),
      });
    }
  }

  /** Recordings the site started this UTC month: counted in the store at most every 10 s, then kept up here. */
  private async startedThisMonth(siteId: string, now: number): Promise<number> {
    const d = new Date(now);
    const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const c = this.started.get(siteId);
    if (c && c.month === month && now - c.at < 10_000) return c.n;
    const n = await this.deps.store.countStartedSince(siteId, month);
    if (this.started.size >= 10_000) this.started.clear();
    this.started.set(siteId, { month, at: now, n });
    return n;
  }

  /** Bytes the site stored this UTC month: counted in the store at most every 10 s, then kept up here. */
  private async bytesThisMonth(siteId: string, now: number): Promise<number> {
    const d = new Date(now);
    const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    const c = this.monthBytes.get(siteId);
    if (c && c.month === month && now - c.at < 10_000) return c.n;
    const n = await this.deps.store.bytesSince(siteId, month);
    if (this.monthBytes.size >= 10_000) this.monthBytes.clear();
    this.monthBytes.set(siteId, { month, at: now, n });
    return n;
  }

  /**
   * The site's recordings for the list query. A funnel drop-off (funnel_id and funnel_step) is resolved by
   * `dropOffSessions` (the caller's: it reads the funnel and the stats) into the sessions whose recordings are listed.
   */
  async list(
    site: SiteRecord,
    query: unknown,
    now = Date.now(),
    dropOffSessions?: (d: FunnelDropOff) => Promise<string[]>,
  ): Promise<ReplayListResponse> {
    const p = parseInput(replayListQuerySchema, query ?? {});
    if ((p.funnel_id === undefined) !== (p.funnel_step === undefined))
      throw badRequest('invalid_parameter', 'funnel_id and funnel_step go together');
    let from: number;
    let to: number;
    if (p.period === 'custom') {
      if (!p.start_date || !p.end_date) throw badRequest('invalid_date_range', 'period=custom needs start_date and end_date');
      from = Date.parse(`${p.start_date}T00:00:00Z`);
      to = Date.parse(`${p.end_date}T00:00:00Z`) + DAY;
      if (!(from < to)) throw badRequest('invalid_date_range', 'start_date must not be after end_date');
    } else {
      const days = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 }[p.period];
      to = now + 1;
      from = now - days * DAY;
    }
    const filter: RecordingFilter = { from, to, limit: p.limit, offset: p.offset };
    for (const k of [
      'page',
      'country',
      'device',
      'browser',
      'visitor_id',
      'has_rage_clicks',
      'has_dead_clicks',
      'has_errors',
      'clicked_selector',
    ] as const)
      if (p[k] !== undefined) (filter as unknown as Record<string, unknown>)[k] = p[k];
    if (p.min_duration !== undefined) filter.min_duration_ms = p.min_duration * 1000;
    if (p.max_duration !== undefined) filter.max_duration_ms = p.max_duration * 1000;
    if (p.funnel_id !== undefined && p.funnel_step !== undefined) {
      if (!dropOffSessions) throw badRequest('invalid_parameter', 'Funnel drop-offs are not available here');
      // The funnel's days are the site's: those holding the period's first and last instants.
      const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: site.timezone || 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
      const day = (ms: number) => fmt.format(ms);
      filter.session_ids = await dropOffSessions({
        funnel_id: p.funnel_id,
        step: p.funnel_step,
        start_date: p.funnel_start_date ?? day(from),
        end_date: p.funnel_end_date ?? day(to - 1),
        filters: p.funnel_filters,
      });
    }
    return this.deps.store.list(site.id, filter);
  }

  async get(site: SiteRecord, recordingId: string): Promise<ReplayRecording> {
    const rec = /^[a-f0-9]{32}$/.test(recordingId) ? await this.deps.store.get(site.id, recordingId) : null;
    if (!rec) throw notFound('Recording');
    return rec;
  }

  /** The recording's rrweb events as one JSON array, chunk by chunk in sequence order (never all in memory). */
  async eventStream(site: SiteRecord, recordingId: string): Promise<Readable> {
    await this.get(site, recordingId);
    const store = this.deps.store;
    async function* parts() {
      yield '[';
      let first = true;
      for await (const gz of store.chunks(site.id, recordingId)) {
        const text = zlib.gunzipSync(gz).toString('utf8');
        // Each chunk is a stored JSON array: its items join the one array.
        yield (first ? '' : ',') + text.slice(1, -1);
        first = false;
      }
      yield ']';
    }
    return Readable.from(parts());
  }

  /** The analytics events of the recording's session (the player shows them beside it). */
  async sessionEvents(site: SiteRecord, recordingId: string): Promise<{ events: Array<{ ts: number; name: string; path: string }> }> {
    const rec = await this.get(site, recordingId);
    const rows = await this.deps.events.query<{ ts: unknown; name: string; path: string }>(
      // A session is short: its events are few, whatever the period (ts is a TIMESTAMP or ms by engine).
      'SELECT ts, name, path FROM events WHERE site_id = ? AND session_id = ? AND visitor_id = ? ORDER BY ts, name LIMIT 1000',
      [site.id, rec.session_id, rec.visitor_id],
    );
    return { events: rows.map((r) => ({ ts: toMs(r.ts), name: r.name, path: r.path })) };
  }

  private async sessionFacts(siteId: string, visitorId: string, sessionId: string) {
    const key = `${siteId}\0${sessionId}`;
    const hit = this.facts.get(key);
    if (hit) return hit;
    const [row] = await this.deps.events.query<{ country: string; device_type: string; browser: string }>(
      'SELECT country, device_type, browser FROM events WHERE site_id = ? AND session_id = ? AND visitor_id = ? LIMIT 1',
      [siteId, sessionId, visitorId],
    );
    const facts = { country: row?.country ?? '', device: row?.device_type ?? '', browser: row?.browser ?? '' };
    if (row) {
      if (this.facts.size >= 10_000) this.facts.clear();
      this.facts.set(key, facts);
    }
    return facts;
  }
}

const toMs = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(String(v)));

/** The site's replay fields that are set (a site read before the migration has none). */
function definedOf(site: SiteRecord): Partial<SiteRecord> {
  return Object.fromEntries(Object.entries(site).filter(([k, v]) => k.startsWith('replay_') && v !== undefined && v !== null));
}

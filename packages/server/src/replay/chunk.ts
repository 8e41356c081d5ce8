import zlib from 'node:zlib';
import { z } from 'zod';
import { badRequest, REPLAY_LIMITS, TidemarkError } from '@tidemark/core';

/** rrweb's event types (EventType): DomContentLoaded … Plugin. */
const EVENT_TYPE = { FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, Custom: 5 } as const;
/** IncrementalSource.MouseInteraction and MouseInteractions.Click. */
const MOUSE_INTERACTION = 2;
const CLICK = 2;
/** A rage click: this many clicks within RAGE_MS, each within RAGE_PX of the first. */
const RAGE_CLICKS = 3;
const RAGE_MS = 1000;
const RAGE_PX = 30;

const rrwebEvent = z.looseObject({
  type: z.number().int().min(0).max(6),
  timestamp: z.number().finite().min(946_684_800_000).max(4_102_444_800_000),
  data: z.record(z.string(), z.unknown()),
});
const chunkEvents = z.array(rrwebEvent).min(1).max(REPLAY_LIMITS.eventsPerChunk);
export type RrwebEvent = z.infer<typeof rrwebEvent>;

export interface ChunkSummary {
  ts_start: number;
  ts_end: number;
  event_count: number;
  paths: string[];
  clicks: number;
  rage_clicks: number;
  errors: number;
}

/**
 * The body of `POST /api/collect/replay`: a JSON array of rrweb events, gzip-compressed where the browser
 * could (detected by the gzip magic bytes, not a header: the tracker sends text/plain to skip a preflight).
 * Inflates at most REPLAY_LIMITS.inflatedBytes (413 past it); anything but rrweb events is a 400.
 */
export function parseChunkBody(body: Buffer): RrwebEvent[] {
  let text: string;
  if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b) {
    try {
      text = zlib.gunzipSync(body, { maxOutputLength: REPLAY_LIMITS.inflatedBytes }).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
        throw new TidemarkError(413, 'chunk_too_large', `A chunk inflates to at most ${REPLAY_LIMITS.inflatedBytes} bytes`);
      throw badRequest('invalid_chunk', 'The chunk is not valid gzip');
    }
  } else text = body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest('invalid_chunk', 'The chunk is not JSON');
  }
  const r = chunkEvents.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw badRequest('invalid_chunk', `Not a list of rrweb events: ${i ? `${i.path.join('.')}: ${i.message}` : 'invalid'}`);
  }
  return r.data;
}

function pathOf(href: unknown): string | null {
  if (typeof href !== 'string') return null;
  try {
    return new URL(href).pathname.slice(0, 512);
  } catch {
    return null;
  }
}

/** Times, pages (rrweb's Meta event of each page load), clicks, rage clicks and errors (our `error` custom event). */
export function summarizeChunk(events: RrwebEvent[]): ChunkSummary {
  let start = Infinity;
  let end = -Infinity;
  const paths: string[] = [];
  const clicks: Array<{ t: number; x: number; y: number }> = [];
  let errors = 0;
  for (const e of events) {
    start = Math.min(start, e.timestamp);
    end = Math.max(end, e.timestamp);
    const d = e.data;
    if (e.type === EVENT_TYPE.Meta) {
      const p = pathOf(d.href);
      if (p !== null && paths[paths.length - 1] !== p) paths.push(p);
    } else if (e.type === EVENT_TYPE.IncrementalSnapshot && d.source === MOUSE_INTERACTION && d.type === CLICK)
      clicks.push({ t: e.timestamp, x: Number(d.x) || 0, y: Number(d.y) || 0 });
    else if (e.type === EVENT_TYPE.Custom && d.tag === 'error') errors++;
  }
  return {
    ts_start: start,
    ts_end: end,
    event_count: events.length,
    paths,
    clicks: clicks.length,
    rage_clicks: rageClicks(clicks),
    errors,
  };
}

/** Bursts of RAGE_CLICKS or more clicks close in time and place; each burst counts once. */
export function rageClicks(clicks: ReadonlyArray<{ t: number; x: number; y: number }>): number {
  let bursts = 0;
  for (let i = 0; i < clicks.length; ) {
    const first = clicks[i]!;
    let j = i + 1;
    while (j < clicks.length && clicks[j]!.t - first.t <= RAGE_MS && Math.hypot(clicks[j]!.x - first.x, clicks[j]!.y - first.y) <= RAGE_PX)
      j++;
    if (j - i >= RAGE_CLICKS) {
      bursts++;
      i = j;
    } else i++;
  }
  return bursts;
}

export { EVENT_TYPE };

import type { ReplayListResponse, ReplayRecording } from '@tidemark/core';
import { REPLAY_COLUMN_NAMES, type DerivedTables, type EventStore, type LifecycleStore, type PurgeCounts, type SubjectRef } from '../store';
import { fileChunkBytes, inlineChunkBytes, type ChunkBytes } from './bytes';
import { InsertBatch } from './insert-batch';

/** One chunk as the collector hands it over: gzip bytes of a JSON array of rrweb events, with its summary. */
export interface NewChunk {
  site_id: string;
  recording_id: string;
  seq: number;
  visitor_id: string;
  session_id: string;
  received_at: number;
  ts_start: number;
  ts_end: number;
  event_count: number;
  paths: string[];
  clicks: number;
  rage_clicks: number;
  errors: number;
  country: string;
  device: string;
  browser: string;
  gzip: Buffer;
}

/** What the collector checks a new chunk against: the recording so far, wherever (whichever site) it is. */
export interface RecordingState {
  site_id: string;
  visitor_id: string;
  session_id: string;
  max_seq: number;
  bytes: number;
  started_at: number;
}

export interface RecordingFilter {
  from: number;
  to: number;
  page?: string;
  country?: string;
  device?: string;
  browser?: string;
  visitor_id?: string;
  min_duration_ms?: number;
  max_duration_ms?: number;
  has_rage_clicks?: boolean;
  has_dead_clicks?: boolean;
  has_errors?: boolean;
  /** Only these sessions' recordings, whenever they started (a funnel's drop-offs); the period is not applied. */
  session_ids?: string[];
  /** Sessions with a click (Behaviour events) on this selector; with `page`, on that page. */
  clicked_selector?: string;
  limit: number;
  offset: number;
}

/**
 * Session replay chunks of every site (docs/session-replay.md): append-only, deduplicated by (site,
 * recording, sequence), read back in sequence order. One implementation over the event store's derived
 * tables for both engines; only where the bytes live differs (files under the data directory embedded, the
 * row itself in ClickHouse). Answers the lifecycle duties of DESIGN §8 as a `LifecycleTargets.derived` store.
 */
export interface ReplayStore extends LifecycleStore {
  /** Stores the chunk durably before resolving; 'duplicate' when that sequence number is stored already. */
  append(chunk: NewChunk): Promise<'stored' | 'duplicate'>;
  /** The recording with this id in any site (the caller refuses an id of another site), or null. */
  state(recordingId: string): Promise<RecordingState | null>;
  /** Recordings of the site started since `sinceMs` (the monthly quota). */
  countStartedSince(siteId: string, sinceMs: number): Promise<number>;
  /** Bytes of the site's chunks received since `sinceMs` (the monthly byte cap). */
  bytesSince(siteId: string, sinceMs: number): Promise<number>;
  list(siteId: string, filter: RecordingFilter): Promise<ReplayListResponse>;
  get(siteId: string, recordingId: string): Promise<ReplayRecording | null>;
  /** The chunks' gzip bytes in sequence order, each sequence number once. */
  chunks(siteId: string, recordingId: string): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

/** Opens the replay store beside an event store: chunk files under `dir` embedded, the chunk table at scale. */
export async function openReplayStore(events: EventStore, dir: string): Promise<ReplayStore> {
  const db = await events.openDerivedTables();
  return new SqlReplayStore(db, db.dialect === 'clickhouse' ? inlineChunkBytes() : fileChunkBytes(dir));
}

// Aliases differ from the column names: ClickHouse would read an alias named like a column in WHERE.
const LIST_COLUMNS = `recording_id, max(visitor_id) AS r_visitor, max(session_id) AS r_session,
  min(ts_start) AS started_at, max(ts_end) AS ended_at, argMin(entry_path, seq) AS r_entry,
  max(country) AS r_country, max(device) AS r_device, max(browser) AS r_browser,
  sum(clicks) AS r_clicks, sum(rage_clicks) AS r_rage, sum(errors) AS r_errors, sum(bytes) AS r_bytes, count(*) AS r_chunks`;

class SqlReplayStore implements ReplayStore {
  private readonly final: string;
  /** Appends of one recording run one at a time in this process (a file append, then its index row). */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** At scale, index rows (with their bytes) of concurrent appends go in one INSERT; embedded, each its own. */
  private readonly batch: InsertBatch<Record<string, unknown>> | null;

  constructor(
    private readonly db: DerivedTables,
    private readonly bytes: ChunkBytes,
  ) {
    this.final = db.dialect === 'clickhouse' ? ' FINAL' : '';
    this.batch =
      db.dialect === 'clickhouse'
        ? new InsertBatch((rows) => db.insert('replay_chunks', REPLAY_COLUMN_NAMES, rows), {
            waitMs: 50,
            maxRows: 500,
            maxBytes: 16 * 1024 * 1024,
            sizeOf: (r) => Number(r.bytes) + 200,
          })
        : null;
  }

  append(chunk: NewChunk): Promise<'stored' | 'duplicate'> {
    return this.serial(`${chunk.site_id}/${chunk.recording_id}`, async () => {
      const [dup] = await this.db.all(`SELECT seq FROM replay_chunks${this.final} WHERE site_id = ? AND recording_id = ? AND seq = ?`, [
        chunk.site_id,
        chunk.recording_id,
        chunk.seq,
      ]);
      if (dup) return 'duplicate';
      const where = await this.bytes.write(chunk.site_id, chunk.recording_id, chunk.gzip);
      const row: Record<string, unknown> = {
        ...chunk,
        gzip: undefined,
        bytes: chunk.gzip.length,
        paths: chunk.paths.length ? `\n${chunk.paths.join('\n')}\n` : '',
        entry_path: chunk.paths[0] ?? '',
        ...where,
      };
      // Durable ack: resolves once the INSERT holding this row returned (the recording stays locked until then).
      if (this.batch) await this.batch.add(row);
      else await this.db.insert('replay_chunks', REPLAY_COLUMN_NAMES, [row]);
      return 'stored';
    });
  }

  async state(recordingId: string): Promise<RecordingState | null> {
    const [r] = await this.db.all(
      `SELECT site_id, max(visitor_id) AS visitor_id, max(session_id) AS session_id, max(seq) AS max_seq, sum(bytes) AS bytes,
         min(ts_start) AS started_at FROM replay_chunks${this.final} WHERE recording_id = ? GROUP BY site_id`,
      [recordingId],
    );
    if (!r) return null;
    return {
      site_id: String(r.site_id),
      visitor_id: String(r.visitor_id),
      session_id: String(r.session_id),
      max_seq: Number(r.max_seq),
      bytes: Number(r.bytes),
      started_at: Number(r.started_at),
    };
  }

  async countStartedSince(siteId: string, sinceMs: number): Promise<number> {
    const [r] = await this.db.all(
      `SELECT count(DISTINCT recording_id) AS n FROM replay_chunks${this.final} WHERE site_id = ? AND seq = 0 AND ts_start >= ?`,
      [siteId, sinceMs],
    );
    return Number(r?.n ?? 0);
  }

  async bytesSince(siteId: string, sinceMs: number): Promise<number> {
    const [r] = await this.db.all(`SELECT sum(bytes) AS n FROM replay_chunks${this.final} WHERE site_id = ? AND received_at >= ?`, [
      siteId,
      sinceMs,
    ]);
    return Number(r?.n ?? 0);
  }

  async list(siteId: string, f: RecordingFilter): Promise<ReplayListResponse> {
    const where = ['site_id = ?'];
    const params: unknown[] = [siteId];
    for (const k of ['visitor_id', 'country', 'device', 'browser'] as const) {
      if (f[k] === undefined) continue;
      where.push(`${k} = ?`);
      params.push(f[k]);
    }
    if (f.page !== undefined) {
      where.push(`recording_id IN (SELECT recording_id FROM replay_chunks WHERE site_id = ? AND ${this.contains('paths')})`);
      params.push(siteId, `\n${f.page}\n`);
    }
    if (f.clicked_selector !== undefined) {
      const names = [...BEHAVIOUR.clicks, ...FRUSTRATION_CLICKS];
      where.push(`session_id IN (SELECT session_id FROM events WHERE site_id = ? AND name IN (${names.map(() => '?').join(', ')})
        AND selector = ?${f.page !== undefined ? ' AND path = ?' : ''})`);
      params.push(siteId, ...names, f.clicked_selector, ...(f.page !== undefined ? [f.page] : []));
    }
    const having = f.session_ids === undefined ? ['min(ts_start) >= ?', 'min(ts_start) < ?'] : ['count(*) > 0'];
    const hparams: unknown[] = f.session_ids === undefined ? [f.from, f.to] : [];
    if (f.min_duration_ms !== undefined) {
      having.push('max(ts_end) - min(ts_start) >= ?');
      hparams.push(f.min_duration_ms);
    }
    if (f.max_duration_ms !== undefined) {
      having.push('max(ts_end) - min(ts_start) <= ?');
      hparams.push(f.max_duration_ms);
    }
    // A count is above zero when the recorder saw one or the session has Behaviour events of that kind
    // (dead clicks: only the latter, the recorder cannot tell a click that changed nothing).
    for (const [flag, column, names] of [
      [f.has_rage_clicks, 'rage_clicks', BEHAVIOUR.rage],
      [f.has_dead_clicks, null, BEHAVIOUR.dead],
      [f.has_errors, 'errors', [...BEHAVIOUR.errors, ...BEHAVIOUR.errorClicks]],
    ] as const) {
      if (flag === undefined) continue;
      where.push(`recording_id ${flag ? '' : 'NOT '}IN (SELECT recording_id FROM replay_chunks WHERE site_id = ? AND (${column ? `${column} > 0 OR ` : ''}session_id IN
        (SELECT session_id FROM events WHERE site_id = ? AND name IN (${names.map(() => '?').join(', ')}))))`);
      params.push(siteId, siteId, ...names);
    }
    if (f.session_ids !== undefined) {
      // An empty list matches nothing (no session left the funnel there).
      where.push(f.session_ids.length ? `session_id IN (${f.session_ids.map(() => '?').join(', ')})` : '1 = 0');
      params.push(...f.session_ids);
    }
    const grouped = `SELECT ${LIST_COLUMNS} FROM replay_chunks${this.final} WHERE ${where.join(' AND ')}
      GROUP BY recording_id HAVING ${having.join(' AND ')}`;
    const all = [...params, ...hparams];
    const [count] = await this.db.all(`SELECT count(*) AS n FROM (${grouped}) AS g`, all);
    const rows = await this.db.all(`${grouped} ORDER BY started_at DESC, recording_id LIMIT ? OFFSET ?`, [...all, f.limit, f.offset]);
    const pages = await this.pagesOf(
      siteId,
      rows.map((r) => String(r.recording_id)),
    );
    const behaviour = await this.behaviourOf(
      siteId,
      rows.map((r) => String(r.r_session)),
    );
    return {
      recordings: rows.map((r) => withBehaviour(toRecording(r, pages.get(String(r.recording_id)) ?? []), behaviour)),
      total: Number(count?.n ?? 0),
      limit: f.limit,
      offset: f.offset,
    };
  }

  async get(siteId: string, recordingId: string): Promise<ReplayRecording | null> {
    const [r] = await this.db.all(
      `SELECT ${LIST_COLUMNS} FROM replay_chunks${this.final} WHERE site_id = ? AND recording_id = ? GROUP BY recording_id`,
      [siteId, recordingId],
    );
    if (!r) return null;
    const rec = toRecording(r, (await this.pagesOf(siteId, [recordingId])).get(recordingId) ?? []);
    return withBehaviour(rec, await this.behaviourOf(siteId, [rec.session_id]));
  }

  async *chunks(siteId: string, recordingId: string): AsyncIterable<Buffer> {
    const rows = await this.db.all(
      `SELECT seq, file, byte_offset, byte_length, data FROM replay_chunks${this.final} WHERE site_id = ? AND recording_id = ? ORDER BY seq`,
      [siteId, recordingId],
    );
    let last = -1;
    for (const r of rows) {
      if (Number(r.seq) === last) continue;
      last = Number(r.seq);
      const b = await this.bytes.read(r);
      if (b) yield b;
    }
  }

  // --- lifecycle (DESIGN §8): whole recordings go, their bytes before their index rows ---------------------

  async purgeSiteBefore(siteId: string, cutoffMs: number): Promise<PurgeCounts> {
    const old = await this.db.all(
      `SELECT recording_id FROM replay_chunks${this.final} WHERE site_id = ? GROUP BY recording_id HAVING max(ts_end) < ?`,
      [siteId, cutoffMs],
    );
    return this.removeRecordings(
      siteId,
      old.map((r) => String(r.recording_id)),
    );
  }

  async purgeSite(siteId: string): Promise<PurgeCounts> {
    await this.bytes.removeSite(siteId);
    return { replay_chunks: await this.db.delete('replay_chunks', 'site_id = ?', [siteId]) };
  }

  async exportSubject(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    for (const rid of await this.subjectRecordings(siteId, subject)) {
      const rec = await this.get(siteId, rid);
      if (rec) out.push({ replay_recording: rid, ...rec });
    }
    return out;
  }

  async eraseSubject(siteId: string, subject: SubjectRef): Promise<PurgeCounts> {
    return this.removeRecordings(siteId, await this.subjectRecordings(siteId, subject));
  }

  async close(): Promise<void> {
    await this.batch?.flush();
    await Promise.all([...this.locks.values()].map((p) => p.catch(() => undefined)));
    await this.db.close();
  }

  /** A user id covers every visitor id seen with it in the events (erasure runs before the events'). */
  private async subjectRecordings(siteId: string, subject: SubjectRef): Promise<string[]> {
    const visitors = subject.visitorId
      ? [subject.visitorId]
      : (await this.db.all('SELECT DISTINCT visitor_id AS v FROM events WHERE site_id = ? AND user_id = ?', [siteId, subject.userId])).map(
          (r) => String(r.v),
        );
    if (!visitors.length) return [];
    const rows = await this.db.all(
      `SELECT DISTINCT recording_id FROM replay_chunks${this.final} WHERE site_id = ? AND visitor_id IN (${visitors.map(() => '?').join(', ')})`,
      [siteId, ...visitors],
    );
    return rows.map((r) => String(r.recording_id)).sort();
  }

  private async removeRecordings(siteId: string, ids: string[]): Promise<PurgeCounts> {
    let n = 0;
    for (let i = 0; i < ids.length; i += 200) {
      const part = ids.slice(i, i + 200);
      for (const rid of part) await this.bytes.removeRecording(siteId, rid);
      n += await this.db.delete('replay_chunks', `site_id = ? AND recording_id IN (${part.map(() => '?').join(', ')})`, [siteId, ...part]);
    }
    return { replay_chunks: n };
  }

  private async pagesOf(siteId: string, ids: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!ids.length) return out;
    const rows = await this.db.all(
      `SELECT recording_id, seq, paths FROM replay_chunks${this.final} WHERE site_id = ? AND recording_id IN (${ids.map(() => '?').join(', ')})
       ORDER BY recording_id, seq`,
      [siteId, ...ids],
    );
    for (const r of rows) {
      const list = out.get(String(r.recording_id)) ?? [];
      for (const p of String(r.paths).split('\n')) if (p && list[list.length - 1] !== p) list.push(p);
      out.set(String(r.recording_id), list);
    }
    return out;
  }

  /** Per session: counts of its Behaviour events (heatmaps.md), for the sessions that have any. */
  private async behaviourOf(siteId: string, sessions: string[]): Promise<Map<string, BehaviourCounts>> {
    const out = new Map<string, BehaviourCounts>();
    const ids = [...new Set(sessions)];
    if (!ids.length) return out;
    const count = (names: readonly string[]) => `sum(CASE WHEN name IN (${names.map((n) => `'${n}'`).join(', ')}) THEN 1 ELSE 0 END)`;
    const rows = await this.db.all(
      `SELECT session_id AS b_session, ${count(BEHAVIOUR.clicks)} AS b_clicks, ${count(BEHAVIOUR.rage)} AS b_rage,
         ${count(BEHAVIOUR.dead)} AS b_dead, ${count(BEHAVIOUR.errors)} AS b_errors, ${count(BEHAVIOUR.errorClicks)} AS b_error_clicks
       FROM events WHERE site_id = ? AND session_id IN (${ids.map(() => '?').join(', ')}) AND name IN (${ALL_BEHAVIOUR.map(() => '?').join(', ')})
       GROUP BY session_id`,
      [siteId, ...ids, ...ALL_BEHAVIOUR],
    );
    for (const r of rows)
      out.set(String(r.b_session), {
        clicks: Number(r.b_clicks),
        rage_clicks: Number(r.b_rage),
        dead_clicks: Number(r.b_dead),
        errors: Number(r.b_errors),
        error_clicks: Number(r.b_error_clicks),
      });
    return out;
  }

  private contains(column: string): string {
    return this.db.dialect === 'clickhouse' ? `position(${column}, ?) > 0` : `strpos(${column}, ?) > 0`;
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return run;
  }
}

/** The Behaviour events (docs/heatmaps.md) that a recording's counts come from when its session has them. */
const BEHAVIOUR = {
  clicks: ['heatmap_click'],
  rage: ['rage_click'],
  dead: ['dead_click'],
  errors: ['error_occurred'],
  errorClicks: ['error_click'],
} as const;
/** Clicks the frustration detector reports with their selector (also heatmap clicks where heatmaps are on). */
const FRUSTRATION_CLICKS = ['rage_click', 'dead_click', 'error_click'];
const ALL_BEHAVIOUR = [...BEHAVIOUR.clicks, ...BEHAVIOUR.rage, ...BEHAVIOUR.dead, ...BEHAVIOUR.errors, ...BEHAVIOUR.errorClicks];

interface BehaviourCounts {
  clicks: number;
  rage_clicks: number;
  dead_clicks: number;
  errors: number;
  error_clicks: number;
}

/**
 * Each count from the session's Behaviour events where it has events of that kind (they see clicks and
 * errors before the recorder starts and after it stops), else the recorder's. Errors: `error_occurred`
 * (t.errors.js), else `error_click` (the frustration detector), else the recorder's error markers. Dead
 * clicks come from the frustration detector's `dead_click` events alone.
 */
function withBehaviour(rec: ReplayRecording, by: Map<string, BehaviourCounts>): ReplayRecording {
  const b = by.get(rec.session_id);
  if (!b) return rec;
  return {
    ...rec,
    clicks: b.clicks || rec.clicks,
    rage_clicks: b.rage_clicks || rec.rage_clicks,
    dead_clicks: b.dead_clicks,
    errors: b.errors || b.error_clicks || rec.errors,
  };
}

function toRecording(r: Record<string, unknown>, pages: string[]): ReplayRecording {
  const started = Number(r.started_at);
  const ended = Number(r.ended_at);
  return {
    recording_id: String(r.recording_id),
    visitor_id: String(r.r_visitor),
    session_id: String(r.r_session),
    started_at: started,
    ended_at: ended,
    duration_ms: ended - started,
    pages,
    entry_page: String(r.r_entry ?? ''),
    page_count: pages.length,
    country: String(r.r_country ?? ''),
    device: String(r.r_device ?? ''),
    browser: String(r.r_browser ?? ''),
    clicks: Number(r.r_clicks),
    rage_clicks: Number(r.r_rage),
    dead_clicks: 0,
    errors: Number(r.r_errors),
    bytes: Number(r.r_bytes),
    chunks: Number(r.r_chunks),
  };
}

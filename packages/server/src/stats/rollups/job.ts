import type { JobConnection } from '../../store';

/**
 * The job that keeps the session-parts rollup (session-parts.ts) up to date: fragments of the
 * events received up to a watermark are appended to the rollup tables, and the watermark moves on in the
 * same transaction, so a statement always sees fragments and watermark that agree. Queries aggregate
 * events received after the watermark on the spot, so nothing here affects what a query returns, only
 * how fast it is. The write path of `events` is untouched.
 *
 * The watermark advances in whole hours of `received_at` and stays `lagMs` behind the clock: the
 * collector stamps `received_at` before the group commit writer queues the event, so an event can
 * commit a little after a later-stamped one; `lagMs` (far above the writer's retry budget) makes sure
 * every event at or before the watermark had committed when the job read them. Whole hours keep a
 * session from being split into more fragments than the hours it spans.
 *
 * The path-sessions rollup (path-sessions.ts) runs another instance of this job with its own state
 * table and statements (no marks), so it is built and caught up independently of the fragments; so does
 * the visitor-hours rollup (visitor-hours.ts).
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface SessionPartsOptions {
  /** Statements that roll up the events received in (fromMs, toMs]; the first one's row count is reported. */
  buildSql: (fromMs: number, toMs: number) => Array<{ sql: string; params: unknown[] }>;
  /** Statements that bring the marks of unmarked fragments up to date (session-marks.ts), run after the chunks. */
  marksSql?: (key: string) => Array<{ sql: string; params: unknown[] }>;
  /** What else the marks pass depends on (e.g. the sites' time zones), passed to `marksSql`: a change makes the pass due. */
  marksKey?: () => Promise<string>;
  /**
   * Runs each catch-up so that it excludes the store's purges (DuckDbEventStore.maintenance): a run that
   * read events a purge then deleted would otherwise add their fragments back after the purge.
   */
  serialize?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The one-row table holding the watermark. Default `session_parts_state`. */
  stateTable?: 'session_parts_state' | 'path_sessions_state' | 'visitor_hours_state';
  /** How far behind the clock the watermark stays. Default 10 minutes. */
  lagMs?: number;
  /** Most `received_at` time rolled up per transaction, so a first build is several small commits. Default 7 days. */
  chunkMs?: number;
  now?: () => number;
}

export interface SessionPartsRun {
  /** Session fragments added. */
  fragments: number;
  /** Watermark after the run (ms), null when there is nothing to roll up yet. */
  watermark: number | null;
}

export class SessionPartsRollup {
  private current: number | null = null;
  private running: Promise<SessionPartsRun> | null = null;
  private closed = false;
  /** Fragments may lack marks: at start (a previous process may have stopped between chunks and marks) and after new chunks. */
  private marksPending = true;
  private marksKey: string | null = null;
  private readonly lagMs: number;
  private readonly chunkMs: number;
  private readonly now: () => number;
  private readonly stateTable: string;

  /** `db` is a connection of its own (EventStore.openJobConnection()), closed by `close()`. */
  constructor(
    private readonly db: JobConnection,
    private readonly opts: SessionPartsOptions,
  ) {
    this.lagMs = opts.lagMs ?? 10 * 60_000;
    this.chunkMs = Math.max(HOUR_MS, opts.chunkMs ?? 7 * DAY_MS);
    this.now = opts.now ?? Date.now;
    this.stateTable = opts.stateTable ?? 'session_parts_state';
  }

  /** Whether a watermark exists, i.e. queries gain from reading fragments. */
  ready(): boolean {
    return this.current !== null;
  }

  watermark(): number | null {
    return this.current;
  }

  /** Rolls up everything received up to the new watermark; concurrent calls share one run. */
  runOnce(): Promise<SessionPartsRun> {
    this.running ??= (this.opts.serialize ? this.opts.serialize(() => this.catchUp()) : this.catchUp()).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async catchUp(): Promise<SessionPartsRun> {
    const target = Math.floor((this.now() - this.lagMs) / HOUR_MS) * HOUR_MS;
    this.current = await this.storedWatermark();
    let from = this.current;
    if (from === null) {
      const [first] = await this.db.all<{ ms: number | null }>('SELECT epoch_ms(min(received_at)) AS ms FROM events');
      if (first?.ms == null) return { fragments: 0, watermark: null };
      from = Math.floor((first.ms - 1) / HOUR_MS) * HOUR_MS;
    }
    let fragments = 0;
    while (from < target && !this.closed) {
      const to = Math.min(target, from + this.chunkMs);
      const added = await this.rollUp(from, to);
      if (added > 0) this.marksPending = true;
      fragments += added;
      from = to;
      this.current = to;
    }
    const key = this.opts.marksKey ? await this.opts.marksKey() : '';
    if (key !== this.marksKey) this.marksPending = true;
    // A purge (store/duckdb/lifecycle.ts) unmarks a site's fragments without adding any.
    if (!this.marksPending && this.opts.marksSql) this.marksPending = await this.unmarked();
    if (this.opts.marksSql && this.marksPending && !this.closed) {
      await this.transaction(this.opts.marksSql(key));
      this.marksPending = false;
      this.marksKey = key;
    }
    return { fragments, watermark: this.current };
  }

  private async unmarked(): Promise<boolean> {
    const [row] = await this.db.all<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM marks_open WHERE s_lo IS NULL LIMIT 1)');
    return (row?.n ?? 0) > 0;
  }

  private async storedWatermark(): Promise<number | null> {
    const [row] = await this.db.all<{ ms: number | null }>(`SELECT epoch_ms(watermark) AS ms FROM ${this.stateTable} WHERE id = 1`);
    return row?.ms ?? null;
  }

  private async rollUp(fromMs: number, toMs: number): Promise<number> {
    const state = { sql: `INSERT OR REPLACE INTO ${this.stateTable} VALUES (1, epoch_ms(CAST(? AS BIGINT)))`, params: [toMs] };
    const [n] = await this.transaction([...this.opts.buildSql(fromMs, toMs), state]);
    return n ?? 0;
  }

  /** Runs the statements in one transaction; their row counts. */
  private async transaction(statements: Array<{ sql: string; params: unknown[] }>): Promise<number[]> {
    return this.db.transaction(async () => {
      const counts: number[] = [];
      for (const s of statements) counts.push(await this.db.change(s.sql, s.params));
      return counts;
    });
  }

  /** Runs now and every `everyMs` (unref'd timers); returns a stop function. */
  schedule(everyMs: number, onError: (err: unknown) => void): () => void {
    const tick = () => {
      if (!this.closed) this.runOnce().catch(onError);
    };
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, everyMs);
    first.unref();
    timer.unref();
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }

  /** Waits for a run in progress and closes the connection (before the store closes). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.running?.catch(() => undefined);
    this.db.close();
  }
}

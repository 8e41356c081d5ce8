import { vaultColumns, type DerivedTables } from '../store';
import { interactive, vaultDialect, type VaultDialect } from './dialect';
import { hashDiff, hashKey } from './keys';
import { loadEventRows, RECORD_SOURCE } from './event-rows';

export { RECORD_SOURCE };

export interface VaultLoadOptions {
  /** Events received within this long before a load are left to the next one (writes still committing). Default 60 s. */
  lagMs?: number;
  /** Each load re-reads this much before the last watermark (writes that became visible late); idempotent. Default 15 min. */
  overlapMs?: number;
  now?: () => number;
}

export interface VaultLoadReport {
  site_id: string;
  /** Events received in (from, to] were considered. */
  from: number;
  to: number;
  load_date: number;
  /** Rows added per table. */
  added: Record<string, number>;
}

/** Rows of a session's or visitor's details, as the aggregate query returns them. */
type Row = Record<string, unknown>;

const SESSION_DETAILS = vaultColumns('vault_sat_session_details');
const VISITOR_DETAILS = vaultColumns('vault_sat_visitor_details');
/** Descriptive columns of a satellite: what its hash diff covers. */
const described = (cols: string[]) => cols.slice(cols.indexOf('hash_diff') + 1, cols.indexOf('record_source'));

/**
 * Loads the vault from `events`, one site at a time, incrementally: the events received since the site's
 * watermark (less an overlap) are the new work. Event-level rows (event hub, event–session and event–page
 * links, event details) are inserted by INSERT … SELECT, skipping keys already loaded; the sessions and
 * visitors those events belong to are recomputed from all their events, and a satellite row is added only
 * when its hash diff differs from the current one, which is then end-dated. Loading twice adds nothing.
 */
export class VaultLoader {
  private readonly d: VaultDialect;
  private readonly lagMs: number;
  private readonly overlapMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: DerivedTables,
    opts: VaultLoadOptions = {},
  ) {
    this.d = vaultDialect(db.dialect);
    this.lagMs = opts.lagMs ?? 60_000;
    this.overlapMs = opts.overlapMs ?? 15 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** One incremental load of a site. */
  load(siteId: string): Promise<VaultLoadReport> {
    return this.db.exclusive(() => this.loadNow(siteId));
  }

  /** The load date a load starts now gets: after every earlier one of the site (satellite order relies on it). */
  async nextLoadDate(siteId: string): Promise<{ loadDate: number; watermark: number | null }> {
    const [state] = await this.db.all<{ watermark: number; last_load: number }>(
      `SELECT watermark, last_load FROM vault_state${this.d.final} WHERE site_id = ?`,
      [siteId],
    );
    const last = state ? Number(state.last_load) : 0;
    return { loadDate: Math.max(this.now(), last + 1), watermark: state ? Number(state.watermark) : null };
  }

  private async loadNow(siteId: string): Promise<VaultLoadReport> {
    const { loadDate, watermark } = await this.nextLoadDate(siteId);
    const to = this.now() - this.lagMs;
    const from = watermark === null ? -1 : Math.min(watermark, to) - this.overlapMs;
    const report: VaultLoadReport = { site_id: siteId, from, to, load_date: loadDate, added: {} };
    const window = `site_id = ? AND ${this.d.after('received_at')} AND ${this.d.upTo('received_at')}`;
    const wp = [siteId, from, to];
    const [span] = await this.db.all<{ n: number; lo: number | null; hi: number | null }>(
      `SELECT count(*) AS n, min(${this.d.ms('ts')}) AS lo, max(${this.d.ms('ts')}) AS hi FROM events WHERE ${window}`,
      wp,
    );
    if (Number(span?.n ?? 0) > 0) {
      await loadEventRows(this.db, this.d, siteId, window, wp, Number(span!.lo), Number(span!.hi), loadDate, report);
      const sessions = `session_id IN (SELECT session_id FROM events WHERE ${window})`;
      report.added.vault_sat_session_details = await this.deriveSessions(siteId, sessions, wp, loadDate, report);
      const visitors = `visitor_id IN (SELECT visitor_id FROM events WHERE ${window})`;
      report.added.vault_sat_visitor_details = await this.deriveVisitors(siteId, visitors, wp, loadDate, report);
    }
    await this.saveState(siteId, Math.max(to, watermark ?? to), loadDate);
    return report;
  }

  /** Records a load date used outside a load (retention recomputing details) so later loads come after it. */
  async recordLoad(siteId: string, loadDate: number): Promise<void> {
    const { watermark } = await this.nextLoadDate(siteId);
    await this.saveState(siteId, watermark ?? -1, loadDate);
  }

  private async saveState(siteId: string, watermark: number, loadDate: number): Promise<void> {
    if (this.db.dialect === 'duckdb')
      await this.db.run('INSERT OR REPLACE INTO vault_state VALUES (?, ?, ?)', [siteId, watermark, loadDate]);
    else await this.db.insert('vault_state', ['site_id', 'watermark', 'last_load'], [{ site_id: siteId, watermark, last_load: loadDate }]);
  }

  /**
   * Recomputes the details of the sessions matched by `where` (a condition on events) from all their events;
   * adds hub, link and satellite rows where new or changed, end-dates the rows they replace. Rows added.
   */
  async deriveSessions(siteId: string, where: string, params: unknown[], loadDate: number, report?: VaultLoadReport): Promise<number> {
    const d = this.d;
    const page = 'concat(host, path)';
    const rows = await this.db.all<Row>(
      `SELECT session_id, visitor_id, min(${d.ms('ts')}) AS session_start_time, max(${d.ms('ts')}) AS session_end_time,
         ${d.countIf("name = 'page_view'")} AS total_page_views, count(*) AS total_events, ${d.countIf(interactive)} AS interactive,
         ${d.firstIf(page, 'ts', "name = 'page_view'")} AS entry_page_url, ${d.lastIf(page, 'ts', "name = 'page_view'")} AS exit_page_url,
         ${d.first('referrer', 'ts')} AS referrer_url, ${d.first('utm_source', 'ts')} AS v_utm_source,
         ${d.first('utm_medium', 'ts')} AS v_utm_medium, ${d.first('utm_campaign', 'ts')} AS v_utm_campaign, ${d.first('channel', 'ts')} AS v_channel,
         sum(revenue_amount) AS total_conversion_value
       FROM events WHERE site_id = ? AND ${where} GROUP BY session_id, visitor_id`,
      [siteId, ...params],
    );
    const details = rows.map((r) => {
      const start = Number(r.session_start_time);
      const end = Number(r.session_end_time);
      const pv = Number(r.total_page_views);
      return {
        hk: hashKey(siteId, String(r.session_id), String(r.visitor_id)),
        ids: r,
        values: {
          session_start_time: start,
          session_end_time: end,
          total_page_views: pv,
          total_events: Number(r.total_events),
          session_duration_seconds: Math.round((end - start) / 1000),
          entry_page_url: String(r.entry_page_url ?? ''),
          exit_page_url: String(r.exit_page_url ?? ''),
          referrer_url: String(r.referrer_url ?? ''),
          utm_source: String(r.v_utm_source ?? ''),
          utm_medium: String(r.v_utm_medium ?? ''),
          utm_campaign: String(r.v_utm_campaign ?? ''),
          channel: String(r.v_channel ?? ''),
          is_bounce: pv === 1 && Number(r.interactive) === 0 ? 1 : 0,
          total_conversion_value: Number(r.total_conversion_value ?? 0),
        } as Row,
      };
    });
    const hubKeys = new Set(
      await this.keysOf(
        'vault_hub_session',
        'session_hk',
        siteId,
        details.map((x) => x.hk),
      ),
    );
    const fresh = details.filter((x) => !hubKeys.has(x.hk));
    await this.db.insert(
      'vault_hub_session',
      vaultColumns('vault_hub_session'),
      fresh.map((x) => ({
        session_hk: x.hk,
        site_id: siteId,
        session_id: String(x.ids.session_id),
        visitor_id: String(x.ids.visitor_id),
        load_date: loadDate,
        record_source: RECORD_SOURCE,
      })),
    );
    await this.db.insert(
      'vault_link_session_visitor',
      vaultColumns('vault_link_session_visitor'),
      fresh.map((x) => ({
        link_session_visitor_hk: hashKey(siteId, String(x.ids.session_id), String(x.ids.visitor_id), String(x.ids.visitor_id)),
        site_id: siteId,
        session_hk: x.hk,
        visitor_hk: hashKey(siteId, String(x.ids.visitor_id)),
        load_date: loadDate,
        record_source: RECORD_SOURCE,
      })),
    );
    if (report) {
      report.added.vault_hub_session = fresh.length;
      report.added.vault_link_session_visitor = fresh.length;
    }
    return this.addSatellites('vault_sat_session_details', 'session_hk', SESSION_DETAILS, siteId, details, loadDate);
  }

  /** As deriveSessions, for the visitors matched by `where`. */
  async deriveVisitors(siteId: string, where: string, params: unknown[], loadDate: number, report?: VaultLoadReport): Promise<number> {
    const d = this.d;
    const rows = await this.db.all<Row>(
      `SELECT visitor_id, ${d.lastIf('user_id', 'ts', "user_id != ''")} AS v_user_id, ${d.last('device_type', 'ts')} AS v_device_type,
         ${d.last('browser', 'ts')} AS browser_name, ${d.last('os', 'ts')} AS operating_system,
         ${d.lastIf(`concat(${d.intText('screen_w')}, 'x', ${d.intText('screen_h')})`, 'ts', 'screen_w IS NOT NULL')} AS screen_resolution,
         ${d.last('country', 'ts')} AS v_country, min(${d.ms('ts')}) AS first_visit_date, max(${d.ms('ts')}) AS last_visit_date,
         ${d.distinct('session_id')} AS total_sessions, ${d.countIf("name = 'page_view'")} AS total_page_views, count(*) AS total_events,
         sum(revenue_amount) AS lifetime_value
       FROM events WHERE site_id = ? AND ${where} GROUP BY visitor_id`,
      [siteId, ...params],
    );
    const details = rows.map((r) => ({
      hk: hashKey(siteId, String(r.visitor_id)),
      ids: r,
      values: {
        user_id: String(r.v_user_id ?? ''),
        device_type: String(r.v_device_type ?? ''),
        browser_name: String(r.browser_name ?? ''),
        operating_system: String(r.operating_system ?? ''),
        screen_resolution: String(r.screen_resolution ?? ''),
        country: String(r.v_country ?? ''),
        first_visit_date: Number(r.first_visit_date),
        last_visit_date: Number(r.last_visit_date),
        total_sessions: Number(r.total_sessions),
        total_page_views: Number(r.total_page_views),
        total_events: Number(r.total_events),
        lifetime_value: Number(r.lifetime_value ?? 0),
      } as Row,
    }));
    const hubKeys = new Set(
      await this.keysOf(
        'vault_hub_visitor',
        'visitor_hk',
        siteId,
        details.map((x) => x.hk),
      ),
    );
    const fresh = details.filter((x) => !hubKeys.has(x.hk));
    await this.db.insert(
      'vault_hub_visitor',
      vaultColumns('vault_hub_visitor'),
      fresh.map((x) => ({
        visitor_hk: x.hk,
        site_id: siteId,
        visitor_id: String(x.ids.visitor_id),
        load_date: loadDate,
        record_source: RECORD_SOURCE,
      })),
    );
    if (report) report.added.vault_hub_visitor = fresh.length;
    return this.addSatellites('vault_sat_visitor_details', 'visitor_hk', VISITOR_DETAILS, siteId, details, loadDate);
  }

  /** Which of `keys` the table holds for the site. */
  async keysOf(table: string, key: string, siteId: string, keys: string[], extra = ''): Promise<string[]> {
    const found: string[] = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      const rows = await this.db.all<Record<string, string>>(
        `SELECT ${key} FROM ${table}${this.d.final} WHERE site_id = ? AND ${key} IN (${chunk.map(() => '?').join(', ')})${extra}`,
        [siteId, ...chunk],
      );
      for (const r of rows) found.push(String(r[key]));
    }
    return found;
  }

  /** Adds a satellite row per key whose hash diff changed (or that has none), then end-dates the rows they replace. */
  private async addSatellites(
    table: 'vault_sat_session_details' | 'vault_sat_visitor_details',
    key: string,
    columns: string[],
    siteId: string,
    details: Array<{ hk: string; values: Row }>,
    loadDate: number,
  ): Promise<number> {
    const descriptive = described(columns);
    const current = new Map<string, string>();
    for (let i = 0; i < details.length; i += 1000) {
      const chunk = details.slice(i, i + 1000).map((x) => x.hk);
      const rows = await this.db.all<{ k: string; h: string }>(
        `SELECT ${key} AS k, hash_diff AS h FROM ${table}${this.d.final}
         WHERE site_id = ? AND load_end_date IS NULL AND ${key} IN (${chunk.map(() => '?').join(', ')})`,
        [siteId, ...chunk],
      );
      for (const r of rows) current.set(r.k, r.h);
    }
    const changed = details
      .map((x) => ({ ...x, diff: hashDiff(descriptive.map((c) => x.values[c])) }))
      .filter((x) => current.get(x.hk) !== x.diff);
    await this.db.insert(
      table,
      columns,
      changed.map((x) => ({
        ...x.values,
        [key]: x.hk,
        site_id: siteId,
        load_date: loadDate,
        load_end_date: null,
        hash_diff: x.diff,
        record_source: RECORD_SOURCE,
        version: loadDate,
      })),
    );
    if (changed.some((x) => current.has(x.hk))) await this.endDate(table, key, columns, siteId, loadDate);
    return changed.length;
  }

  /** Closes the open rows that a row of this load replaces: load_end_date = this load's date. */
  private async endDate(table: string, key: string, columns: string[], siteId: string, loadDate: number): Promise<void> {
    const replaced = `site_id = ? AND load_end_date IS NULL AND load_date < ? AND ${key} IN (SELECT ${key} FROM ${table} WHERE site_id = ? AND load_date = ?)`;
    const params = [siteId, loadDate, siteId, loadDate];
    if (this.db.dialect === 'duckdb') {
      await this.db.run(`UPDATE ${table} SET load_end_date = ? WHERE ${replaced}`, [loadDate, ...params]);
      return;
    }
    // ClickHouse: the row again with load_end_date set and a higher version; the table keeps that one.
    const select = columns.map((c) => (c === 'load_end_date' ? '? AS load_end_date' : c === 'version' ? '? AS version' : c));
    await this.db.run(
      // The rows are read in a subquery: ClickHouse resolves an alias (load_end_date) in the WHERE of its own SELECT.
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${select.join(', ')} FROM (SELECT * FROM ${table} FINAL WHERE ${replaced})`,
      [loadDate, loadDate, ...params],
    );
  }
}

import { VAULT_TABLES, type DerivedTables, type LifecycleStore, type PurgeCounts, type SubjectRef, type VaultTable } from '../store';
import { vaultDialect } from './dialect';
import type { VaultLoader } from './loader';
import { hashKey } from './keys';

const TABLES = Object.keys(VAULT_TABLES) as VaultTable[];
const EVENT_TABLES: VaultTable[] = ['vault_hub_event', 'vault_link_event_session', 'vault_link_event_page', 'vault_sat_event_details'];
const SESSION_TABLES: VaultTable[] = ['vault_hub_session', 'vault_link_session_visitor', 'vault_sat_session_details'];
const VISITOR_TABLES: VaultTable[] = ['vault_hub_visitor', 'vault_sat_visitor_details'];
const CHUNK = 500;

/**
 * The vault's lifecycle duties (DESIGN §8), run after the events' own (lifecycle/ calls the event store
 * first): the vault holds what the events held, so it keeps what they keep.
 * - Retention: rows of events before the cutoff go; sessions and visitors seen only before it go whole
 *   (hub, links, every satellite row); those that go on after it are recomputed from their remaining
 *   events (a new satellite row) and lose their older satellite rows, which describe deleted events.
 * - A deleted site: every row of the site, and its load state.
 * - A subject: the visitor ids (for a user id, those whose details carry it) with their sessions and events.
 * Pages no remaining event links to go too. Keys are resolved first, then deleted by key (a ClickHouse
 * mutation must not read the table it rewrites).
 */
export class VaultLifecycle implements LifecycleStore {
  private readonly final: string;

  constructor(
    private readonly db: DerivedTables,
    private readonly loader: VaultLoader,
  ) {
    this.final = vaultDialect(db.dialect).final;
  }

  purgeSiteBefore(siteId: string, cutoffMs: number): Promise<PurgeCounts> {
    return this.db.exclusive(async () => {
      const counts: PurgeCounts = {};
      for (const t of EVENT_TABLES) add(counts, t, await this.db.delete(t, 'site_id = ? AND event_ts < ?', [siteId, cutoffMs]));
      const { loadDate } = await this.loader.nextLoadDate(siteId);
      for (const [kind, tables, start, end] of [
        ['session', SESSION_TABLES, 'session_start_time', 'session_end_time'],
        ['visitor', VISITOR_TABLES, 'first_visit_date', 'last_visit_date'],
      ] as const) {
        const sat = tables[tables.length - 1]!;
        const key = `${kind}_hk`;
        const current = await this.db.all<{ k: string; ended: number }>(
          `SELECT ${key} AS k, ${end} < ? AS ended FROM ${sat}${this.final} WHERE site_id = ? AND load_end_date IS NULL AND ${start} < ?`,
          [cutoffMs, siteId, cutoffMs],
        );
        const gone = current.filter((r) => Number(r.ended)).map((r) => r.k);
        const going = current.filter((r) => !Number(r.ended)).map((r) => r.k);
        for (const t of tables) add(counts, t, await this.deleteKeys(t, siteId, key, gone));
        // Recomputed from the events left; where that gave a new row, the older rows (about deleted events) go.
        const hub = kind === 'session' ? 'vault_hub_session' : 'vault_hub_visitor';
        for (let i = 0; i < going.length; i += CHUNK) {
          const keys = going.slice(i, i + CHUNK);
          const marks = keys.map(() => '?').join(', ');
          const ids = await this.db.all<{ id: string }>(
            `SELECT DISTINCT ${kind}_id AS id FROM ${hub}${this.final} WHERE site_id = ? AND ${key} IN (${marks})`,
            [siteId, ...keys],
          );
          if (!ids.length) continue;
          const where = `${kind}_id IN (${ids.map(() => '?').join(', ')})`;
          const params = ids.map((r) => r.id);
          if (kind === 'session') await this.loader.deriveSessions(siteId, where, params, loadDate);
          else await this.loader.deriveVisitors(siteId, where, params, loadDate);
          const renewed = await this.db.all<{ k: string }>(
            `SELECT ${key} AS k FROM ${sat}${this.final} WHERE site_id = ? AND load_date = ? AND ${key} IN (${marks})`,
            [siteId, loadDate, ...keys],
          );
          const old = renewed.map((r) => r.k);
          add(counts, sat, await this.deleteKeys(sat, siteId, key, old, 'load_date < ?', [loadDate]));
        }
      }
      add(counts, 'vault_hub_page', await this.purgeOrphanPages(siteId));
      if (total(counts)) await this.loader.recordLoad(siteId, loadDate);
      return counts;
    });
  }

  purgeSite(siteId: string): Promise<PurgeCounts> {
    return this.db.exclusive(async () => {
      const counts: PurgeCounts = {};
      for (const t of TABLES) add(counts, t, await this.db.delete(t, 'site_id = ?', [siteId]));
      await this.db.delete('vault_state', 'site_id = ?', [siteId]);
      return counts;
    });
  }

  async exportSubject(siteId: string, subject: SubjectRef): Promise<Array<Record<string, unknown>>> {
    const keys = await this.subjectKeys(siteId, subject);
    const out: Array<Record<string, unknown>> = [];
    for (const [table, key, list] of [
      ['vault_sat_visitor_details', 'visitor_hk', keys.visitors],
      ['vault_sat_session_details', 'session_hk', keys.sessions],
      ['vault_sat_event_details', 'event_hk', keys.events],
    ] as const)
      for (let i = 0; i < list.length; i += CHUNK) {
        const chunk = list.slice(i, i + CHUNK);
        const rows = await this.db.all(
          `SELECT * FROM ${table}${this.final} WHERE site_id = ? AND ${key} IN (${chunk.map(() => '?').join(', ')}) ORDER BY load_date`,
          [siteId, ...chunk],
        );
        for (const r of rows) out.push({ vault_table: table, ...r });
      }
    return out;
  }

  eraseSubject(siteId: string, subject: SubjectRef): Promise<PurgeCounts> {
    return this.db.exclusive(async () => {
      const keys = await this.subjectKeys(siteId, subject);
      const counts: PurgeCounts = {};
      for (const t of EVENT_TABLES) add(counts, t, await this.deleteKeys(t, siteId, 'event_hk', keys.events));
      for (const t of SESSION_TABLES) add(counts, t, await this.deleteKeys(t, siteId, 'session_hk', keys.sessions));
      for (const t of VISITOR_TABLES) add(counts, t, await this.deleteKeys(t, siteId, 'visitor_hk', keys.visitors));
      add(counts, 'vault_hub_page', await this.purgeOrphanPages(siteId));
      return counts;
    });
  }

  /** The subject's visitor, session and event keys: from the vault itself, and for a user id also from the events still there. */
  private async subjectKeys(siteId: string, subject: SubjectRef): Promise<{ visitors: string[]; sessions: string[]; events: string[] }> {
    const visitors =
      subject.visitorId !== undefined
        ? (
            await this.db.all<{ k: string }>(
              `SELECT visitor_hk AS k FROM vault_hub_visitor${this.final} WHERE site_id = ? AND visitor_id = ?`,
              [siteId, subject.visitorId],
            )
          ).map((r) => r.k)
        : [
            ...new Set([
              // The visitors whose details carry the user id, and those the events still show with it.
              ...(
                await this.db.all<{ k: string }>(
                  `SELECT DISTINCT visitor_hk AS k FROM vault_sat_visitor_details${this.final} WHERE site_id = ? AND user_id = ?`,
                  [siteId, subject.userId],
                )
              ).map((r) => r.k),
              ...(
                await this.db.all<{ v: string }>('SELECT DISTINCT visitor_id AS v FROM events WHERE site_id = ? AND user_id = ?', [
                  siteId,
                  subject.userId,
                ])
              ).map((r) => hashKey(siteId, r.v)),
            ]),
          ];
    const sessions = await this.linked('vault_link_session_visitor', 'session_hk', 'visitor_hk', siteId, visitors);
    const events = await this.linked('vault_link_event_session', 'event_hk', 'session_hk', siteId, sessions);
    return { visitors, sessions, events };
  }

  private async linked(table: string, want: string, by: string, siteId: string, keys: string[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      const rows = await this.db.all<{ k: string }>(
        `SELECT DISTINCT ${want} AS k FROM ${table}${this.final} WHERE site_id = ? AND ${by} IN (${chunk.map(() => '?').join(', ')})`,
        [siteId, ...chunk],
      );
      for (const r of rows) out.push(r.k);
    }
    return out;
  }

  private async deleteKeys(
    table: string,
    siteId: string,
    key: string,
    keys: string[],
    extra = '',
    extraParams: unknown[] = [],
  ): Promise<number> {
    let n = 0;
    for (let i = 0; i < keys.length; i += CHUNK) {
      const chunk = keys.slice(i, i + CHUNK);
      n += await this.db.delete(table, `site_id = ? AND ${key} IN (${chunk.map(() => '?').join(', ')})${extra ? ` AND ${extra}` : ''}`, [
        siteId,
        ...chunk,
        ...extraParams,
      ]);
    }
    return n;
  }

  private async purgeOrphanPages(siteId: string): Promise<number> {
    const orphans = await this.db.all<{ k: string }>(
      `SELECT page_hk AS k FROM vault_hub_page${this.final} WHERE site_id = ? AND page_hk NOT IN (SELECT page_hk FROM vault_link_event_page WHERE site_id = ?)`,
      [siteId, siteId],
    );
    return this.deleteKeys(
      'vault_hub_page',
      siteId,
      'page_hk',
      orphans.map((r) => r.k),
    );
  }
}

const total = (c: PurgeCounts) => Object.values(c).reduce((a, b) => a + b, 0);

function add(counts: PurgeCounts, table: string, n: number): void {
  if (n) counts[table] = (counts[table] ?? 0) + n;
}

import { HEATMAP_X_CELLS, HEATMAP_Y_CELL_PX, SCROLL_STEP } from '@tidemark/core';
import {
  addDays,
  and,
  bindString,
  dialectFor,
  empty,
  ident,
  join,
  keyword,
  localDate,
  or,
  render,
  sql,
  startOfLocalDay,
  type Dialect,
  type Sql,
} from '../stats';
import { heatmapCellKeySql, type EventStore } from '../store';

/** What one grid row counts: samples in a cell (click, move), page views by scroll step, clicks by element; `day` marks a built day. */
export type CellKind = 'click' | 'move' | 'scroll' | 'el' | 'rage' | 'dead' | 'error' | 'day';

export interface Cell {
  path: string;
  viewport: string;
  kind: CellKind;
  cx: number;
  cy: number;
  selector: string;
  n: number;
}

/** One local day of a zone: its date and the UTC instants of its midnight and the next. */
export interface LocalDay {
  date: string;
  startMs: number;
  endMs: number;
}

export function localDay(date: string, tz: string): LocalDay {
  return { date, startMs: startOfLocalDay(date, tz), endMs: startOfLocalDay(addDays(date, 1), tz) };
}

/** The local days of `tz` from `firstDate` to `lastDate`, both included. */
export function localDays(firstDate: string, lastDate: string, tz: string): LocalDay[] {
  const out: LocalDay[] = [];
  for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) out.push(localDay(date, tz));
  return out;
}

export { localDate };

const SAMPLE_KIND: Record<string, CellKind> = { heatmap_click: 'click', heatmap_move: 'move' };
const ELEMENT_KIND: Record<string, CellKind> = { heatmap_click: 'el', rage_click: 'rage', dead_click: 'dead', error_click: 'error' };

// ELSE '': a plain (never NULL) string on ClickHouse, as the grid's column is.
const caseOf = (column: string, map: Record<string, CellKind>): Sql =>
  sql`CASE ${join(
    Object.entries(map).map(([from, to]) => sql`WHEN ${ident(column)} = ${bindString(from)} THEN ${bindString(to)}`),
    ' ',
  )} ELSE '' END`;

/** A whole number of one type on every branch of the UNION (ClickHouse wants equal types, NULL-free). */
const int = (d: Dialect, e: Sql): Sql => sql`CAST(ifNull(${e}, 0) AS ${keyword(d.name === 'duckdb' ? 'BIGINT' : 'Int64')})`;

const viewportOf = sql`CASE WHEN viewport_w IS NULL OR viewport_w >= 1024 THEN 'desktop' WHEN viewport_w >= 768 THEN 'tablet' ELSE 'mobile' END`;

/** What a report reads: one page or all, one viewport class or all, some kinds or all. */
export interface CellFilter {
  path?: string | undefined;
  viewport?: string | undefined;
  kinds?: readonly CellKind[] | undefined;
}

const wants = (f: CellFilter, kind: CellKind) => !f.kinds?.length || f.kinds.includes(kind);

/**
 * The cells of a site's raw samples in `spans` matching `filter`: one statement for both engines (the stats
 * dialects), only the parts the filter's kinds need. x becomes hundredths of the page width (the batch's
 * page_width, else the viewport width), y rows of 10 px; a scroll sample counts its page view at its 5 %
 * step; clicks and the frustration events count per element selector. Columns: path, viewport, kind, cx,
 * cy, selector, n (Int64 on every branch).
 */
export function cellsSql(d: Dialect, siteId: string, spans: ReadonlyArray<readonly [number, number]>, filter: CellFilter = {}): Sql {
  const inSpans = or(spans.map(([a, b]) => sql`(ts >= ${d.timestampFromMs(a)} AND ts < ${d.timestampFromMs(b)})`));
  const base = (names: string[]) =>
    and([
      sql`site_id = ${bindString(siteId)}`,
      inSpans,
      sql`name IN (${join(names.map((n) => bindString(n)))})`,
      filter.path === undefined ? empty : sql`path = ${bindString(filter.path)}`,
      filter.viewport === undefined ? empty : sql`${viewportOf} = ${bindString(filter.viewport)}`,
    ]);
  const n = int(d, sql`count(*)`);
  const zero = int(d, keyword('0'));
  const parts: Sql[] = [];
  const pointNames = Object.keys(SAMPLE_KIND).filter((name) => wants(filter, SAMPLE_KIND[name]!));
  if (pointNames.length) {
    // The batch's page width when it holds a positive number (NULL otherwise fails `> 0`), else the viewport's.
    const pageWidth = d.toNumberOrNull(d.propertyValue(ident('props'), 'page_width'));
    const width = sql`CASE WHEN ${pageWidth} > 0 THEN ${pageWidth} ELSE viewport_w END`;
    const cx = int(
      d,
      sql`least(${keyword(String(HEATMAP_X_CELLS - 1))}, greatest(0, floor(x * ${keyword(String(HEATMAP_X_CELLS))} / ${width})))`,
    );
    parts.push(sql`SELECT path, ${viewportOf} AS viewport, ${caseOf('name', SAMPLE_KIND)} AS kind,
      ${cx} AS cx, ${int(d, sql`floor(y / ${keyword(String(HEATMAP_Y_CELL_PX))})`)} AS cy, '' AS selector, ${n} AS n
      FROM events WHERE ${base(pointNames)} AND x IS NOT NULL AND y IS NOT NULL AND ${width} > 0
      GROUP BY path, viewport, kind, cx, cy`);
  }
  if (wants(filter, 'scroll')) {
    const step = int(d, sql`least(100, floor(scroll_depth / ${keyword(String(SCROLL_STEP))}) * ${keyword(String(SCROLL_STEP))})`);
    parts.push(sql`SELECT path, ${viewportOf} AS viewport, 'scroll' AS kind, ${step} AS cx, ${zero} AS cy, '' AS selector, ${n} AS n
      FROM events WHERE ${base(['heatmap_scroll'])} AND scroll_depth IS NOT NULL GROUP BY path, viewport, cx`);
  }
  const elementNames = Object.keys(ELEMENT_KIND).filter((name) => wants(filter, ELEMENT_KIND[name]!));
  if (elementNames.length)
    parts.push(sql`SELECT path, ${viewportOf} AS viewport, ${caseOf('name', ELEMENT_KIND)} AS kind, ${zero} AS cx, ${zero} AS cy,
      selector, ${n} AS n
      FROM events WHERE ${base(elementNames)} GROUP BY path, viewport, kind, selector`);
  return join(parts, ' UNION ALL ');
}

/** The cells of the raw samples in `spans`, each distinct cell once (summed in the engine). */
export async function rawCells(
  events: EventStore,
  siteId: string,
  spans: ReadonlyArray<readonly [number, number]>,
  filter: CellFilter = {},
): Promise<Cell[]> {
  if (!spans.length) return [];
  const d = dialectFor(events.dialect);
  const q = sql`SELECT path, viewport, kind, cx, cy, selector, sum(n) AS agg_n FROM (${cellsSql(d, siteId, spans, filter)}) AS c
    GROUP BY path, viewport, kind, cx, cy, selector`;
  const { sql: text, params } = render(q, d);
  const rows = await events.query<Record<string, unknown>>(text, params);
  return rows.map(toCell);
}

// Summed rows name their count agg_n: on ClickHouse an alias shadows a column of the same name everywhere
// in the statement (WHERE included).
const toCell = (r: Record<string, unknown>): Cell => ({
  path: String(r.path ?? ''),
  viewport: String(r.viewport ?? ''),
  kind: String(r.kind) as CellKind,
  cx: Number(r.cx),
  cy: Number(r.cy),
  selector: String(r.selector ?? ''),
  n: Number(r.agg_n),
});

/** A day mark's selector once a rebuild in another zone has replaced the day: matches no zone. */
const SUPERSEDED = '-';

/**
 * Builds the grid of one local day of a site (in zone `tz`) from its raw samples, in the engine (one
 * INSERT … SELECT … GROUP BY; nothing crosses to the server), and marks the day built in that zone, so
 * reports read the grid for it instead of the samples. Day marks of another zone starting within the
 * day are marked superseded (ClickHouse keeps rows a rebuild does not replace; DuckDB drops the span's
 * rows first). Counts only grow while samples arrive; a day whose samples are gone is never rebuilt.
 */
export async function buildDay(events: EventStore, siteId: string, day: LocalDay, tz: string, version = Date.now()): Promise<void> {
  const d = dialectFor(events.dialect);
  const dayMs = int(d, keyword(String(Math.trunc(day.startMs))));
  const ver = keyword(String(Math.trunc(version)));
  const zero = int(d, keyword('0'));
  const cells = cellsSql(d, siteId, [[day.startMs, day.endMs]]);
  // The marks of other zones are read under another name: on ClickHouse an alias shadows the column.
  const otherMarks = sql`SELECT day AS mark_day FROM heatmap_cells WHERE site_id = ${bindString(siteId)} AND kind = 'day'
    AND day > ${keyword(String(Math.trunc(day.startMs)))} AND day < ${keyword(String(Math.trunc(day.endMs)))} AND selector <> ${bindString(tz)}`;
  const rows = sql`SELECT ${dayMs} AS day, path, viewport, kind, cx, cy, selector, n FROM (${cells}) AS c
    UNION ALL SELECT ${dayMs} AS day, '' AS path, '' AS viewport, 'day' AS kind, ${zero} AS cx, ${zero} AS cy, ${bindString(tz)} AS selector, ${zero} AS n
    UNION ALL SELECT ${int(d, ident('mark_day'))} AS day, '' AS path, '' AS viewport, 'day' AS kind, ${zero} AS cx, ${zero} AS cy,
      ${bindString(SUPERSEDED)} AS selector, ${zero} AS n FROM (${otherMarks}) AS m`;
  const q = sql`SELECT ${keyword(heatmapCellKeySql(d.name))} AS cell_key, day, path, viewport, kind, cx, cy, selector, n, ${ver} AS version
    FROM (${rows}) AS r`;
  const { sql: text, params } = render(q, d);
  await events.rebuildSideRows('heatmap_cells', siteId, { fromMs: day.startMs, toMs: day.endMs }, { sql: text, params });
}

/** The starts of the days in [fromMs, toMs) whose grid is built in zone `tz`. */
export async function builtDays(events: EventStore, siteId: string, fromMs: number, toMs: number, tz: string): Promise<Set<number>> {
  return (await dayMarks(events, siteId, fromMs, toMs, tz)).built;
}

/** The grid days of [fromMs, toMs) built in zone `tz`, and whether the span holds rows of other zones too. */
export interface DayMarks {
  built: Set<number>;
  foreign: boolean;
}

export async function dayMarks(events: EventStore, siteId: string, fromMs: number, toMs: number, tz: string): Promise<DayMarks> {
  const rows = await events.query<{ day: number; selector: string }>(
    "SELECT day, selector FROM heatmap_cells WHERE site_id = ? AND kind = 'day' AND day >= ? AND day < ?",
    [siteId, Math.trunc(fromMs), Math.trunc(toMs)],
  );
  const built = new Set<number>();
  let foreign = false;
  for (const r of rows) {
    if (r.selector === tz) built.add(Number(r.day));
    else foreign = true;
  }
  return { built, foreign };
}

/** Starts of the days marked built in another zone than `tz` (not superseded) in [fromMs, toMs). */
export async function otherZoneDays(events: EventStore, siteId: string, fromMs: number, toMs: number, tz: string): Promise<number[]> {
  const rows = await events.query<{ day: number }>(
    "SELECT DISTINCT day FROM heatmap_cells WHERE site_id = ? AND kind = 'day' AND selector <> ? AND selector <> ? AND day >= ? AND day < ?",
    [siteId, tz, SUPERSEDED, Math.trunc(fromMs), Math.trunc(toMs)],
  );
  return rows.map((r) => Number(r.day));
}

/**
 * Grid rows of the built days `days` matching `filter` (never the day marks), summed over the days in the
 * engine: one row per distinct cell or selector.
 */
export async function gridCells(events: EventStore, siteId: string, marks: DayMarks, filter: CellFilter = {}): Promise<Cell[]> {
  const days = [...marks.built].sort((a, b) => a - b);
  if (!days.length) return [];
  const d = dialectFor(events.dialect);
  const kinds = filter.kinds?.length ? filter.kinds : (['click', 'move', 'scroll', 'el', 'rage', 'dead', 'error'] as const);
  // Runs of consecutive built days as ranges (the engine skips by its min/max per block; a long IN list costs
  // per row); the exact list only when rows of another zone lie between them.
  const dayCond = marks.foreign
    ? sql`day IN (${join(days.map((day) => keyword(String(Math.trunc(day)))))})`
    : or(dayRuns(days).map(([a, b]) => sql`(day >= ${keyword(String(Math.trunc(a)))} AND day <= ${keyword(String(Math.trunc(b)))})`));
  const where = (kindCond: Sql) =>
    and([
      sql`site_id = ${bindString(siteId)}`,
      dayCond,
      kindCond,
      filter.path === undefined ? empty : sql`path = ${bindString(filter.path)}`,
      filter.viewport === undefined ? empty : sql`viewport = ${bindString(filter.viewport)}`,
    ]);
  if (filter.path !== undefined && filter.viewport !== undefined)
    return pageGridCells(events, d, kinds, where, filter.path, filter.viewport);
  const q = sql`SELECT path, viewport, kind, cx, cy, selector, sum(n) AS agg_n FROM heatmap_cells
    WHERE ${where(sql`kind IN (${join(kinds.map((k) => bindString(k)))})`)}
    GROUP BY path, viewport, kind, cx, cy, selector`;
  const { sql: text, params } = render(q, d);
  const rows = await events.query<Record<string, unknown>>(text, params);
  return rows.map(toCell);
}

/** Local days are 23 to 25 hours long: starts closer than this are neighbours. */
const NEXT_DAY_MAX_MS = 26 * 3_600_000;

/** Sorted day starts as [first, last] runs of neighbouring days. */
export function dayRuns(days: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const day of days) {
    const last = runs[runs.length - 1];
    if (last && day - last[1] <= NEXT_DAY_MAX_MS) last[1] = day;
    else runs.push([day, day]);
  }
  return runs;
}

/** Cells (0 … 99) per row of the packed cell number `cy · 128 + cx`. */
const PACK = 128;
const POINT_KINDS: readonly CellKind[] = ['click', 'move', 'scroll'];

/**
 * One page and viewport class (the heatmap view): each point kind summed per cell as one packed integer,
 * and the element kinds per selector. A 90-day map sums ~10⁵ grid rows into ~3·10⁴ cells, and grouping by
 * one integer instead of six columns (four of them text) is most of its time (bench/README.md, heatmap).
 */
async function pageGridCells(
  events: EventStore,
  d: Dialect,
  kinds: readonly CellKind[],
  where: (kindCond: Sql) => Sql,
  path: string,
  viewport: string,
): Promise<Cell[]> {
  const zero = int(d, keyword('0'));
  // Output names differ from the columns: on ClickHouse an alias shadows the column in WHERE.
  const parts = kinds
    .filter((k) => POINT_KINDS.includes(k))
    .map(
      (k) => sql`SELECT ${bindString(k)} AS k, cy * ${keyword(String(PACK))} + cx AS c, '' AS sel, sum(n) AS agg_n FROM heatmap_cells
        WHERE ${where(sql`kind = ${bindString(k)}`)} GROUP BY c`,
    );
  const elementKinds = kinds.filter((k) => !POINT_KINDS.includes(k) && k !== 'day');
  if (elementKinds.length)
    parts.push(sql`SELECT kind AS k, ${zero} AS c, selector AS sel, sum(n) AS agg_n FROM heatmap_cells
      WHERE ${where(sql`kind IN (${join(elementKinds.map((k) => bindString(k)))})`)} GROUP BY kind, selector`);
  if (!parts.length) return [];
  const { sql: text, params } = render(join(parts, ' UNION ALL '), d);
  const rows = await events.query<{ k: string; c: number | bigint; sel: string; agg_n: number | bigint }>(text, params);
  return rows.map((r) => {
    const c = Number(r.c);
    return {
      path,
      viewport,
      kind: r.k as CellKind,
      cx: c % PACK,
      cy: Math.floor(c / PACK),
      selector: String(r.sel ?? ''),
      n: Number(r.agg_n),
    };
  });
}

/** The days of `days` not in `built`, merged into spans. */
export function unbuiltSpans(days: readonly LocalDay[], built: ReadonlySet<number>): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const day of days) {
    if (built.has(day.startMs)) continue;
    const last = spans[spans.length - 1];
    if (last && last[1] === day.startMs) last[1] = day.endMs;
    else spans.push([day.startMs, day.endMs]);
  }
  return spans;
}

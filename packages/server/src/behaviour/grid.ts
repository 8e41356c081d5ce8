import { createHash } from 'node:crypto';
import { HEATMAP_X_CELLS, HEATMAP_Y_CELL_PX, SCROLL_STEP } from '@tidemark/core';
import { and, bindString, dialectFor, empty, ident, join, keyword, or, render, sql, type Dialect, type Sql } from '../stats';
import type { EventStore, SideRow } from '../store';

export const DAY_MS = 86_400_000;

/** What one grid row counts: samples in a cell (click, move), page views by scroll step, clicks by element. */
export type CellKind = 'click' | 'move' | 'scroll' | 'el' | 'rage' | 'dead' | 'error' | 'day';

export interface Cell {
  day: number;
  path: string;
  viewport: string;
  kind: CellKind;
  cx: number;
  cy: number;
  selector: string;
  n: number;
}

const SAMPLE_KIND: Record<string, CellKind> = { heatmap_click: 'click', heatmap_move: 'move', heatmap_scroll: 'scroll' };
const ELEMENT_KIND: Record<string, CellKind> = { heatmap_click: 'el', rage_click: 'rage', dead_click: 'dead', error_click: 'error' };

/** A number from the props text: DuckDB's TRY_CAST gives NULL, ClickHouse's OrZero gives 0 for ''; both fail `> 0`. */
const toNumber = (d: Dialect, text: Sql): Sql => (d.name === 'duckdb' ? sql`TRY_CAST(${text} AS DOUBLE)` : sql`toFloat64OrZero(${text})`);

const caseOf = (column: string, map: Record<string, CellKind>): Sql =>
  sql`CASE ${join(
    Object.entries(map).map(([from, to]) => sql`WHEN ${ident(column)} = ${bindString(from)} THEN ${bindString(to)}`),
    ' ',
  )} END`;

/** A whole number of one type on every branch of the UNION (ClickHouse wants equal types, NULL-free). */
const int = (d: Dialect, e: Sql): Sql => sql`CAST(ifNull(${e}, 0) AS ${keyword(d.name === 'duckdb' ? 'BIGINT' : 'Int64')})`;

const viewportOf = sql`CASE WHEN viewport_w IS NULL OR viewport_w >= 1024 THEN 'desktop' WHEN viewport_w >= 768 THEN 'tablet' ELSE 'mobile' END`;

/**
 * The grid rows of a site's raw samples in [fromMs, toMs), grouped per UTC day: one statement for both
 * engines (the stats dialects). x becomes hundredths of the page width (the batch's page_width, else the
 * viewport width), y rows of 10 px; a scroll sample counts its page view at its 5 % step; clicks and the
 * frustration events count per element selector.
 */
export function cellsSql(d: Dialect, siteId: string, spans: ReadonlyArray<readonly [number, number]>, path?: string): Sql {
  const ms = d.timestampToMs(ident('ts'));
  const day = int(d, sql`floor(${ms} / ${keyword(String(DAY_MS))}) * ${keyword(String(DAY_MS))}`);
  const inSpans = or(spans.map(([a, b]) => sql`(ts >= ${d.timestampFromMs(a)} AND ts < ${d.timestampFromMs(b)})`));
  const base = (names: string[]) =>
    and([
      sql`site_id = ${bindString(siteId)}`,
      inSpans,
      sql`name IN (${join(names.map((n) => bindString(n)))})`,
      path === undefined ? empty : sql`path = ${bindString(path)}`,
    ]);
  const width = sql`CASE WHEN ${toNumber(d, d.propertyValue(ident('props'), 'page_width'))} > 0 THEN ${toNumber(d, d.propertyValue(ident('props'), 'page_width'))} ELSE viewport_w END`;
  const cx = int(
    d,
    sql`least(${keyword(String(HEATMAP_X_CELLS - 1))}, greatest(0, floor(x * ${keyword(String(HEATMAP_X_CELLS))} / ${width})))`,
  );
  const points = sql`SELECT ${day} AS day, path, ${viewportOf} AS viewport, ${caseOf('name', SAMPLE_KIND)} AS kind,
      ${cx} AS cx, ${int(d, sql`floor(y / ${keyword(String(HEATMAP_Y_CELL_PX))})`)} AS cy, '' AS selector, count(*) AS n
    FROM events WHERE ${base(['heatmap_click', 'heatmap_move'])} AND x IS NOT NULL AND y IS NOT NULL AND ${width} > 0
    GROUP BY day, path, viewport, kind, cx, cy`;
  const step = int(d, sql`least(100, floor(scroll_depth / ${keyword(String(SCROLL_STEP))}) * ${keyword(String(SCROLL_STEP))})`);
  const scroll = sql`SELECT ${day} AS day, path, ${viewportOf} AS viewport, 'scroll' AS kind, ${step} AS cx, ${int(d, keyword('0'))} AS cy, '' AS selector, count(*) AS n
    FROM events WHERE ${base(['heatmap_scroll'])} AND scroll_depth IS NOT NULL GROUP BY day, path, viewport, cx`;
  const elements = sql`SELECT ${day} AS day, path, ${viewportOf} AS viewport, ${caseOf('name', ELEMENT_KIND)} AS kind, ${int(d, keyword('0'))} AS cx, ${int(d, keyword('0'))} AS cy,
      selector, count(*) AS n
    FROM events WHERE ${base(Object.keys(ELEMENT_KIND))} GROUP BY day, path, viewport, kind, selector`;
  return sql`${points} UNION ALL ${scroll} UNION ALL ${elements}`;
}

/** What a report reads: one page or all, one viewport class or all, some kinds or all. */
export interface CellFilter {
  path?: string | undefined;
  viewport?: string | undefined;
  kinds?: readonly CellKind[] | undefined;
}

const filterSql = (f: CellFilter): Sql =>
  and([
    f.viewport === undefined ? empty : sql`viewport = ${bindString(f.viewport)}`,
    f.kinds?.length ? sql`kind IN (${join(f.kinds.map((k) => bindString(k)))})` : empty,
  ]);

/**
 * Runs `cellsSql` and reads its rows as numbers: per day (the grid job), or with `collapse` summed over
 * the days and narrowed to `filter` in the engine, so a report ships distinct cells, not cells × days.
 */
export async function rawCells(
  events: EventStore,
  siteId: string,
  spans: ReadonlyArray<readonly [number, number]>,
  filter: CellFilter = {},
  collapse = false,
): Promise<Cell[]> {
  if (!spans.length) return [];
  const d = dialectFor(events.dialect);
  const inner = cellsSql(d, siteId, spans, filter.path);
  const q = collapse
    ? sql`SELECT path, viewport, kind, cx, cy, selector, sum(n) AS agg_n FROM (${inner}) AS c WHERE ${filterSql(filter)}
        GROUP BY path, viewport, kind, cx, cy, selector`
    : inner;
  const { sql: text, params } = render(q, d);
  const rows = await events.query<Record<string, unknown>>(text, params);
  return rows.map(toCell);
}

// Summed rows name their count agg_n and carry no day: on ClickHouse an alias shadows a column of the same
// name everywhere in the statement (WHERE included).
const toCell = (r: Record<string, unknown>): Cell => ({
  day: Number(r.day ?? 0),
  path: String(r.path ?? ''),
  viewport: String(r.viewport ?? ''),
  kind: String(r.kind) as CellKind,
  cx: Number(r.cx),
  cy: Number(r.cy),
  selector: String(r.selector ?? ''),
  n: Number(r.agg_n ?? r.n),
});

/** The grid row of a cell: its key names it within the site, so rebuilding a day replaces its rows. */
export function cellRow(siteId: string, c: Cell, version: number): SideRow {
  const key = createHash('sha256')
    .update([c.day, c.path, c.viewport, c.kind, c.cx, c.cy, c.selector].join('\u0000'))
    .digest('base64url')
    .slice(0, 32);
  return {
    site_id: siteId,
    cell_key: key,
    day: c.day,
    path: c.path,
    viewport: c.viewport,
    kind: c.kind,
    cx: c.cx,
    cy: c.cy,
    selector: c.selector,
    n: c.n,
    version,
  };
}

/**
 * Rebuilds the grid of one UTC day of a site from its raw samples, and marks the day built (a `day` row),
 * so queries read the grid for it instead of the samples. Counts only grow while samples arrive; a
 * rebuild after the samples are gone (retention) is never run: the grid's own retention drops the day.
 */
export async function buildDay(events: EventStore, siteId: string, day: number, version = Date.now()): Promise<number> {
  const cells = await rawCells(events, siteId, [[day, day + DAY_MS]]);
  const rows = cells.map((c) => cellRow(siteId, c, version));
  rows.push(cellRow(siteId, { day, path: '', viewport: '', kind: 'day', cx: 0, cy: 0, selector: '', n: cells.length }, version));
  await events.upsertSideRows('heatmap_cells', rows);
  return cells.length;
}

/** The UTC days of [fromMs, toMs) whose grid is built. */
export async function builtDays(events: EventStore, siteId: string, fromMs: number, toMs: number): Promise<Set<number>> {
  const rows = await events.query<{ day: number }>(
    "SELECT day FROM heatmap_cells WHERE site_id = ? AND kind = 'day' AND day >= ? AND day < ?",
    [siteId, fromMs, toMs],
  );
  return new Set(rows.map((r) => Number(r.day)));
}

/**
 * Grid rows in [fromMs, toMs) (the built days) matching `filter` (never the day marks), summed over the
 * days in the engine: one row per distinct cell or selector.
 */
export async function gridCells(
  events: EventStore,
  siteId: string,
  fromMs: number,
  toMs: number,
  filter: CellFilter = {},
): Promise<Cell[]> {
  const d = dialectFor(events.dialect);
  const q = sql`SELECT path, viewport, kind, cx, cy, selector, sum(n) AS agg_n FROM heatmap_cells
    WHERE ${and([
      sql`site_id = ${bindString(siteId)}`,
      sql`day >= ${keyword(String(Math.trunc(fromMs)))}`,
      sql`day < ${keyword(String(Math.trunc(toMs)))}`,
      sql`kind <> 'day'`,
      filter.path === undefined ? empty : sql`path = ${bindString(filter.path)}`,
      filterSql(filter),
    ])}
    GROUP BY path, viewport, kind, cx, cy, selector`;
  const { sql: text, params } = render(q, d);
  const rows = await events.query<Record<string, unknown>>(text, params);
  return rows.map(toCell);
}

/** Days (UTC day starts) in [fromMs, toMs) not in `built`, merged into spans. */
export function unbuiltSpans(fromMs: number, toMs: number, built: ReadonlySet<number>): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < toMs; day += DAY_MS) {
    if (built.has(day)) continue;
    const a = Math.max(day, fromMs);
    const b = Math.min(day + DAY_MS, toMs);
    const last = spans[spans.length - 1];
    if (last && last[1] === a) last[1] = b;
    else spans.push([a, b]);
  }
  return spans;
}

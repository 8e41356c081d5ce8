import {
  badRequest,
  HEATMAP_X_CELLS,
  HEATMAP_Y_CELL_PX,
  SCROLL_STEP,
  VIEWPORT_REFERENCE,
  type FrustrationReport,
  type HeatmapParams,
  type HeatmapReport,
} from '@tidemark/core';
import type { Cell } from './grid';

/** The page path of `page_url`: a full http(s) URL's path, or a path as given. */
export function pagePath(pageUrl: string): string {
  if (pageUrl.startsWith('/')) return pageUrl;
  try {
    const u = new URL(pageUrl);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.pathname || '/';
  } catch {
    // not a URL: refused below
  }
  throw badRequest('invalid_page_url', 'page_url: a URL (http or https) or a path starting with /');
}

type Point = { x: number; y: number; count: number };

function points(cells: Cell[], kind: 'click' | 'move', width: number): Point[] {
  // Keyed by one number (cx < HEATMAP_X_CELLS): a 90-day map has tens of thousands of cells.
  const by = new Map<number, Point>();
  for (const c of cells) {
    if (c.kind !== kind) continue;
    const k = c.cy * HEATMAP_X_CELLS + c.cx;
    const p = by.get(k);
    if (p) p.count += c.n;
    else
      by.set(k, {
        x: Math.round(((c.cx + 0.5) / HEATMAP_X_CELLS) * width),
        y: c.cy * HEATMAP_Y_CELL_PX + HEATMAP_Y_CELL_PX / 2,
        count: c.n,
      });
  }
  return [...by.values()].sort((a, b) => b.count - a.count || a.y - b.y || a.x - b.x);
}

/** Share of page views (with a scroll sample) reaching each depth: 0, 5 … 100 %, one decimal. */
function scrollShares(cells: Cell[]): { total: number; shares: Array<{ depth: number; percentage: number }> } {
  const atStep = new Map<number, number>();
  let total = 0;
  for (const c of cells)
    if (c.kind === 'scroll') {
      atStep.set(c.cx, (atStep.get(c.cx) ?? 0) + c.n);
      total += c.n;
    }
  const shares: Array<{ depth: number; percentage: number }> = [];
  let reached = total;
  for (let depth = 0; depth <= 100; depth += SCROLL_STEP) {
    shares.push({ depth, percentage: total ? Math.round((1000 * reached) / total) / 10 : 0 });
    reached -= atStep.get(depth) ?? 0;
  }
  return { total, shares };
}

const ELEMENT_COLUMN = { el: 'clicks', rage: 'rage_clicks', dead: 'dead_clicks', error: 'error_clicks' } as const;
type ElementRow = HeatmapReport['top_elements'][number];

function topElements(cells: Cell[], limit: number): ElementRow[] {
  const by = new Map<string, ElementRow>();
  for (const c of cells) {
    const column = ELEMENT_COLUMN[c.kind as keyof typeof ELEMENT_COLUMN];
    if (!column) continue;
    const row = by.get(c.selector) ?? { selector: c.selector, clicks: 0, rage_clicks: 0, dead_clicks: 0, error_clicks: 0 };
    by.set(c.selector, row);
    row[column] += c.n;
  }
  return [...by.values()]
    .sort(
      (a, b) => b.clicks - a.clicks || b.rage_clicks - a.rage_clicks || b.dead_clicks - a.dead_clicks || (a.selector < b.selector ? -1 : 1),
    )
    .slice(0, limit);
}

/** The PRD §7.2.7 answer from a page's cells (grid and raw alike) of the period. */
export function heatmapReport(
  path: string,
  params: HeatmapParams,
  period: { start_date: string; end_date: string },
  cells: Cell[],
  screenshotUrl: string | null,
): HeatmapReport {
  const mine = cells.filter((c) => c.viewport === params.viewport);
  const ref = VIEWPORT_REFERENCE[params.viewport];
  const clicks = points(mine, 'click', ref.width);
  const moves = points(mine, 'move', ref.width);
  const scroll = scrollShares(mine);
  const data: HeatmapReport['data'] = params.type === 'click' ? { clicks } : params.type === 'move' ? { moves } : { scroll: scroll.shares };
  return {
    page_url: path,
    screenshot_url: screenshotUrl,
    viewport: ref,
    viewport_class: params.viewport,
    type: params.type,
    period,
    data,
    totals: {
      clicks: clicks.reduce((s, p) => s + p.count, 0),
      moves: moves.reduce((s, p) => s + p.count, 0),
      scroll_views: scroll.total,
    },
    top_elements: topElements(mine, 50),
  };
}

/** Pages by frustration signals (all viewports), most rage clicks first. */
export function frustrationReport(period: FrustrationReport['period'], cells: Cell[], limit: number): FrustrationReport {
  const totals = { rage_clicks: 0, dead_clicks: 0, error_clicks: 0 };
  const by = new Map<string, FrustrationReport['pages'][number]>();
  for (const c of cells) {
    const column = c.kind === 'rage' ? 'rage_clicks' : c.kind === 'dead' ? 'dead_clicks' : c.kind === 'error' ? 'error_clicks' : null;
    if (!column) continue;
    const row = by.get(c.path) ?? { page: c.path, rage_clicks: 0, dead_clicks: 0, error_clicks: 0 };
    by.set(c.path, row);
    row[column] += c.n;
    totals[column] += c.n;
  }
  const pages = [...by.values()]
    .sort(
      (a, b) =>
        b.rage_clicks - a.rage_clicks || b.dead_clicks - a.dead_clicks || b.error_clicks - a.error_clicks || (a.page < b.page ? -1 : 1),
    )
    .slice(0, limit);
  return { period, totals, pages };
}

import type { PageNeighbours, PathLink, PathNode, Paths, Query } from '@tidemark/core';
import type { Reader } from '../cache';
import type { Dialect } from '../dialect';
import { SESSION_LOOKAROUND_MS } from '../optimize';
import { planQuery } from '../run';
import { compilePaths, labelOf, type PathsQuery } from './compile';
import type { NeighboursRequest, PathAnchor, PathsRequest } from './params';

interface Row {
  k: number;
  lbl: string;
  nxt: string;
  n: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (a: number, b: number) => (b > 0 ? round1((a / b) * 100) : 0);
const OTHER = 'o(other)';
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A label ('p' + path, 'e' + name, 'o(other)') as kind and name. */
function stepOf(label: string): { kind: PathNode['kind']; name: string } {
  const kind = label[0] === 'p' ? 'page' : label[0] === 'e' ? 'event' : 'other';
  return { kind, name: label.slice(1) };
}

type Site = { id: string; timezone: string };
type Period = Pick<PathsRequest, 'dateRange' | 'filters'>;

async function pathRows(
  reader: Reader,
  d: Dialect,
  site: Site,
  req: Period,
  anchor: PathAnchor,
  events: boolean,
  take: number,
  nowMs: number,
  rollupReady: boolean,
) {
  const query = {
    site_id: site.id,
    date_range: req.dateRange,
    metrics: ['visitors'],
    dimensions: [],
    filters: req.filters,
    limit: 1,
    offset: 0,
  } as Query;
  const plan = planQuery(query, { defaultTimezone: site.timezone, nowMs });
  // The path-sessions rollup holds page views per session, nothing to filter by (docs/paths.md "Speed").
  const rollup = rollupReady && d.name === 'duckdb' && !events && plan.eventFilters.length === 0 && plan.sessionFilters.length === 0;
  const q: PathsQuery = { siteId: site.id, plan, anchor, events, take, lookaroundMs: SESSION_LOOKAROUND_MS, rollup };
  const c = compilePaths(d, q);
  const rows = await reader.query<Record<string, unknown>>(c.sql, c.params);
  const out: Row[] = rows.map((r) => ({ k: Number(r.k), lbl: String(r.lbl), nxt: String(r.nxt ?? ''), n: Number(r.n) }));
  return { plan, rows: out };
}

/** The site's paths for the request (README "Paths"): per step its largest values as nodes, the rest as "(other)". */
export async function runPaths(
  reader: Reader,
  d: Dialect,
  site: Site,
  req: PathsRequest,
  nowMs: number,
  rollupReady = false,
): Promise<Paths> {
  const { plan, rows } = await pathRows(reader, d, site, req, req.anchor, req.events, req.depth + 1, nowMs, rollupReady);
  const depth = req.depth;
  // Visitors per (step, label); the kept labels of each step.
  const totals = new Map<number, Map<string, number>>();
  for (const r of rows) {
    const m = totals.get(r.k) ?? new Map<string, number>();
    m.set(r.lbl, (m.get(r.lbl) ?? 0) + r.n);
    totals.set(r.k, m);
  }
  const kept = new Map<number, Set<string>>();
  for (const [k, m] of totals) {
    const top = [...m.entries()].sort((a, b) => b[1] - a[1] || byBytes(a[0], b[0])).slice(0, req.nodesPerStep);
    kept.set(k, new Set(top.map(([l]) => l)));
  }
  const keyOf = (k: number, lbl: string) => (kept.get(k)?.has(lbl) ? lbl : OTHER);
  const nodes = new Map<string, PathNode>();
  const links = new Map<string, PathLink>();
  const idOf = (k: number, key: string) => `${k}:${key}`;
  for (const r of rows) {
    if (r.k > depth) continue;
    const key = keyOf(r.k, r.lbl);
    const id = idOf(r.k, key);
    const node = nodes.get(id) ?? { id, step: r.k, ...stepOf(key), visitors: 0, drop_off: 0 };
    node.visitors += r.n;
    if (r.nxt === '') node.drop_off += r.n;
    nodes.set(id, node);
    if (r.nxt !== '' && r.k < depth) {
      const target = idOf(r.k + 1, keyOf(r.k + 1, r.nxt));
      const lid = `${id}>${target}`;
      const link = links.get(lid) ?? { source: id, target, visitors: 0 };
      link.visitors += r.n;
      links.set(lid, link);
    }
  }
  const nodeList = [...nodes.values()].sort((a, b) => a.step - b.step || b.visitors - a.visitors || byBytes(a.id, b.id));
  const steps = Array.from({ length: depth }, (_, i) => {
    const at = nodeList.filter((n) => n.step === i + 1);
    const visitors = at.reduce((s, n) => s + n.visitors, 0);
    const dropOff = at.reduce((s, n) => s + n.drop_off, 0);
    return { step: i + 1, visitors, drop_off: dropOff, drop_off_rate: pct(dropOff, visitors) };
  }).filter((s) => s.visitors > 0);
  return {
    period: { start: plan.range.startDate, end: plan.range.endDate },
    anchor: req.anchor,
    direction: req.anchor.position === 'start' ? 'forward' : 'backward',
    depth,
    visitors: steps[0]?.visitors ?? 0,
    steps,
    nodes: nodeList,
    links: [...links.values()].sort((a, b) => b.visitors - a.visitors || byBytes(a.source, b.source) || byBytes(a.target, b.target)),
  };
}

/** Next and previous steps of a page: paths of depth 2 from it and to it. */
export async function runNeighbours(
  reader: Reader,
  d: Dialect,
  site: Site,
  req: NeighboursRequest,
  nowMs: number,
  rollupReady = false,
): Promise<PageNeighbours> {
  const anchor = (position: 'start' | 'end'): PathAnchor => ({ position, kind: 'page', name: req.page });
  const [fwd, back] = await Promise.all([
    pathRows(reader, d, site, req, anchor('start'), req.events, 2, nowMs, rollupReady),
    pathRows(reader, d, site, req, anchor('end'), req.events, 2, nowMs, rollupReady),
  ]);
  const self = labelOf('page', req.page);
  const list = (rows: Row[], none: 'exit' | 'entrance') => {
    const first = rows.filter((r) => r.k === 1 && r.lbl === self);
    const total = first.reduce((s, r) => s + r.n, 0);
    const items = first
      .map((r) => (r.nxt === '' ? { kind: none, name: `(${none})` } : stepOf(r.nxt)) as { kind: PathNode['kind']; name: string })
      .map((s, i) => ({ ...s, visitors: first[i]!.n, share: pct(first[i]!.n, total) }))
      .sort((a, b) => b.visitors - a.visitors || byBytes(a.kind, b.kind) || byBytes(a.name, b.name))
      .slice(0, req.limit);
    return { total, items };
  };
  const next = list(fwd.rows, 'exit');
  const previous = list(back.rows, 'entrance');
  return {
    period: { start: fwd.plan.range.startDate, end: fwd.plan.range.endDate },
    page: req.page,
    visitors: next.total,
    next: next.items,
    previous: previous.items,
  };
}

import { badRequest, windowMs as windowToMs, type Funnel, type FunnelStats, type Query } from '@tidemark/core';
import type { Reader } from '../cache';
import type { Dialect } from '../dialect';
import { dimensionDef } from '../registry';
import { SESSION_LOOKAROUND_MS } from '../optimize';
import { planQuery } from '../run';
import { compileFunnelCombined, compileFunnelDropOffSessions, compileFunnelNext, compileFunnelSteps, type FunnelQuery } from './compile';
import type { FunnelRequest } from './params';

/** Visitor scope without an explicit window: steps within 24 hours of the step-1 event. */
export const VISITOR_DEFAULT_WINDOW_MS = 24 * 3_600_000;
const TOP_NEXT = 5;
export const EXIT_LABEL = '(exit)';

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (a: number, b: number) => (b > 0 ? round1((a / b) * 100) : 0);

/** The funnel's query for the request's period, filters and breakdown. */
function funnelQuery(site: { id: string; timezone: string }, funnel: Funnel, req: FunnelRequest, nowMs: number): FunnelQuery {
  const sessionBd = req.breakdown !== null && dimensionDef(req.breakdown).level === 'session' ? [req.breakdown] : [];
  const query = {
    site_id: site.id,
    date_range: req.dateRange,
    metrics: ['visitors'],
    dimensions: sessionBd,
    filters: req.filters,
    limit: 100,
    offset: 0,
  } as Query;
  const plan = planQuery(query, { defaultTimezone: site.timezone, nowMs });
  const windowMs = funnel.window ? windowToMs(funnel.window) : funnel.scope === 'visitor' ? VISITOR_DEFAULT_WINDOW_MS : null;
  return { siteId: site.id, funnel, windowMs, lookaheadMs: windowMs ?? SESSION_LOOKAROUND_MS, plan, breakdown: req.breakdown };
}

/** The funnel's stats for the request's period, filters and breakdown (README "Funnels"). */
export async function runFunnel(
  reader: Reader,
  d: Dialect,
  site: { id: string; timezone: string },
  funnel: Funnel,
  req: FunnelRequest,
  nowMs: number,
): Promise<FunnelStats> {
  const q = funnelQuery(site, funnel, req, nowMs);
  const { plan } = q;
  const run = (c: { sql: string; params: Array<string | number | boolean> }) => reader.query<Record<string, unknown>>(c.sql, c.params);
  // With CTEs the steps and the next-step counts share one computation of the chains.
  const both = d.supportsCte
    ? run(compileFunnelCombined(d, q)).then((rows) => [
        rows.filter((r) => Number(r.after_step) === 0),
        rows.filter((r) => Number(r.after_step) > 0),
      ])
    : Promise.all([run(compileFunnelSteps(d, q, false)), run(compileFunnelNext(d, q))]);
  const [[main, next], breakdown] = await Promise.all([both, req.breakdown ? run(compileFunnelSteps(d, q, true)) : Promise.resolve(null)]);
  const n = funnel.steps.length;
  const row = main[0] ?? {};
  const v = (r: Record<string, unknown>, k: number) => Number(r[`v${k}`] ?? 0);
  const steps = funnel.steps.map((s, i) => {
    const k = i + 1;
    const visitors = v(row, k);
    const dropOff = k < n ? visitors - v(row, k + 1) : 0;
    const median = k === 1 ? null : row[`q${k}`];
    return {
      order: k,
      name: s.name,
      visitors,
      conversion_rate: pct(visitors, v(row, 1)),
      step_conversion_rate: k === 1 ? (visitors > 0 ? 100 : 0) : pct(visitors, v(row, k - 1)),
      drop_off: dropOff,
      drop_off_rate: pct(dropOff, visitors),
      median_seconds_from_previous: median === null || median === undefined ? null : round1(Number(median)),
    };
  });
  const dropOffs = Array.from({ length: n - 1 }, (_, i) => ({
    after_step: i + 1,
    next: next
      .filter((r) => Number(r.after_step) === i + 1)
      .slice(0, TOP_NEXT)
      .map((r) => ({ path_or_event: String(r.next_label) === '' ? EXIT_LABEL : String(r.next_label), visitors: Number(r.visitors) })),
  }));
  const out: FunnelStats = {
    funnel,
    period: { start: plan.range.startDate, end: plan.range.endDate },
    conversion_rate: pct(v(row, n), v(row, 1)),
    steps,
    drop_offs: dropOffs,
  };
  if (breakdown && req.breakdown) {
    out.breakdown = {
      dimension: req.breakdown,
      rows: breakdown.map((r) => ({
        value: String(r.bd ?? ''),
        steps: funnel.steps.map((_, i) => ({ order: i + 1, visitors: v(r, i + 1) })),
      })),
    };
  }
  return out;
}

/**
 * The sessions of the entrants who reached step `afterStep` (1 … steps − 1) and not the next, latest first,
 * at most `limit` (README "Funnels": drop-off sessions). A step outside that range is a 400.
 */
export async function runFunnelDropOffSessions(
  reader: Reader,
  d: Dialect,
  site: { id: string; timezone: string },
  funnel: Funnel,
  req: FunnelRequest,
  afterStep: number,
  limit: number,
  nowMs: number,
): Promise<string[]> {
  if (!Number.isInteger(afterStep) || afterStep < 1 || afterStep >= funnel.steps.length)
    throw badRequest('invalid_step', `A drop-off follows step 1 to ${funnel.steps.length - 1} of this funnel`);
  const c = compileFunnelDropOffSessions(d, funnelQuery(site, funnel, { ...req, breakdown: null }, nowMs), afterStep, limit);
  const rows = await reader.query<{ session_id: string }>(c.sql, c.params);
  return rows.map((r) => String(r.session_id));
}

import os from 'node:os';
import { loadConfig } from '../../packages/server/src/config';
import { openEventStore, type EventStore, type SideRow } from '../../packages/server/src/store';
import { parseQuery } from '@tidemark/core';
import {
  CreditAggregates,
  CreditWatch,
  RateTable,
  revenueReport,
  TrafficCache,
  type RevenueReport,
} from '../../packages/server/src/revenue';
import { StatsService, openSessionParts, resolvePeriod, storeHasRollups, type SessionPartsRollup } from '../../packages/server/src/stats';
import { Prng } from '@tidemark/testkit';
import { fmt, machineInfo, time, timeAlternating, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { ensureDuckDbDataset } from '../query/duckdb';
import { DATA_END, MAIN_SITE, SITE_ZONES } from '../query/dataset';

/**
 * The revenue page and "revenue by source" over the query bench's data (10M + 2M events, DuckDB):
 * `--transactions` payments (default 50,000) of visitors of the main site are added once to the data
 * file's `transactions` side table, each a minute after one of the payer's events, then the report is
 * timed as the dashboard asks for it.
 */
export interface RevenueBenchOptions {
  events: number;
  otherEvents: number;
  transactions: number;
  runs: number;
  /** Runs of the slow path (attributed from raw events), for the ratio; 0 skips it. */
  oldRuns: number;
  write: boolean;
}

async function ensureTransactions(store: EventStore, n: number): Promise<number> {
  const [have] = await store.query<{ n: number }>('SELECT count(*) AS n FROM transactions WHERE site_id = ?', [MAIN_SITE.id]);
  if (Number(have?.n ?? 0) >= n) return Number(have!.n);
  // Payers: every k-th visitor (by a hash of the id), each paying after one of its events.
  const visitors = await store.query<{ v: string; s: string; t: number }>(
    `SELECT visitor_id AS v, arg_max(session_id, ts) AS s, epoch_ms(max(ts)) AS t FROM events WHERE site_id = ?
     GROUP BY visitor_id ORDER BY hash(visitor_id) LIMIT ?`,
    [MAIN_SITE.id, n],
  );
  const rng = new Prng('revenue-bench');
  const rows: SideRow[] = visitors.map((r, i) => ({
    site_id: MAIN_SITE.id,
    txn_key: `pi_bench_${i}`,
    kind: 'payment',
    status: 'counted',
    source: 'stripe',
    transaction_id: `pi_bench_${i}`,
    ts: Number(r.t) + 60_000,
    amount: rng.int(500, 50_000),
    currency: i % 10 === 0 ? 'EUR' : 'USD',
    product_name: rng.pick(['Starter', 'Pro', 'Team']),
    is_subscription: i % 3 === 0 ? 1 : 0,
    email_mask: 'c***@example.com',
    visitor_id: r.v,
    session_id: r.s,
    link: 'token',
    version: 1,
  }));
  for (let i = 0; i < rows.length; i += 5000) await store.upsertSideRows('transactions', rows.slice(i, i + 5000));
  return rows.length;
}

/** The site as the stats engine and the revenue page see it. */
const SITE = { id: MAIN_SITE.id, timezone: MAIN_SITE.timezone };

export async function runRevenueBench(o: RevenueBenchOptions): Promise<void> {
  console.log(`[revenue] ${machineInfo()}`);
  const data = await ensureDuckDbDataset(o.events, o.otherEvents);
  const limit = process.env.TIDEMARK_DUCKDB_MEMORY_LIMIT;
  const store = await openEventStore(
    loadConfig({ TIDEMARK_DATA_DIR: data.dir, ...(limit ? { TIDEMARK_DUCKDB_MEMORY_LIMIT: limit } : {}) }),
  );
  let parts: SessionPartsRollup | undefined;
  try {
    // The session-parts rollup caught up first, as the server's job does after a restart.
    if (storeHasRollups(store)) {
      parts = await openSessionParts(store, { zones: SITE_ZONES });
      const t0 = performance.now();
      const { fragments } = await parts.runOnce();
      console.log(`[revenue] session-parts rollup: +${fmt(fragments)} fragments in ${fmt((performance.now() - t0) / 1000, 1)} s`);
    }
    const txns = await ensureTransactions(store, o.transactions);
    console.log(`[revenue] ${fmt(txns)} transactions on the main site`);
    const rates = new RateTable([
      { currency: 'USD', day: '2026-01-01', per_eur: 1.1 },
      { currency: 'EUR', day: '2026-01-01', per_eur: 1 },
    ]);
    const now = DATA_END - 1;
    const watch = new CreditWatch(store);
    const credits = () => watch.ensure(SITE.id, { currency: 'USD', rates, ratesFingerprint: 'bench', now });
    // Credits of every transaction, once (what the first revenue query after the payments arrived pays).
    const c0 = performance.now();
    const computed = await credits();
    const creditLine = `credits of ${fmt(computed)} transactions computed in ${fmt((performance.now() - c0) / 1000, 1)} s (once; later queries only check freshness)`;
    console.log(`[revenue] ${creditLine}`);
    const stats = new StatsService(store, { now: () => now, sharedResultsMs: 0, sessionParts: parts, revenueCredits: credits });
    const deps = { events: store, rates, currency: 'USD', subscriptions: async () => [] };
    const cases = [
      { name: 'revenue page, last 30 days (last touch)', period: 'last_30_days' as const, compare: false },
      { name: 'revenue by source, five models compared, last 30 days', period: 'last_30_days' as const, compare: true },
      { name: 'revenue page, last 12 months (whole data)', period: 'last_12_months' as const, compare: false },
    ];
    const lines: string[] = [];
    // Both paths keep the visitors per source and medium while the events are unchanged (TrafficCache); the
    // server's path also keeps the credit aggregates while the credits are unchanged (CreditAggregates),
    // the path before groups the credits on every call.
    const cache = new TrafficCache(stats, store);
    const aggregates = new CreditAggregates(store);
    const report = (c: (typeof cases)[number], path: 'kept' | 'grouped' | 'events') => {
      const range = resolvePeriod(c.period, SITE.timezone, now);
      const params = {
        range,
        tz: SITE.timezone,
        model: 'last_touch' as const,
        lookbackDays: 30,
        halfLifeDays: 7,
        compareModels: c.compare,
        limit: 50,
        now,
      };
      if (path === 'events') return revenueReport(deps, SITE.id, params);
      const traffic = (r: typeof range) => cache.traffic(SITE, r);
      return credits().then(() =>
        revenueReport({ ...deps, credits: true, traffic, ...(path === 'kept' ? { aggregates } : {}) }, SITE.id, params),
      );
    };
    for (const c of cases) {
      const pair = await timeAlternating(
        () => report(c, 'kept'),
        () => report(c, 'grouped'),
        o.runs,
        120_000,
      );
      if (JSON.stringify(pair.lastA) !== JSON.stringify(pair.lastB))
        throw new Error(`revenue bench: ${c.name}: kept and freshly grouped credit aggregates give different pages`);
      let line = `${c.name}: credit aggregates kept p50 ${fmt(pair.a.p50)} ms, p95 ${fmt(pair.a.p95)} ms; grouped each time (before) p50 ${fmt(pair.b.p50)} ms, p95 ${fmt(pair.b.p95)} ms (${pair.a.runs} runs each, alternating); ${fmt(pair.b.p50 / pair.a.p50, 1)}x at p50, ${fmt(pair.b.p95 / pair.a.p95, 1)}x at p95 (${fmt(pair.lastA.transactions_count)} transactions, ${fmt(pair.lastA.by_source.length)} sources, ${fmt(pair.lastA.visitors)} visitors)`;
      if (o.oldRuns > 0) {
        const slow = await time(() => report(c, 'events'), o.oldRuns, 0, 600_000);
        same(pair.lastA, slow.last, c.name);
        line += `; attributed from raw events p50 ${fmt(slow.timing.p50)} ms, p95 ${fmt(slow.timing.p95)} ms (${slow.timing.runs} runs), ${fmt(slow.timing.p50 / pair.a.p50, 1)}x`;
      }
      console.log(`[revenue] ${line}`);
      lines.push(`- ${line}`);
    }
    // "Revenue by source" as one stats query (the revenue metrics of the Query engine).
    const bySource = parseQuery({
      site_id: SITE.id,
      date_range: 'last_30_days',
      metrics: ['total_revenue', 'transactions', 'paying_visitors', 'visitors', 'revenue_per_visitor', 'average_order_value'],
      dimensions: ['source'],
      limit: 50,
    });
    const q = await time(() => stats.query(bySource, SITE), o.runs, 1, 120_000);
    const qLine = `stats query "revenue by source" (6 revenue and traffic metrics, last 30 days, last touch): p50 ${fmt(q.timing.p50)} ms, p95 ${fmt(q.timing.p95)} ms (${q.timing.runs} runs, ${fmt(q.last.rows.length)} rows)`;
    console.log(`[revenue] ${qLine}`);
    lines.push(`- ${qLine}`);
    const endLoad = `load average at the end of the run: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')}`;
    console.log(`[revenue] ${endLoad}`);
    if (o.write)
      writeResultSection(
        'revenue',
        `### Last run (${today()})\n\n${machineInfo()}; ${fmt(data.events)} events, ${fmt(txns)} transactions (DuckDB), \`TIDEMARK_DUCKDB_MEMORY_LIMIT=${limit ?? 'default'}\`.\n\n- ${creditLine}\n${lines.join('\n')}\n- ${endLoad}`,
      );
  } finally {
    await parts?.close();
    await store.close();
  }
}

/**
 * Both paths must give the same page: totals and attribution rows. Visitors per source are left out: the
 * new path counts them as the stats engine does (a session's entry attributes seen across the period's
 * edges), the old one from the period's events only, which differs slightly at the edges.
 */
function same(a: RevenueReport, b: RevenueReport, name: string): void {
  const rows = (list: RevenueReport['by_source']) => list.map((x) => [x.source, x.medium, x.revenue, x.transactions]);
  const pick = (r: RevenueReport) =>
    JSON.stringify([
      r.total_revenue,
      r.transactions_count,
      r.paying_visitors,
      rows(r.by_source),
      r.by_campaign,
      r.by_channel,
      r.by_landing_page,
      Object.entries(r.models ?? {}).map(([m, list]) => [m, rows(list)]),
      r.timeseries,
    ]);
  if (pick(a) !== pick(b)) throw new Error(`revenue bench: ${name}: the credits path and the events path disagree`);
}

import { loadConfig } from '../../packages/server/src/config';
import { openEventStore, type EventStore, type SideRow } from '../../packages/server/src/store';
import { RateTable, revenueReport } from '../../packages/server/src/revenue';
import { resolvePeriod } from '../../packages/server/src/stats';
import { Prng } from '@tidemark/testkit';
import { fmt, machineInfo, percentile, today } from '../lib/machine';
import { writeResultSection } from '../lib/readme';
import { ensureDuckDbDataset } from '../query/duckdb';
import { DATA_END, MAIN_SITE } from '../query/dataset';

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

export async function runRevenueBench(o: RevenueBenchOptions): Promise<void> {
  console.log(`[revenue] ${machineInfo()}`);
  const data = await ensureDuckDbDataset(o.events, o.otherEvents);
  const limit = process.env.TIDEMARK_DUCKDB_MEMORY_LIMIT;
  const store = await openEventStore(
    loadConfig({ TIDEMARK_DATA_DIR: data.dir, ...(limit ? { TIDEMARK_DUCKDB_MEMORY_LIMIT: limit } : {}) }),
  );
  try {
    const txns = await ensureTransactions(store, o.transactions);
    console.log(`[revenue] ${fmt(txns)} transactions on the main site`);
    const rates = new RateTable([{ currency: 'USD', day: '2026-01-01', per_eur: 1.1 }]);
    const now = DATA_END - 1;
    const cases = [
      { name: 'revenue page, last 30 days (last touch)', period: 'last_30_days' as const, compare: false },
      { name: 'revenue by source, five models compared, last 30 days', period: 'last_30_days' as const, compare: true },
      { name: 'revenue page, last 12 months (whole data)', period: 'last_12_months' as const, compare: false },
    ];
    const lines: string[] = [];
    for (const c of cases) {
      const range = resolvePeriod(c.period, MAIN_SITE.timezone, now);
      const run = () =>
        revenueReport({ events: store, rates, currency: 'USD', subscriptions: async () => [] }, MAIN_SITE.id, {
          range,
          tz: MAIN_SITE.timezone,
          model: 'last_touch',
          lookbackDays: 30,
          halfLifeDays: 7,
          compareModels: c.compare,
          limit: 50,
          now,
        });
      const first = await run(); // warm-up (not counted)
      const times: number[] = [];
      for (let i = 0; i < o.runs; i++) {
        const t0 = performance.now();
        await run();
        times.push(performance.now() - t0);
      }
      const line = `${c.name}: p50 ${fmt(percentile(times, 50))} ms, p95 ${fmt(percentile(times, 95))} ms over ${o.runs} runs (${fmt(first.transactions_count)} transactions, ${fmt(first.by_source.length)} sources, ${fmt(first.visitors)} visitors)`;
      console.log(`[revenue] ${line}`);
      lines.push(`- ${line}`);
    }
    if (o.write)
      writeResultSection(
        'revenue',
        `### Last run (${today()})\n\n${machineInfo()}; ${fmt(data.events)} events, ${fmt(txns)} transactions (DuckDB).\n\n${lines.join('\n')}`,
      );
  } finally {
    await store.close();
  }
}

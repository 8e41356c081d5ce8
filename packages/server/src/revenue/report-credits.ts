import { and, bindInt, bindString, dialectFor, ident, join, keyword, localDate, render, sql, type DateRange, type Sql } from '../stats';
import type { RateTable } from './rates';
import type { EventStore } from '../store';
import type { AttributionModel, Touchpoint } from './attribution';

/** The report's attribution dimensions; `source` rows are keyed `source\0medium`. */
export type AttributionDim = 'source' | 'campaign' | 'landing_page' | 'channel';
export type AttributedRows = Record<AttributionDim, Map<string, { revenue: number; transactions: number }>>;

const COLUMNS: Record<AttributionDim, Sql[]> = {
  source: [ident('source'), ident('medium')],
  campaign: [ident('campaign'), keyword("''")],
  landing_page: [ident('entry_page'), keyword("''")],
  channel: [ident('channel'), keyword("''")],
};

/**
 * The revenue page's attribution from stored credits (revenue/credits.ts: 30-day lookback, 7-day half-life),
 * grouped in the engine: per model, revenue and payments credited to each source/medium, campaign, landing
 * page and channel; `models` get the source rows only, `main` every dimension. Payments without a touch
 * are keyed `unattributed` (and `unattributed\0` for sources). One statement on either engine.
 */
export async function attributedFromCredits(
  events: EventStore,
  siteId: string,
  range: { startMs: number; endMs: number },
  main: AttributionModel,
  models: readonly AttributionModel[],
  unattributed: string,
): Promise<Map<AttributionModel, AttributedRows>> {
  const d = dialectFor(events.dialect);
  const where = and([
    sql`site_id = ${bindString(siteId)}`,
    sql`kind IN ('payment', 'refund')`,
    sql`ts >= ${bindInt(range.startMs)}`,
    sql`ts < ${bindInt(range.endMs)}`,
    sql`model IN (${join([...new Set([main, ...models])].map((m) => bindString(m)))})`,
  ]);
  const part = (dim: AttributionDim, onlyMain: boolean) => {
    const [k1, k2] = COLUMNS[dim];
    const cond = onlyMain ? and([where, sql`model = ${bindString(main)}`]) : where;
    return sql`SELECT ${bindString(dim)} AS dim, model, ${k1} AS k1, ${k2} AS k2, sum(credit) AS revenue,
      ${d.uniqIf(ident('txn_key'), sql`kind = 'payment'`)} AS txns FROM revenue_credits WHERE ${cond} GROUP BY model, k1, k2`;
  };
  const q = join([part('source', false), part('campaign', true), part('landing_page', true), part('channel', true)], ' UNION ALL ');
  const { sql: text, params } = render(q, d);
  const rows = await events.query<{ dim: AttributionDim; model: AttributionModel; k1: string; k2: string; revenue: number; txns: number }>(
    text,
    params,
  );
  const out = new Map<AttributionModel, AttributedRows>();
  const empty = (): AttributedRows => ({ source: new Map(), campaign: new Map(), landing_page: new Map(), channel: new Map() });
  for (const m of new Set([main, ...models])) out.set(m, empty());
  for (const r of rows) {
    const k1 = String(r.k1 ?? '');
    const key = r.dim === 'source' ? `${k1}\u0000${k1 === unattributed ? '' : String(r.k2 ?? '')}` : k1;
    const m = out.get(r.model)![r.dim];
    const row = m.get(key) ?? { revenue: 0, transactions: 0 };
    row.revenue += Number(r.revenue);
    row.transactions += Number(r.txns);
    m.set(key, row);
  }
  return out;
}

/**
 * Each listed transaction's main touch under `model` (the largest credit; the earlier touch on a tie), null
 * when unattributed, and its payer's profile id ('' without a payer).
 */
export async function mainTouches(
  events: EventStore,
  siteId: string,
  model: AttributionModel,
  txnKeys: readonly string[],
): Promise<Map<string, { touch: Touchpoint | null; profile: string }>> {
  const out = new Map<string, { touch: Touchpoint | null; profile: string }>();
  if (!txnKeys.length) return out;
  const rows = await events.query<Record<string, string | number>>(
    `SELECT txn_key, session_id, touch_start, credit, channel, source, medium, campaign, entry_page, payer_profile FROM revenue_credits
     WHERE site_id = ? AND model = ? AND kind IN ('payment', 'refund') AND txn_key IN (${txnKeys.map(() => '?').join(', ')})`,
    [siteId, model, ...txnKeys],
  );
  const best = new Map<string, Record<string, string | number>>();
  for (const r of rows) {
    const b = best.get(String(r.txn_key));
    const better =
      !b ||
      Math.abs(Number(r.credit)) > Math.abs(Number(b.credit)) ||
      (Math.abs(Number(r.credit)) === Math.abs(Number(b.credit)) && Number(r.touch_start) < Number(b.touch_start));
    if (better) best.set(String(r.txn_key), r);
  }
  for (const [key, r] of best)
    out.set(key, {
      touch: r.session_id
        ? {
            session_id: String(r.session_id),
            start: Number(r.touch_start),
            channel: String(r.channel),
            source: String(r.source),
            medium: String(r.medium),
            campaign: String(r.campaign),
            landing_page: String(r.entry_page),
          }
        : null,
      profile: String(r.payer_profile ?? ''),
    });
  return out;
}

export interface CreditSummary {
  total: number;
  refunds: number;
  payments: number;
  paymentCount: number;
  payers: number;
  series: Map<string, { revenue: number; transactions: number }>;
  /** Amounts (minor units of their own currency) of currencies without a rate to the reporting currency. */
  unconverted: Record<string, number>;
}

/**
 * The revenue page's totals and daily series from the credits (every converted transaction's credits sum to
 * its converted amount under any model; last touch is read) instead of fetching every transaction of the
 * period; amounts of currencies without a rate from `transactions`, grouped.
 */
export async function summaryFromCredits(
  events: EventStore,
  siteId: string,
  range: DateRange,
  tz: string,
  rates: RateTable,
  currency: string,
): Promise<CreditSummary> {
  const d = dialectFor(events.dialect);
  const where = and([
    sql`site_id = ${bindString(siteId)}`,
    sql`model = 'last_touch'`,
    sql`kind IN ('payment', 'refund')`,
    sql`ts >= ${bindInt(range.startMs)}`,
    sql`ts < ${bindInt(range.endMs)}`,
  ]);
  const isPayment = sql`kind = 'payment'`;
  const byDay = sql`SELECT kind, ${d.timeBucket(d.msToTimestamp(ident('ts')), 'day', tz, range)} AS day, sum(credit) AS amount,
    ${d.uniqIf(ident('txn_key'), isPayment)} AS txns FROM revenue_credits WHERE ${where} GROUP BY kind, day`;
  const payers = sql`SELECT ${d.uniqIf(ident('payer'), sql`${isPayment} AND payer <> ''`)} AS n FROM revenue_credits WHERE ${where}`;
  const run = <T>(q: Sql) => {
    const r = render(q, d);
    return events.query<T>(r.sql, r.params);
  };
  const [days, [p], currencies] = await Promise.all([
    run<{ kind: string; day: string; amount: number; txns: number }>(byDay),
    run<{ n: number }>(payers),
    events.query<{ currency: string; amount: number }>(
      `SELECT currency, sum(amount) AS amount FROM transactions WHERE site_id = ? AND status = 'counted' AND ts >= ? AND ts < ? AND currency <> ? GROUP BY currency`,
      [siteId, range.startMs, range.endMs, currency],
    ),
  ]);
  const out: CreditSummary = {
    total: 0,
    refunds: 0,
    payments: 0,
    paymentCount: 0,
    payers: Number(p?.n ?? 0),
    series: new Map(),
    unconverted: {},
  };
  for (const r of days) {
    const amount = Number(r.amount);
    out.total += amount;
    if (r.kind === 'refund') out.refunds -= amount;
    else {
      out.payments += amount;
      out.paymentCount += Number(r.txns);
    }
    const s = out.series.get(String(r.day)) ?? { revenue: 0, transactions: 0 };
    s.revenue += amount;
    if (r.kind === 'payment') s.transactions += Number(r.txns);
    out.series.set(String(r.day), s);
  }
  // A currency converts on every day or on none (the rate of the nearest day is used): one probe each.
  const day = localDate(range.startMs, 'UTC');
  for (const c of currencies) if (rates.convert(1, c.currency, currency, day) === null) out.unconverted[c.currency] = Number(c.amount);
  return out;
}

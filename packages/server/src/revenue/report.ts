import { localDate, type DateRange } from '../stats';
import type { EventStore } from '../store';
import {
  ATTRIBUTION_MODELS,
  attribute,
  DEFAULT_HALF_LIFE_MS,
  UNATTRIBUTED,
  type AttributionModel,
  type ModelOptions,
  type Touchpoint,
} from './attribution';
import { monthOf, mrrAt, mrrMovements, type MrrMovement } from './mrr';
import { minorDigits, type RateTable } from './rates';
import { profileIdsOf, touchpointsOf, trafficOf } from './touchpoints';
import { attributedFromCredits, mainTouches, summaryFromCredits, type AttributedRows, type AttributionDim } from './report-credits';
import { CREDIT_LOOKBACK_MS, PAYMENT_TIME_SLACK_MS } from './credits';
import { subscriptionStates, type StoredFact } from './fold';
import type { CreditAggregates } from './credit-aggregates';

export const DAY_MS = 86_400_000;
export { UNATTRIBUTED };

export interface RevenueReportParams {
  range: DateRange;
  tz: string;
  model: AttributionModel;
  lookbackDays: number;
  halfLifeDays: number;
  compareModels: boolean;
  /** Transactions listed (newest first). */
  limit: number;
  now: number;
}

interface Txn {
  txn_key: string;
  kind: string;
  ts: number;
  amount: number;
  currency: string;
  product_name: string;
  email_mask: string;
  visitor_id: string;
  session_id: string;
  refund_of: string;
  is_subscription: number;
}

export interface AttributedRow {
  revenue: number;
  transactions: number;
}

type Dim = AttributionDim;

export interface Traffic {
  visitors: number;
  sessions: number;
  /** Visitors per entry `source\0medium`. */
  bySource: Map<string, number>;
}

export interface RevenueReportDeps {
  events: EventStore;
  rates: RateTable;
  currency: string;
  subscriptions: () => Promise<StoredFact[]>;
  /** Visitors and sessions of the period (the stats engine, with its rollups); default: counted from events here. */
  traffic?: (range: DateRange) => Promise<Traffic>;
  /** Attribute from the stored credits (revenue/credits.ts, kept fresh by the caller) when the window is the default. */
  credits?: boolean;
  /** Keeps the aggregates over the credits while they are unchanged (revenue/credit-aggregates.ts). */
  aggregates?: CreditAggregates;
}

/** Credits per dimension value of one model (minor units of the reporting currency). */
class Tally {
  readonly rows: Record<Dim, Map<string, { revenue: number; txns: Set<string> }>> = {
    source: new Map(),
    campaign: new Map(),
    landing_page: new Map(),
    channel: new Map(),
  };

  add(t: Txn, touch: Touchpoint | null, credit: number): void {
    const keys: Record<Dim, string> = touch
      ? {
          source: `${touch.source}\u0000${touch.medium}`,
          campaign: touch.campaign,
          landing_page: touch.landing_page,
          channel: touch.channel,
        }
      : { source: `${UNATTRIBUTED}\u0000`, campaign: UNATTRIBUTED, landing_page: UNATTRIBUTED, channel: UNATTRIBUTED };
    for (const dim of Object.keys(keys) as Dim[]) {
      const m = this.rows[dim];
      const row = m.get(keys[dim]) ?? { revenue: 0, txns: new Set<string>() };
      row.revenue += credit;
      if (t.kind === 'payment') row.txns.add(t.txn_key);
      m.set(keys[dim], row);
    }
  }

  counted(): AttributedRows {
    const out = {} as AttributedRows;
    for (const dim of Object.keys(this.rows) as Dim[])
      out[dim] = new Map([...this.rows[dim]].map(([k, r]) => [k, { revenue: r.revenue, transactions: r.txns.size }]));
    return out;
  }
}

/**
 * The revenue page (PRD §7.2.5 and more): totals, MRR, attribution by source, campaign, landing page and
 * channel under the chosen model (all five side by side on request), a daily series, MRR movements and
 * the latest transactions. Amounts are converted to the site's reporting currency; amounts of currencies
 * without a rate are reported apart (`unconverted`), never added in.
 */
export async function revenueReport(deps: RevenueReportDeps, siteId: string, p: RevenueReportParams) {
  const { events, rates, currency } = deps;
  const { startMs, endMs } = p.range;
  const lookbackMs = p.lookbackDays * DAY_MS;
  const opts: ModelOptions = { halfLifeMs: p.halfLifeDays * DAY_MS };
  // Stored credits hold the default window and half-life; other windows are attributed here from the events.
  const fromCredits = !!deps.credits && lookbackMs === CREDIT_LOOKBACK_MS && opts.halfLifeMs === DEFAULT_HALF_LIFE_MS;
  const models: AttributionModel[] = p.compareModels ? [...ATTRIBUTION_MODELS] : [p.model];
  // What is read from the credits and transactions is kept while the site's credits are unchanged (any change
  // of a transaction changes its credits first; the version is read once per call).
  const aggregates = deps.aggregates;
  const version = fromCredits && aggregates ? aggregates.version(siteId) : null;
  const period = [p.range.startMs, p.range.endMs, p.tz, currency].join('|');
  const kept = <T>(key: string, compute: () => Promise<T>): Promise<T> =>
    aggregates && version ? version.then((v) => aggregates.kept(siteId, v, `${key}|${period}`, compute)) : compute();
  const columns = 'txn_key, kind, ts, amount, currency, product_name, email_mask, visitor_id, session_id, refund_of, is_subscription';
  // From credits only the listed (latest) transactions are read; totals come from the credits.
  const txnRows = fromCredits
    ? kept(`listed|${p.limit}`, () =>
        events
          .query<Txn>(
            `SELECT ${columns} FROM transactions WHERE site_id = ? AND status = 'counted' AND ts >= ? AND ts < ? ORDER BY ts DESC, txn_key DESC LIMIT ?`,
            [siteId, startMs, endMs, p.limit],
          )
          .then((rows) => rows.reverse()),
      )
    : events.query<Txn>(
        `SELECT ${columns} FROM transactions WHERE site_id = ? AND status = 'counted' AND ts >= ? AND ts < ? ORDER BY ts, txn_key`,
        [siteId, startMs, endMs],
      );
  // The payers' (and the visitor ids they identified as the same user with) sessions in the lookback window.
  const touchRows = fromCredits
    ? Promise.resolve(new Map<string, Touchpoint[]>())
    : txnRows.then((rows) =>
        touchpointsOf(
          events,
          siteId,
          [...new Set(rows.map((t) => t.visitor_id).filter(Boolean))],
          startMs - lookbackMs,
          endMs + PAYMENT_TIME_SLACK_MS,
        ),
      );
  // The listed transactions' main touches, read as soon as they are known (beside the other statements).
  const listedTouches = fromCredits
    ? kept(`touches|${p.model}|${p.limit}`, () =>
        txnRows.then((rows) =>
          mainTouches(
            events,
            siteId,
            p.model,
            rows.map((t) => t.txn_key),
          ),
        ),
      )
    : Promise.resolve(new Map<string, { touch: Touchpoint | null; profile: string }>());
  // The listed transactions (the latest with a rate) link to their payers' profiles: named by the credits,
  // else (another window) looked up in the events.
  const converts = (t: Txn) => rates.convert(Number(t.amount), t.currency, currency, localDate(Number(t.ts), 'UTC')) !== null;
  const profiles = fromCredits
    ? Promise.resolve(new Map<string, string>())
    : txnRows.then((rows) =>
        profileIdsOf(events, siteId, [
          ...new Set(
            rows
              .filter(converts)
              .slice(-p.limit)
              .map((t) => t.visitor_id)
              .filter(Boolean),
          ),
        ]),
      );
  const [rawTxns, touches, traffic, stored, summary, ltvRows, subFacts, listed, profileOf] = await Promise.all([
    txnRows,
    touchRows,
    deps.traffic ? deps.traffic(p.range) : trafficOf(events, siteId, startMs, endMs),
    fromCredits
      ? kept(`attributed|${p.model}|${models.join(',')}`, () =>
          attributedFromCredits(events, siteId, p.range, p.model, models, UNATTRIBUTED),
        )
      : null,
    fromCredits ? kept('summary', () => summaryFromCredits(events, siteId, p.range, p.tz, rates, currency)) : null,
    kept('ltv', () =>
      events.query<{ currency: string; revenue: number; customers: number }>(
        `SELECT currency, sum(amount) AS revenue, count(DISTINCT CASE WHEN customer_id <> '' THEN customer_id WHEN email_hash <> '' THEN email_hash
         WHEN visitor_id <> '' THEN visitor_id ELSE txn_key END) AS customers
       FROM transactions WHERE site_id = ? AND status = 'counted' AND ts < ? GROUP BY currency`,
        [siteId, endMs],
      ),
    ),
    deps.subscriptions(),
    listedTouches,
    profiles,
  ]);
  const unconverted: Record<string, number> = {};
  const txns: Txn[] = [];
  for (const t of rawTxns) {
    const amount = rates.convert(Number(t.amount), t.currency, currency, localDate(Number(t.ts), 'UTC'));
    if (amount === null) unconverted[t.currency] = (unconverted[t.currency] ?? 0) + Number(t.amount);
    else txns.push({ ...t, ts: Number(t.ts), amount, is_subscription: Number(t.is_subscription) });
  }
  const tallies = new Map(models.map((m) => [m, new Tally()]));
  const credited = new Map<string, Touchpoint | null>(); // each transaction's main touch under the chosen model
  let total = 0;
  let refunds = 0;
  let payments = 0;
  let paymentCount = 0;
  const payers = new Set<string>();
  let series = new Map<string, { revenue: number; transactions: number }>();
  for (const t of summary ? [] : txns) {
    total += t.amount;
    if (t.kind === 'refund') refunds -= t.amount;
    else {
      payments += t.amount;
      paymentCount++;
      if (t.visitor_id) payers.add(t.visitor_id);
    }
    const day = localDate(t.ts, p.tz);
    const s = series.get(day) ?? { revenue: 0, transactions: 0 };
    s.revenue += t.amount;
    if (t.kind === 'payment') s.transactions++;
    series.set(day, s);
    const window = (touches.get(t.visitor_id) ?? []).filter((x) => x.start <= t.ts + PAYMENT_TIME_SLACK_MS && x.start >= t.ts - lookbackMs);
    for (const [model, tally] of tallies) {
      const credits = attribute(model, t.amount, window, t.ts, opts);
      if (!credits.length) tally.add(t, null, t.amount);
      else
        credits.forEach((c, i) => {
          if (c !== 0) tally.add(t, window[i]!, c);
        });
      if (model === p.model) {
        let best = -1;
        credits.forEach((c, i) => {
          if (best < 0 || Math.abs(c) > Math.abs(credits[best]!)) best = i;
        });
        credited.set(t.txn_key, best >= 0 ? window[best]! : null);
      }
    }
  }
  const digits = minorDigits(currency);
  const major = (minor: number) => Math.round(minor) / 10 ** digits;
  let payerCount = payers.size;
  if (summary) {
    ({ total, refunds, payments, paymentCount, series } = summary);
    payerCount = summary.payers;
    for (const k of Object.keys(unconverted)) delete unconverted[k];
    Object.assign(unconverted, summary.unconverted);
  }
  const attributed = stored ?? new Map([...tallies].map(([m, t]) => [m, t.counted()]));
  const listedProfile = new Map<string, string>();
  // Transactions without a rate have no payment credits, so no entry: unattributed, as listed.
  for (const [k, { touch, profile }] of listed) {
    credited.set(k, touch);
    if (profile) listedProfile.set(k, profile);
  }
  const rowsOf = (rows: AttributedRows, dim: Dim) =>
    [...rows[dim].entries()]
      .map(([key, r]) => ({ key, revenue: major(r.revenue), transactions: r.transactions }))
      .sort((a, b) => b.revenue - a.revenue || (a.key < b.key ? -1 : 1));
  const main = attributed.get(p.model)!;
  const bySource = (tally: AttributedRows) =>
    rowsOf(tally, 'source').map(({ key, ...r }) => {
      const [source = '', medium = ''] = key.split('\u0000');
      return { source, medium, ...r, visitors: traffic.bySource.get(key) ?? 0 };
    });
  const named = (dim: Dim, name: string) => rowsOf(main, dim).map(({ key, ...r }) => ({ [name]: key, ...r }));

  // MRR at the end of the period (or now), per currency, converted like the rest.
  const states = subscriptionStates(subFacts);
  const at = Math.min(endMs, p.now) - 1;
  let mrrMinor = 0;
  for (const [cur, v] of Object.entries(mrrAt(states, at))) {
    const c = rates.convert(Math.round(v), cur, currency, localDate(at, 'UTC'));
    if (c === null) unconverted[`MRR:${cur}`] = (unconverted[`MRR:${cur}`] ?? 0) + v;
    else mrrMinor += c;
  }
  const movements: Array<MrrMovement & { converted: boolean }> = mrrMovements(states, monthOf(startMs), monthOf(at)).map((m) => {
    if (!m.currency || m.currency === currency) return { ...m, converted: true };
    const day = localDate(at, 'UTC');
    const conv = (v: number) => rates.convert(v, m.currency, currency, day);
    const ok = conv(1) !== null;
    return ok
      ? {
          ...m,
          currency,
          new: conv(m.new)!,
          expansion: conv(m.expansion)!,
          contraction: conv(m.contraction)!,
          churned: conv(m.churned)!,
          reactivated: conv(m.reactivated)!,
          mrr: conv(m.mrr)!,
          converted: true,
        }
      : { ...m, converted: false };
  });
  let ltvRevenue = 0;
  let customers = 0;
  for (const r of ltvRows) {
    const c = rates.convert(Number(r.revenue), r.currency, currency, localDate(at, 'UTC'));
    if (c === null) continue;
    ltvRevenue += c;
    customers += Number(r.customers);
  }
  const visitors = traffic.visitors;
  const mrr = major(mrrMinor);
  return {
    currency,
    period: { start_date: p.range.startDate, end_date: p.range.endDate },
    attribution_model: p.model,
    lookback_days: p.lookbackDays,
    total_revenue: major(total),
    gross_revenue: major(payments),
    refunds: major(refunds),
    transactions_count: paymentCount,
    paying_visitors: payerCount,
    visitors,
    sessions: traffic.sessions,
    mrr,
    arr: Math.round(mrr * 12 * 10 ** digits) / 10 ** digits,
    revenue_per_visitor: visitors ? major(total / visitors) : 0,
    revenue_per_session: traffic.sessions ? major(total / traffic.sessions) : 0,
    average_order_value: paymentCount ? major(payments / paymentCount) : 0,
    conversion_rate: visitors ? Math.round((payerCount / visitors) * 10_000) / 100 : 0,
    ltv: customers ? major(ltvRevenue / customers) : 0,
    by_source: bySource(main),
    by_campaign: named('campaign', 'campaign'),
    by_landing_page: named('landing_page', 'landing_page'),
    by_channel: named('channel', 'channel'),
    ...(p.compareModels ? { models: Object.fromEntries(models.map((m) => [m, bySource(attributed.get(m)!)])) } : {}),
    timeseries: [...series.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, s]) => ({ date, revenue: major(s.revenue), transactions: s.transactions })),
    mrr_movements: movements.map((m) => ({
      month: m.month,
      currency: m.currency,
      converted: m.converted,
      new: major(m.new),
      expansion: major(m.expansion),
      contraction: major(m.contraction),
      churned: major(m.churned),
      reactivated: major(m.reactivated),
      mrr: major(m.mrr),
    })),
    unconverted: Object.fromEntries(Object.entries(unconverted).map(([k, v]) => [k, v / 10 ** minorDigits(k.replace(/^MRR:/, ''))])),
    transactions: [...txns]
      .reverse()
      .slice(0, p.limit)
      .map((t) => {
        const touch = credited.get(t.txn_key) ?? null;
        return {
          id: t.txn_key,
          kind: t.kind,
          amount: major(t.amount),
          product: t.product_name,
          customer_email: t.email_mask,
          attributed_source: touch ? touch.source || '(direct)' : UNATTRIBUTED,
          attributed_campaign: touch?.campaign ?? '',
          visitor_id: t.visitor_id || null,
          profile_id: t.visitor_id ? (listedProfile.get(t.txn_key) ?? profileOf.get(t.visitor_id) ?? `v${t.visitor_id}`) : null,
          refund_of: t.refund_of || null,
          is_subscription: t.is_subscription === 1,
          timestamp: new Date(t.ts).toISOString(),
        };
      }),
  };
}

export type RevenueReport = Awaited<ReturnType<typeof revenueReport>>;

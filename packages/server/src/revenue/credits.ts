import { bindInt, bindString, dialectFor, ident, localDate, render, sql } from '../stats';
import { CREDIT_DIMENSIONS, type EventStore, type SideRow } from '../store';
import { ATTRIBUTION_MODELS, attribute, DEFAULT_HALF_LIFE_MS, UNATTRIBUTED } from './attribution';
import { minorDigits, type RateTable } from './rates';
import { profileIdsOf, touchpointsOf, type Touch } from './touchpoints';

/**
 * Revenue credits (side table `revenue_credits`): every counted transaction split over its touchpoint
 * sessions under each of the five attribution models (30-day lookback, 7-day half-life), converted to the
 * site's reporting currency, each row carrying its session's dimension values. The stats engine's revenue
 * metrics read them (stats/compile-revenue.ts), so "revenue by source" is one grouping over a small table.
 *
 * They are derived data, kept fresh on read: `ensureCredits` recomputes the transactions whose credits are
 * missing, were computed from another version of the transaction, for another reporting currency or rate
 * table (`conv`), or before the payment settled (events of the visit may still have been on their way), or
 * by a release that did not name the payer's profile.
 */

export const CREDIT_LOOKBACK_MS = 30 * 86_400_000;
/**
 * Stripe gives a payment's time in whole seconds, so a session that started in the same second (after the
 * floored time) is still before the payment: touchpoints may start up to this much after a payment's time.
 */
export const PAYMENT_TIME_SLACK_MS = 999;
/** Credits computed this long after the payment are final (late events of the visit have arrived). */
export const SETTLE_MS = 3_600_000;
/** Transactions recomputed per round (two touchpoint statements each). */
const BATCH = 5000;

export interface CreditContext {
  /** The reporting currency and the rate table's fingerprint: credits computed under others are stale. */
  currency: string;
  rates: RateTable;
  ratesFingerprint: string;
  now: number;
}

interface TxnRow {
  txn_key: string;
  kind: string;
  ts: number;
  amount: number;
  currency: string;
  visitor_id: string;
  version: number;
}

const convOf = (ctx: CreditContext) => `${ctx.currency}|${ctx.ratesFingerprint}`;
let seq = 0;
/** Row versions (ClickHouse keeps the highest): ms × 1000 + a counter, so writes within one ms still order. */
function nextVersion(now: number): number {
  seq = (seq + 1) % 1000;
  return now * 1000 + seq;
}

/**
 * The credit rows of `txns` (touches by payer, oldest first; payers' profile ids); keys `model|txn_key|k`,
 * k from 0 per model.
 */
export function creditRowsOf(
  siteId: string,
  txns: readonly TxnRow[],
  touches: Map<string, Touch[]>,
  ctx: CreditContext,
  profiles: Map<string, string> = new Map(),
): SideRow[] {
  const out: SideRow[] = [];
  const scale = 10 ** minorDigits(ctx.currency);
  const conv = convOf(ctx);
  const version = nextVersion(ctx.now);
  for (const t of txns) {
    const ts = Number(t.ts);
    const profile = t.visitor_id ? (profiles.get(t.visitor_id) ?? `v${t.visitor_id}`) : '';
    // One object shape for every row (a spread per row costs more than the rest of the computation).
    const row = (model: string, k: number, kind: string, credit: number, touch: Touch | null): SideRow => {
      const r: SideRow = {
        site_id: siteId,
        credit_id: `${model}|${t.txn_key}|${k}`,
        model,
        txn_key: t.txn_key,
        kind,
        ts,
        payer: t.visitor_id,
        session_id: touch?.session_id ?? '',
        visitor_id: touch?.visitor_id ?? '',
        touch_start: touch?.start ?? 0,
        credit,
        scale,
        conv,
        computed_at: ctx.now,
        txn_version: Number(t.version),
        version,
        payer_profile: profile,
      };
      for (const d of CREDIT_DIMENSIONS) r[d] = touch ? touch.dims[d] : UNATTRIBUTED;
      return r;
    };
    const amount = ctx.rates.convert(Number(t.amount), t.currency, ctx.currency, localDate(ts, 'UTC'));
    if (amount === null) {
      // No rate: nothing is credited (the revenue page reports it apart); the marker row says it was seen.
      for (const model of ATTRIBUTION_MODELS) out.push(row(model, 0, 'unconverted', 0, null));
      continue;
    }
    const window = (touches.get(t.visitor_id) ?? []).filter(
      (x) => x.start <= ts + PAYMENT_TIME_SLACK_MS && x.start >= ts - CREDIT_LOOKBACK_MS,
    );
    for (const model of ATTRIBUTION_MODELS) {
      const credits = attribute(model, amount, window, ts, { halfLifeMs: DEFAULT_HALF_LIFE_MS });
      if (!credits.length) {
        out.push(row(model, 0, t.kind, amount, null));
        continue;
      }
      let k = 0;
      credits.forEach((credit, i) => {
        if (credit !== 0) out.push(row(model, k++, t.kind, credit, window[i]!));
      });
    }
  }
  return out;
}

/** Recomputes the credits of `txns` and voids their rows that no longer exist (fewer touches than before). */
export async function recomputeCredits(events: EventStore, siteId: string, txns: readonly TxnRow[], ctx: CreditContext): Promise<number> {
  if (!txns.length) return 0;
  const from = Math.min(...txns.map((t) => Number(t.ts))) - CREDIT_LOOKBACK_MS;
  const to = Math.max(...txns.map((t) => Number(t.ts))) + PAYMENT_TIME_SLACK_MS + 1;
  const payers = [...new Set(txns.map((t) => t.visitor_id))];
  const [touches, profiles] = await Promise.all([
    touchpointsOf(events, siteId, payers, from, to),
    profileIdsOf(
      events,
      siteId,
      payers.filter((p) => p !== ''),
    ),
  ]);
  const rows = creditRowsOf(siteId, txns, touches, ctx, profiles);
  const keys = new Set(rows.map((r) => String(r.credit_id)));
  const ph = txns.map(() => '?').join(', ');
  const existing = await events.query<{ credit_id: string }>(
    `SELECT credit_id FROM revenue_credits WHERE site_id = ? AND kind <> 'void' AND txn_key IN (${ph})`,
    [siteId, ...txns.map((t) => t.txn_key)],
  );
  const version = nextVersion(ctx.now);
  for (const { credit_id } of existing)
    if (!keys.has(credit_id))
      rows.push({ site_id: siteId, credit_id, model: credit_id.split('|')[0]!, txn_key: credit_id.split('|')[1]!, kind: 'void', version });
  for (let i = 0; i < rows.length; i += 5000) await events.upsertSideRows('revenue_credits', rows.slice(i, i + 5000));
  return txns.length;
}

/**
 * Brings a site's credits up to date (see the module comment); returns how many transactions were
 * recomputed. Callers serialise it per site (RevenueStore.exclusive).
 */
export async function ensureCredits(events: EventStore, siteId: string, ctx: CreditContext): Promise<number> {
  const d = dialectFor(events.dialect);
  // A transaction is fresh when its first last-touch row (every transaction has one) was computed from its
  // current version under the current conversion, after it settled (or it has not settled yet).
  const fresh = sql`SELECT ${d.concat([ident('txn_key'), sql`'|'`, d.toText(ident('txn_version'))])} FROM revenue_credits
    WHERE site_id = ${bindString(siteId)} AND model = 'last_touch' AND credit_id = ${d.concat([sql`'last_touch|'`, ident('txn_key'), sql`'|0'`])}
      AND conv = ${bindString(convOf(ctx))} AND (computed_at >= ts + ${bindInt(SETTLE_MS)} OR ts + ${bindInt(SETTLE_MS)} > ${bindInt(ctx.now)})
      AND (payer = '' OR payer_profile <> '')`;
  const stale = sql`SELECT txn_key, kind, ts, amount, currency, visitor_id, version FROM transactions
    WHERE site_id = ${bindString(siteId)} AND status = 'counted'
      AND ${d.concat([ident('txn_key'), sql`'|'`, d.toText(ident('version'))])} NOT IN (${fresh}) ORDER BY ts`;
  const { sql: text, params } = render(stale, d);
  const txns = await events.query<TxnRow>(text, params);
  for (let i = 0; i < txns.length; i += BATCH) await recomputeCredits(events, siteId, txns.slice(i, i + BATCH), ctx);
  // Rows of transactions that stopped counting (merged into another payment) go.
  const orphans = await events.query<{ credit_id: string; txn_key: string; model: string }>(
    `SELECT credit_id, txn_key, model FROM revenue_credits WHERE site_id = ? AND kind <> 'void'
       AND txn_key NOT IN (SELECT txn_key FROM transactions WHERE site_id = ? AND status = 'counted')`,
    [siteId, siteId],
  );
  if (orphans.length) {
    const version = nextVersion(ctx.now);
    await events.upsertSideRows(
      'revenue_credits',
      orphans.map((o) => ({ site_id: siteId, credit_id: o.credit_id, model: o.model, txn_key: o.txn_key, kind: 'void', version })),
    );
  }
  return txns.length;
}

/** What a site's credits were last brought up to date against (CreditWatch). */
interface Checked {
  conv: string;
  signature: string;
  /** When the earliest credit computed before its payment settled must be recomputed (ms; Infinity: none). */
  settleAt: number;
}

/**
 * ensureCredits, skipped while nothing it looks at changed: the site's counted transactions (count and
 * versions), the conversion, and no credit due for its after-settling recomputation. The check is one
 * small aggregate over `transactions` instead of comparing every transaction with its credits. Per
 * process; another process's writes change the signature it reads.
 */
export class CreditWatch {
  private readonly checked = new Map<string, Checked>();

  constructor(private readonly events: EventStore) {}

  async ensure(siteId: string, ctx: CreditContext): Promise<number> {
    const [sig] = await this.events.query<{ n: number; v: number; s: number }>(
      `SELECT count(*) AS n, max(version) AS v, sum(version % 1000003) AS s FROM transactions WHERE site_id = ? AND status = 'counted'`,
      [siteId],
    );
    const signature = `${sig?.n ?? 0}|${sig?.v ?? 0}|${sig?.s ?? 0}`;
    const last = this.checked.get(siteId);
    if (last && last.conv === convOf(ctx) && last.signature === signature && ctx.now < last.settleAt) return 0;
    const n = await ensureCredits(this.events, siteId, ctx);
    const [due] = await this.events.query<{ t: number | null }>(
      `SELECT min(ts) AS t FROM revenue_credits WHERE site_id = ? AND model = 'last_touch' AND kind <> 'void' AND computed_at < ts + ?`,
      [siteId, SETTLE_MS],
    );
    const settleAt = due?.t == null ? Number.POSITIVE_INFINITY : Number(due.t) + SETTLE_MS;
    if (this.checked.size > 10_000) this.checked.clear();
    this.checked.set(siteId, { conv: convOf(ctx), signature, settleAt });
    return n;
  }
}

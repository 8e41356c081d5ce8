import type { Reader } from '../cache';
import type { Dialect } from '../dialect';
import { compileHasPayments, compileLifetimeDays } from './compile';

/** One identified person's transaction day (compile.ts): value in major units of `currency` (0 for activity). */
export interface LifetimeDay {
  pid: string;
  /** Days since 1970-01-01 (UTC). */
  day: number;
  value: number;
}

export interface LifetimeDays {
  /** Purchases on a site with revenue, else active days. */
  basis: 'purchases' | 'active_days';
  currency: string | null;
  /** Ordered by pid, then day. */
  days: LifetimeDay[];
}

export async function runLifetimeDays(
  reader: Reader,
  d: Dialect,
  siteId: string,
  opts: { beforeMs?: number | null; pids?: readonly string[] | null },
): Promise<LifetimeDays> {
  const has = compileHasPayments(d, siteId);
  const purchases = (await reader.query(has.sql, has.params)).length > 0;
  if (opts.pids && opts.pids.length === 0) return { basis: purchases ? 'purchases' : 'active_days', currency: null, days: [] };
  const c = compileLifetimeDays(d, { siteId, purchases, beforeMs: opts.beforeMs ?? null, pids: opts.pids ?? null });
  const rows = await reader.query<Record<string, unknown>>(c.sql, c.params);
  let currency: string | null = null;
  const days = rows.map((r) => {
    const scale = Number(r.scale ?? 0);
    // conv is "<currency>|<rates fingerprint>" (revenue/credits.ts).
    if (currency === null && r.conv) currency = String(r.conv).split('|')[0] || null;
    return { pid: String(r.pid), day: Number(r.dn), value: scale > 0 ? Number(r.spend) / scale : 0 };
  });
  return { basis: purchases ? 'purchases' : 'active_days', currency, days };
}

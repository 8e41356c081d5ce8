import type { Reader } from '../cache';
import type { Dialect } from '../dialect';
import { compileExperimentMembers, compileExperimentSessions, type ExperimentCountsQuery } from './compile';

/** What the engine counts for one variant; the statistics are experiments/'s. */
export interface ExperimentVariantCounts {
  variant: string;
  sessions: number;
  visitors: number;
  conversions: number;
  revenue: number;
  revenue_sq: number;
}

/** Counts per variant seen in the exposures (variants never exposed have no entry). */
export async function runExperimentCounts(reader: Reader, d: Dialect, q: ExperimentCountsQuery): Promise<ExperimentVariantCounts[]> {
  const members = compileExperimentMembers(d, q);
  const sessions = compileExperimentSessions(d, q);
  const [m, s] = await Promise.all([
    reader.query<Record<string, unknown>>(members.sql, members.params),
    reader.query<Record<string, unknown>>(sessions.sql, sessions.params),
  ]);
  const byVariant = new Map<string, ExperimentVariantCounts>();
  const entry = (variant: string) => {
    const known = byVariant.get(variant);
    if (known) return known;
    const e = { variant, sessions: 0, visitors: 0, conversions: 0, revenue: 0, revenue_sq: 0 };
    byVariant.set(variant, e);
    return e;
  };
  for (const r of m) {
    const e = entry(String(r.variant ?? ''));
    e.visitors = Number(r.n);
    e.conversions = Number(r.conversions);
    e.revenue = Number(r.revenue);
    e.revenue_sq = Number(r.revenue_sq);
  }
  for (const r of s) entry(String(r.variant ?? '')).sessions = Number(r.sessions);
  return [...byVariant.values()];
}

import type { Reader } from '../cache';
import type { Dialect } from '../dialect';
import { compileProfileScoreRows } from './compile';
import { featuresOf, num, PIDS_PER_STATEMENT, str, type ProfileScorer } from './features';

/** A profile's score and segment id, as its profile read (run.ts runProfile) gives them. */
export interface ProfileScoreRow {
  score: number;
  /** Set when the scorer names one (segments/ wraps the site's scorer). */
  segment: string | null;
}

type Row = Record<string, unknown>;

/** Score and segment of each listed person with events on the site, a few statements for them all; an unknown pid has no entry. */
export async function runProfileScores(
  reader: Reader,
  d: Dialect,
  siteId: string,
  pids: readonly string[],
  scorer: ProfileScorer,
): Promise<Map<string, ProfileScoreRow>> {
  const out = new Map<string, ProfileScoreRow>();
  const unique = [...new Set(pids)];
  for (let i = 0; i < unique.length; i += PIDS_PER_STATEMENT) {
    const c = compileProfileScoreRows(d, siteId, unique.slice(i, i + PIDS_PER_STATEMENT), scorer);
    for (const r of await reader.query<Row>(c.sql, c.params)) {
      const base = { pid: str(r.pid), last_ms: num(r.last_ms), sessions: num(r.n_sessions), pageviews: num(r.n_pageviews) };
      const scored = scorer.score(featuresOf(scorer, r, base)) as { score: number; segment?: { id: string } | null };
      out.set(base.pid, { score: scored.score, segment: scored.segment?.id ?? null });
    }
  }
  return out;
}

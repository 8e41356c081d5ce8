import type { MetaStore } from '../meta';
import { repeat } from '../schedule';

const DAY = 86_400_000;

/**
 * Consent-log retention (TIDEMARK_CONSENT_LOG_RETENTION_DAYS, its own setting: decisions are kept as proof
 * longer than analytics data): every site's entries older than the cutoff go, the chain's anchor keeps
 * what remains verifiable. 0 keeps everything. Returns the entries removed per site.
 */
export async function pruneConsentLogs(meta: MetaStore, days: number, now = Date.now()): Promise<Map<string, number>> {
  const removed = new Map<string, number>();
  if (days <= 0) return removed;
  for (const siteId of await meta.consentLog.sites()) {
    const n = await meta.consentLog.purgeBefore(siteId, now - days * DAY, now);
    if (n) removed.set(siteId, n);
  }
  return removed;
}

/** Runs the consent-log retention a minute after start and then every `everyMs` (default six hours); returns a stop function. */
export function scheduleConsentRetention(
  meta: MetaStore,
  days: number,
  opts: { everyMs?: number; isLeader?: () => boolean; onError?: (err: unknown) => void } = {},
): () => void {
  return repeat(
    () => {
      if (opts.isLeader && !opts.isLeader()) return;
      pruneConsentLogs(meta, days).catch((err) => opts.onError?.(err));
    },
    { firstMs: 60_000, everyMs: opts.everyMs ?? 6 * 3_600_000 },
  );
}

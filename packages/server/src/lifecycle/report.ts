import type { PurgeCounts } from '../store';
import type { PurgeReport, RetentionReport } from './lifecycle';

const counts = (c: PurgeCounts) =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'nothing';

/** What one lifecycle run removed, one line per site, for `tidemark retention run`. */
export function formatRetentionReport(run: { purges: PurgeReport[]; retention: RetentionReport[] }): string {
  const lines: string[] = [];
  for (const r of run.retention) {
    const what = r.error ? `FAILED (${r.error})` : counts(r.removed);
    lines.push(
      `${r.name} (${r.site_id}): retention ${r.retention_days} d, before ${new Date(r.cutoff).toISOString().slice(0, 10)}: ${what}`,
    );
  }
  for (const p of run.purges) {
    const what = p.error ? `FAILED (${p.error})` : `${counts(p.removed)}${p.completed ? ' (purge complete)' : ''}`;
    lines.push(`deleted site ${p.site_id}: ${what}`);
  }
  if (!lines.length) lines.push('No site has a retention set and no deleted site is pending.');
  return lines.join('\n');
}

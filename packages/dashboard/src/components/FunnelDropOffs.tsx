import type { FunnelStats } from '@tidemark/core';
import { formatNumber } from '../lib/format';
import { Link } from './Link';

/**
 * "What they did next": the leavers' next page or event after each step; with `recordingsOf` (the site
 * records sessions) a link to the recordings of the sessions that left there.
 */
export function FunnelDropOffs({ stats, recordingsOf }: { stats: FunnelStats; recordingsOf?: (afterStep: number) => string }) {
  return (
    <section className="card" aria-label="What they did next" data-testid="funnel-dropoffs">
      <h2>What they did next</h2>
      <div className="funnel-next-grid">
        {stats.drop_offs.map((d) => (
          <div key={d.after_step}>
            <h3 className="small">
              After step {d.after_step} ({stats.steps[d.after_step - 1]?.name})
            </h3>
            {d.next.length === 0 ? (
              <p className="muted small">Nobody left here.</p>
            ) : (
              <ul className="plain-list">
                {d.next.map((n) => (
                  <li key={n.path_or_event} className="row">
                    <span className="truncate">{n.path_or_event}</span>
                    <span className="muted small">{formatNumber(n.visitors)}</span>
                  </li>
                ))}
              </ul>
            )}
            {recordingsOf && (stats.steps[d.after_step - 1]?.drop_off ?? 0) > 0 && (
              <Link
                to={recordingsOf(d.after_step)}
                className="small"
                title={`Recordings of the sessions that left after step ${d.after_step}`}
              >
                Watch recordings
              </Link>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}

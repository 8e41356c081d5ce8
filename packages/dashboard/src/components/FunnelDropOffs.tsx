import type { FunnelStats } from '@tidemark/core';
import { formatNumber } from '../lib/format';

/** "What they did next": the leavers' next page or event after each step. */
export function FunnelDropOffs({ stats }: { stats: FunnelStats }) {
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
          </div>
        ))}
      </div>
    </section>
  );
}

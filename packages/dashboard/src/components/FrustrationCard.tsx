import { behaviourApi } from '../api/behaviour';
import { useAsync } from '../lib/use-async';
import type { ViewState } from '../lib/view-state';
import { formatNumber } from '../lib/format';
import { Link } from './Link';

/** Overview card: pages with the most rage, dead and error clicks, each linking to its heatmap. */
export function FrustrationCard({ siteId, view, enabled }: { siteId: string; view: ViewState; enabled: boolean }) {
  const q = { period: view.period, from: view.from, to: view.to };
  const report = useAsync((signal) => behaviourApi.frustration(siteId, q, signal), [siteId, JSON.stringify(q)], enabled);
  const pages = report.data?.pages ?? [];
  const period = view.period === 'custom' ? `period=custom&from=${view.from ?? ''}&to=${view.to ?? ''}` : `period=${view.period}`;
  return (
    <section className="card" aria-label="Frustration">
      <div className="card-head">
        <h2>Frustration</h2>
      </div>
      {report.data && (
        <p className="muted">
          {formatNumber(report.data.totals.rage_clicks)} rage · {formatNumber(report.data.totals.dead_clicks)} dead ·{' '}
          {formatNumber(report.data.totals.error_clicks)} error clicks
        </p>
      )}
      {pages.length === 0 ? (
        <p className="muted">{report.loading ? 'Loading…' : 'No rage, dead or error clicks in this period.'}</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Page</th>
              <th className="num">Rage</th>
              <th className="num">Dead</th>
              <th className="num">Error</th>
            </tr>
          </thead>
          <tbody>
            {pages.map((p) => (
              <tr key={p.page}>
                <td>
                  <Link to={`/sites/${siteId}/heatmaps?${period}&page=${encodeURIComponent(p.page)}`}>{p.page}</Link>
                </td>
                <td className="num">{formatNumber(p.rage_clicks)}</td>
                <td className="num">{formatNumber(p.dead_clicks)}</td>
                <td className="num">{formatNumber(p.error_clicks)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

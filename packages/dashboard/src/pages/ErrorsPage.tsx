import { sitesApi } from '../api/sites';
import { behaviourReportsApi } from '../api/behaviour-reports';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { parseViewState, serializeViewState } from '../lib/view-state';
import { formatDateTime, formatNumber } from '../lib/format';
import { SiteHeader } from '../components/SiteHeader';
import { FeatureOff } from '../components/FeatureOff';
import { PeriodPicker } from '../components/PeriodPicker';
import { ErrorBanner } from '../components/ErrorBanner';
import { LineChart } from '../charts/LineChart';
import { Sparkline } from '../charts/Sparkline';

/** JavaScript errors: occurrences per day, and the errors grouped by fingerprint; messages render as text. */
export function ErrorsPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const view = parseViewState(search);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const q = { period: view.period, from: view.from, to: view.to };
  const report = useAsync((signal) => behaviourReportsApi.errors(siteId, q, signal), [siteId, JSON.stringify(q)]);
  const r = report.data;
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      {site.data && !site.data.errors_enabled && <FeatureOff siteId={siteId} what="Error tracking is" />}
      <div className="toolbar">
        <PeriodPicker view={view} onChange={(v) => navigate(`/sites/${siteId}/errors${serializeViewState(v)}`)} />
      </div>
      <ErrorBanner error={report.error ?? site.error} />
      {r && (
        <>
          <p className="muted" data-testid="errors-totals">
            {formatNumber(r.totals.occurrences)} errors · {formatNumber(r.totals.errors)} distinct · {formatNumber(r.totals.visitors)}{' '}
            visitors affected
          </p>
          <section className="card" aria-label="Errors per day">
            <h2>Errors per day</h2>
            <LineChart
              title="Errors per day"
              labels={r.timeseries.map((d) => d.date)}
              series={[{ label: 'Errors', values: r.timeseries.map((d) => d.occurrences), className: 'series-main' }]}
              format={(n) => formatNumber(n)}
            />
          </section>
          <section className="card" aria-label="Errors">
            <h2>Errors</h2>
            {r.errors.length === 0 ? (
              <p className="muted">No JavaScript errors in this period.</p>
            ) : (
              <div className="table-wrap">
                <table className="data-table">
                  <thead>
                    <tr>
                      <th>Error</th>
                      <th className="num">Occurrences</th>
                      <th className="num">Visitors</th>
                      <th>Trend</th>
                      <th>Pages</th>
                      <th>Browsers</th>
                      <th>Last seen</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.errors.map((e) => (
                      <tr key={e.fingerprint}>
                        <td>
                          <div>{e.message || '(no message)'}</div>
                          <div className="muted small">
                            {e.source} · first seen {formatDateTime(e.first_seen)}
                          </div>
                        </td>
                        <td className="num">{formatNumber(e.occurrences)}</td>
                        <td className="num">{formatNumber(e.visitors)}</td>
                        <td>
                          <Sparkline values={e.trend} />
                        </td>
                        <td>{e.pages.map((p) => `${p.page} (${p.count})`).join(', ')}</td>
                        <td>{e.browsers.map((b) => `${b.browser || '?'} (${b.count})`).join(', ')}</td>
                        <td>{formatDateTime(e.last_seen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </section>
  );
}

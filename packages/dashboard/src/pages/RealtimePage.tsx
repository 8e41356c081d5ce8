import { sitesApi } from '../api/sites';
import { useAsync } from '../lib/use-async';
import { useRealtime } from '../lib/use-realtime';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { DataTable } from '../components/DataTable';
import { DimensionValue } from '../components/DimensionValue';
import { formatDuration, formatNumber } from '../lib/format';

/** Who is on the site right now and what they are looking at; refreshes within ~2 seconds. */
export function RealtimePage({ siteId }: { siteId: string }) {
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const { data, error, updatedAt } = useRealtime(siteId, 2000, true);
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <ErrorBanner error={error && !data ? error : undefined} />
      <div className="realtime-hero card">
        <span className="pulse big" aria-hidden="true" />
        <div>
          <div className="realtime-number" data-testid="realtime-count" aria-live="polite">
            {data ? formatNumber(data.active_visitors) : '…'}
          </div>
          <div className="muted">current visitors (last 5 minutes)</div>
        </div>
        {updatedAt && <div className="muted small realtime-updated">Updated {new Date(updatedAt).toLocaleTimeString()}</div>}
      </div>
      <div className="cards">
        <section className="card" aria-label="Pages being viewed">
          <h2>Pages</h2>
          <DataTable
            caption="Pages being viewed now"
            rows={data?.top_pages ?? []}
            columns={[
              { key: 'path', header: 'Page', render: (r) => <span data-testid="realtime-page">{r.path}</span> },
              { key: 'v', header: 'Visitors', numeric: true, render: (r) => formatNumber(r.visitors) },
            ]}
          />
        </section>
        <section className="card" aria-label="Sources">
          <h2>Sources</h2>
          <DataTable
            caption="Sources of current visitors"
            rows={data?.top_sources ?? []}
            columns={[
              { key: 's', header: 'Source', render: (r) => <DimensionValue dimension="source" value={r.source} /> },
              { key: 'v', header: 'Visitors', numeric: true, render: (r) => formatNumber(r.visitors) },
            ]}
          />
        </section>
      </div>
      <section className="card" aria-label="Visitors">
        <h2>Visitors</h2>
        <DataTable
          caption="Current visitors"
          rows={data?.visitors_list ?? []}
          columns={[
            { key: 'page', header: 'Viewing', render: (r) => <span className="truncate">{r.current_page}</span> },
            { key: 'country', header: 'Country', render: (r) => <DimensionValue dimension="country" value={r.country ?? ''} /> },
            { key: 'device', header: 'Device', render: (r) => r.device ?? '' },
            { key: 'source', header: 'Source', render: (r) => <DimensionValue dimension="source" value={r.source ?? ''} /> },
            { key: 'pages', header: 'Pages', numeric: true, render: (r) => formatNumber(r.pages_viewed ?? null) },
            { key: 'time', header: 'Time on site', numeric: true, render: (r) => formatDuration(r.time_on_site ?? null) },
          ]}
        />
      </section>
    </section>
  );
}

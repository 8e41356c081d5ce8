import type { AttributionModelName } from '@tidemark/core';
import { sitesApi } from '../api/sites';
import { revenueApi } from '../api/revenue';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { parseRevenueView, serializeRevenueView, type RevenueView } from '../lib/revenue-view';
import { canWrite, useSession } from '../app/session';
import { SiteHeader } from '../components/SiteHeader';
import { PeriodPicker } from '../components/PeriodPicker';
import { ErrorBanner } from '../components/ErrorBanner';
import { RevenueKpis } from '../components/RevenueKpis';
import { AttributionTable } from '../components/AttributionTable';
import { RevenueBreakdown } from '../components/RevenueBreakdown';
import { TransactionsTable } from '../components/TransactionsTable';
import { MrrMovements } from '../components/MrrMovements';
import { RevenueSetup } from '../components/RevenueSetup';
import { LineChart } from '../charts/LineChart';
import { formatMoney } from '../lib/format';
import { annotationsApi } from '../api/annotations';
import { dailyMarkers } from '../lib/annotation-markers';

/** Revenue: KPIs, revenue over time, attribution (model picker, five models compared), MRR movements, transactions, Stripe setup. */
export function RevenuePage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const { org } = useSession();
  const view = parseRevenueView(search);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const q = { period: view.period.period, from: view.period.from, to: view.period.to, model: view.model, compare: view.compare };
  const report = useAsync((signal) => revenueApi.report(siteId, q, signal), [siteId, JSON.stringify(q)]);
  const update = (next: Partial<RevenueView>) => navigate(`/sites/${siteId}/revenue${serializeRevenueView({ ...view, ...next })}`);
  const r = report.data;
  const configured = !!site.data?.stripe_webhook_configured;
  // The site's annotations as markers on the revenue chart (one point per local day).
  const annotations = useAsync((signal) => annotationsApi.list(siteId, signal), [siteId]);
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <div className="toolbar">
        <PeriodPicker view={view.period} onChange={(p) => update({ period: p })} />
      </div>
      <ErrorBanner error={report.error ?? site.error} />
      {/* One instance whatever the state, so its status line survives saving the secret. */}
      {site.data && <RevenueSetup siteId={siteId} configured={configured} onSaved={site.reload} canEdit={canWrite(org)} />}
      <RevenueKpis report={r} loading={report.loading} />
      {r && Object.keys(r.unconverted).length > 0 && (
        <p className="muted" data-testid="revenue-unconverted">
          Not included (no exchange rate):{' '}
          {Object.entries(r.unconverted)
            .map(([key, v]) => (key.startsWith('MRR:') ? `${formatMoney(v, key.slice(4))} of MRR` : formatMoney(v, key)))
            .join(', ')}
        </p>
      )}
      <section className="card" aria-label="Revenue over time">
        <h2>Revenue over time</h2>
        <LineChart
          title="Revenue per day"
          labels={(r?.timeseries ?? []).map((d) => d.date)}
          series={[{ label: 'Revenue', values: (r?.timeseries ?? []).map((d) => d.revenue), className: 'series-main' }]}
          format={(n) => formatMoney(n, r?.currency ?? 'USD')}
          markers={dailyMarkers(
            (r?.timeseries ?? []).map((d) => d.date),
            annotations.data ?? [],
            site.data?.timezone ?? 'UTC',
          )}
        />
      </section>
      <AttributionTable
        report={r}
        model={view.model}
        compare={view.compare}
        onModel={(m: AttributionModelName) => update({ model: m })}
        onCompare={(on) => update({ compare: on })}
      />
      <RevenueBreakdown
        siteId={siteId}
        view={view.period}
        model={view.model}
        by={view.by}
        currency={r?.currency ?? 'USD'}
        onBy={(by) => update({ by })}
      />
      <MrrMovements report={r} />
      <TransactionsTable siteId={siteId} report={r} />
    </section>
  );
}

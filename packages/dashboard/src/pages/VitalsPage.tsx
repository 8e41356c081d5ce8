import type { Vital } from '@tidemark/core';
import { sitesApi } from '../api/sites';
import { behaviourReportsApi } from '../api/behaviour-reports';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { parseViewState, serializeViewState, type ViewState } from '../lib/view-state';
import { RATING_LABEL, VITAL_LIST, formatVital } from '../lib/vitals';
import { SiteHeader } from '../components/SiteHeader';
import { PeriodPicker } from '../components/PeriodPicker';
import { ErrorBanner } from '../components/ErrorBanner';
import { VitalsTable } from '../components/VitalsTable';
import { LineChart } from '../charts/LineChart';

/** Web vitals: p75 of each metric with its rating, the chosen metric's trend, worst pages, devices, countries. */
export function VitalsPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const view = parseViewState(search);
  const chosen = (VITAL_LIST.find((v) => v.id === new URLSearchParams(search).get('vital'))?.id ?? 'lcp') as Vital;
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const q = { period: view.period, from: view.from, to: view.to };
  const report = useAsync((signal) => behaviourReportsApi.vitals(siteId, q, signal), [siteId, JSON.stringify(q)]);
  const go = (v: ViewState, vital: Vital) => {
    const s = serializeViewState(v);
    const extra = vital === 'lcp' ? '' : `vital=${vital}`;
    navigate(`/sites/${siteId}/vitals${s}${extra ? (s ? '&' : '?') + extra : ''}`);
  };
  const r = report.data;
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <div className="toolbar">
        <PeriodPicker view={view} onChange={(v) => go(v, chosen)} />
      </div>
      <ErrorBanner error={report.error ?? site.error} />
      {r && (
        <>
          {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not form fields */}
          <div className="kpi-row" role="group" aria-label="Web vitals at the 75th percentile">
            {VITAL_LIST.map((v) => {
              const s = r.totals[v.id];
              return (
                <button
                  type="button"
                  key={v.id}
                  className={`kpi vital-card${chosen === v.id ? ' selected' : ''}`}
                  aria-pressed={chosen === v.id}
                  onClick={() => go(view, v.id)}
                  data-testid={`vital-${v.id}`}
                >
                  <span className="kpi-label" title={v.name}>
                    {v.label} p75
                  </span>
                  <span className={`kpi-value vital vital-${s.rating}`}>{formatVital(v.id, s.p75)}</span>
                  <span className="muted">{s.rating ? RATING_LABEL[s.rating] : 'No data'}</span>
                  <span className="muted small">
                    p50 {formatVital(v.id, s.p50)} · p95 {formatVital(v.id, s.p95)} · {s.samples} loads
                  </span>
                </button>
              );
            })}
          </div>
          <section className="card" aria-label="Trend">
            <h2>{VITAL_LIST.find((v) => v.id === chosen)?.name} (p75) per day</h2>
            <LineChart
              title={`${chosen} p75 per day`}
              labels={r.timeseries.map((d) => d.date)}
              series={[{ label: 'p75', values: r.timeseries.map((d) => d[chosen].p75 ?? 0), className: 'series-main' }]}
              format={(n) => formatVital(chosen, n)}
            />
          </section>
          <VitalsTable title="Slowest pages" label="Page" rows={r.pages.map((p) => ({ ...p, name: p.page }))} />
          <VitalsTable title="Devices" label="Device" rows={r.devices.map((p) => ({ ...p, name: p.device }))} />
          <VitalsTable title="Countries" label="Country" rows={r.countries.map((p) => ({ ...p, name: p.country }))} />
        </>
      )}
    </section>
  );
}

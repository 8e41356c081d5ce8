import type { Vital } from '@tidemark/core';
import { sitesApi } from '../api/sites';
import { statsApi } from '../api/stats';
import { behaviourReportsApi } from '../api/behaviour-reports';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { withFilter, type ViewState } from '../lib/view-state';
import { parseVitalsView, serializeVitalsView, VITALS_BREAKDOWNS } from '../lib/vitals-view';
import { dimensionLabel } from '../lib/dimensions';
import { RATING_LABEL, VITAL_LIST, formatVital, ratingOf, vitalMetrics } from '../lib/vitals';
import { SiteHeader } from '../components/SiteHeader';
import { FeatureOff } from '../components/FeatureOff';
import { PeriodPicker } from '../components/PeriodPicker';
import { FilterBar } from '../components/FilterBar';
import { ErrorBanner } from '../components/ErrorBanner';
import { VitalsTable } from '../components/VitalsTable';
import { LineChart } from '../charts/LineChart';

const ALL_METRICS = VITAL_LIST.flatMap((v) => vitalMetrics(v.id));
const P75 = VITAL_LIST.map((v) => `${v.id}_p75`);

/**
 * Web vitals from the stats engine's metrics (`<vital>_p50|p75|p95`), so the period, filters and
 * breakdowns work as everywhere: p75 of each vital with its rating, the chosen vital's daily trend, and
 * the slowest rows of a dimension (a row filters the page by its value). View state lives in the URL.
 */
export function VitalsPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const { view, vital: chosen, by } = parseVitalsView(search);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const key = JSON.stringify([view.period, view.from, view.to, view.filters]);
  // The web.dev thresholds the server rates with (the report's own numbers are not shown here).
  const report = useAsync(
    (signal) => behaviourReportsApi.vitals(siteId, { period: view.period, from: view.from, to: view.to }, signal),
    [siteId, view.period, view.from, view.to],
  );
  const overview = useAsync((signal) => statsApi.overview(siteId, { ...view, compare: false }, ALL_METRICS, 'day', signal), [siteId, key]);
  const rows = useAsync((signal) => statsApi.breakdown(siteId, { ...view, compare: false }, by, P75, 10, signal), [siteId, key, by]);
  const go = (v: ViewState, vital: Vital, dimension: string) =>
    navigate(`/sites/${siteId}/vitals${serializeVitalsView({ view: v, vital, by: dimension })}`);
  const thresholds = report.data?.thresholds;
  const totals = overview.data?.metrics;
  const value = (metric: string) => totals?.[metric]?.value ?? 0;
  // A p75 of 0 is no data, except for CLS, where 0 is a page that never shifted: there, the report's count of
  // samples decides (it knows the period, not the filters, so with filters a 0 stays "no data").
  const measured = (id: Vital, p75: number) =>
    p75 > 0 || (id === 'cls' && view.filters.length === 0 && (report.data?.totals.cls.samples ?? 0) > 0);
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      {site.data && !site.data.vitals_enabled && <FeatureOff siteId={siteId} what="Web vitals collection is" />}
      <div className="toolbar">
        <PeriodPicker view={view} onChange={(v) => go(v, chosen, by)} />
      </div>
      <FilterBar view={view} onChange={(v) => go(v, chosen, by)} />
      <ErrorBanner error={overview.error ?? rows.error ?? report.error ?? site.error} />
      {thresholds && totals && (
        // biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not form fields
        <div className="kpi-row" role="group" aria-label="Web vitals at the 75th percentile">
          {VITAL_LIST.map((v) => {
            const p75 = value(`${v.id}_p75`);
            const has = measured(v.id, p75);
            const rating = has ? ratingOf(thresholds, v.id, p75) : null;
            return (
              <button
                type="button"
                key={v.id}
                className={`kpi vital-card${chosen === v.id ? ' selected' : ''}`}
                aria-pressed={chosen === v.id}
                onClick={() => go(view, v.id, by)}
                data-testid={`vital-${v.id}`}
              >
                <span className="kpi-label" title={v.name}>
                  {v.label} p75
                </span>
                <span className={`kpi-value vital vital-${rating}`}>{has ? formatVital(v.id, p75) : '—'}</span>
                <span className="muted">{rating ? RATING_LABEL[rating] : 'No data'}</span>
                <span className="muted small">
                  {has
                    ? `p50 ${formatVital(v.id, value(`${v.id}_p50`))} · p95 ${formatVital(v.id, value(`${v.id}_p95`))}`
                    : 'p50 – · p95 –'}
                </span>
              </button>
            );
          })}
        </div>
      )}
      {overview.data && (
        <section className="card" aria-label="Trend">
          <h2>{VITAL_LIST.find((v) => v.id === chosen)?.name} per day</h2>
          <LineChart
            title={`${chosen} p50, p75 and p95 per day`}
            labels={overview.data.timeseries.map((d) => String(d.date))}
            series={(['p50', 'p75', 'p95'] as const).map((q) => ({
              label: q,
              values: overview.data!.timeseries.map((d) => Number(d[`${chosen}_${q}`] ?? 0)),
              className: q === 'p75' ? 'series-main' : 'series-prev',
            }))}
            format={(n) => formatVital(chosen, n)}
          />
        </section>
      )}
      <div className="toolbar">
        <label>
          Break down by{' '}
          <select value={by} onChange={(e) => go(view, chosen, e.target.value)}>
            {VITALS_BREAKDOWNS.map((d) => (
              <option key={d} value={d}>
                {dimensionLabel(d)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {thresholds && rows.data && (
        <VitalsTable
          title={`Slowest by ${dimensionLabel(by).toLowerCase()} (LCP p75)`}
          label={dimensionLabel(by)}
          rows={rows.data}
          thresholds={thresholds}
          onPick={(v) => go(withFilter(view, by, v), chosen, by)}
        />
      )}
    </section>
  );
}

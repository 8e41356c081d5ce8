import { useEffect } from 'react';
import { sitesApi } from '../api/sites';
import { statsApi, periodParams, statsEndpoint } from '../api/stats';
import type { ResultRow as Row } from '@tidemark/core';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { defaultInterval, parseViewState, serializeViewState, withFilter, type ViewState } from '../lib/view-state';
import { BREAKDOWN_CARDS, KPI_METRICS, VISITOR_SPLIT_METRICS } from '../lib/dimensions';
import { SiteHeader } from '../components/SiteHeader';
import { PeriodPicker } from '../components/PeriodPicker';
import { CompareToggle } from '../components/CompareToggle';
import { FilterBar } from '../components/FilterBar';
import { KpiRow } from '../components/KpiRow';
import { MainChart } from '../components/MainChart';
import { BreakdownCard } from '../components/BreakdownCard';
import { EventsCard } from '../components/EventsCard';
import { GoalsCard } from '../components/GoalsCard';
import { FrustrationCard } from '../components/FrustrationCard';
import { canWrite, useSession } from '../app/session';
import { ErrorBanner } from '../components/ErrorBanner';
import { ImportedMarker } from '../components/ImportedMarker';
import { AnnotationsCard } from '../components/AnnotationsCard';

/** The site dashboard. Everything shown is derived from the URL, so views can be shared. */
export function SiteOverviewPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const { org } = useSession();
  const view = parseViewState(search);
  const interval = view.interval ?? defaultInterval(view);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  // One key for "the same question": cards refetch only when period or filters change.
  const queryKey = JSON.stringify(periodParams(view));
  const overview = useAsync(
    (signal) =>
      statsApi.overview(
        siteId,
        view,
        KPI_METRICS.map((k) => k.metric),
        interval,
        signal,
      ),
    [siteId, queryKey, interval, view.compare],
  );
  // The browser runs only a few requests per host at once: the headline numbers go first.
  const cardsEnabled = !overview.loading;
  const update = (next: ViewState) => navigate(`/sites/${siteId}${serializeViewState(next)}`);
  const onFilter = (dimension: string, value: string) => update(withFilter(view, dimension, value));

  useEffect(() => {
    if (site.data) document.title = `${site.data.name || site.data.domain} · Tidemark`;
    return () => {
      document.title = 'Tidemark';
    };
  }, [site.data]);

  // The previous period's line: the same question asked for the comparison dates the server chose.
  const cp = view.compare ? overview.data?.comparison_period : undefined;
  const prev = useAsync(
    (signal): Promise<Row[] | undefined> =>
      cp
        ? statsApi
            .overview(siteId, { ...view, period: 'custom', from: cp.start, to: cp.end, compare: false }, [view.metric], interval, signal)
            .then((r) => r.timeseries)
        : Promise.resolve(undefined),
    [siteId, cp?.start, cp?.end, view.metric, interval, queryKey],
    cardsEnabled,
  );
  const previous = cp ? prev.data : undefined;
  // New vs returning visitors read the visitors' history (raw events): asked apart, after the headline numbers.
  const split = useAsync(
    (signal) => statsApi.overview(siteId, { ...view, compare: false }, VISITOR_SPLIT_METRICS, interval, signal).then((r) => r.metrics),
    [siteId, queryKey, interval],
    cardsEnabled,
  );

  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <div className="toolbar">
        <PeriodPicker view={view} onChange={update} />
        <CompareToggle view={view} onChange={update} />
      </div>
      <FilterBar view={view} onChange={update} />
      <ImportedMarker marker={overview.data?.imported} view={view} onChange={update} />
      <ErrorBanner error={overview.error ?? site.error} />
      <KpiRow
        metrics={overview.data?.metrics}
        split={split.data}
        selected={view.metric}
        onSelect={(metric) => update({ ...view, metric })}
        loading={overview.loading}
      />
      <MainChart
        metric={view.metric}
        interval={interval}
        onInterval={(i) => update({ ...view, interval: i })}
        timeseries={overview.data?.timeseries ?? []}
        previous={previous}
        annotations={overview.data?.annotations}
        exportHref={(format) => statsApi.exportUrl(statsEndpoint(siteId), view, { metrics: view.metric, interval }, format)}
      />
      <AnnotationsCard siteId={siteId} annotations={overview.data?.annotations ?? []} canEdit={canWrite(org)} onChange={overview.reload} />
      <div className="cards">
        {BREAKDOWN_CARDS.map((def) => (
          <BreakdownCard
            key={def.id}
            siteId={siteId}
            siteDomain={site.data?.domain}
            def={def}
            view={view}
            queryKey={queryKey}
            onFilter={onFilter}
            enabled={cardsEnabled}
            currency={site.data?.currency}
          />
        ))}
        <EventsCard siteId={siteId} view={view} queryKey={queryKey} onFilter={onFilter} enabled={cardsEnabled} />
        <GoalsCard siteId={siteId} view={view} queryKey={queryKey} onFilter={onFilter} enabled={cardsEnabled} canEdit={canWrite(org)} />
        <FrustrationCard siteId={siteId} view={view} enabled={cardsEnabled} />
      </div>
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import { sitesApi } from '../api/sites';
import { behaviourApi } from '../api/behaviour';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { liveUrl, parseHeatmapView, serializeHeatmapView, TYPES, VIEWPORTS, type HeatmapView } from '../lib/heatmap-view';
import { SiteHeader } from '../components/SiteHeader';
import { FeatureOff } from '../components/FeatureOff';
import { PeriodPicker } from '../components/PeriodPicker';
import { ErrorBanner } from '../components/ErrorBanner';
import { HeatmapOverlay } from '../components/HeatmapOverlay';
import { ElementsTable } from '../components/ElementsTable';
import { formatNumber } from '../lib/format';
import { recordingsOfClicks } from '../replay/view';

/** Heatmaps of one page: click, move and scroll maps over the live page, per viewport class, and its clicked elements. */
export function HeatmapsPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const view = parseHeatmapView(search);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const q = {
    period: view.period.period,
    from: view.period.from,
    to: view.period.to,
    page: view.page,
    viewport: view.viewport,
    type: view.type,
  };
  const report = useAsync((signal) => behaviourApi.heatmap(siteId, q, signal), [siteId, JSON.stringify(q)]);
  const update = (next: Partial<HeatmapView>) => navigate(`/sites/${siteId}/heatmaps${serializeHeatmapView({ ...view, ...next })}`);
  const [draft, setDraft] = useState(view.page);
  const choosePage = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    update({ page: draft.trim() || '/' });
  };
  const r = report.data;
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      {site.data && !site.data.heatmaps_enabled && <FeatureOff siteId={siteId} what="Heatmap collection is" />}
      <div className="toolbar">
        <PeriodPicker view={view.period} onChange={(p) => update({ period: p })} />
        <form className="row" onSubmit={choosePage} aria-label="Page">
          <label htmlFor="heatmap-page">Page</label>
          <input id="heatmap-page" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="/pricing" />
          <button type="submit" className="button">
            Show
          </button>
        </form>
      </div>
      <div className="toolbar">
        <fieldset className="segmented">
          <legend className="visually-hidden">Viewport</legend>
          {VIEWPORTS.map((v) => (
            <button
              className="segment"
              key={v.id}
              type="button"
              aria-pressed={view.viewport === v.id}
              onClick={() => update({ viewport: v.id })}
            >
              {v.label}
            </button>
          ))}
        </fieldset>
        <fieldset className="segmented">
          <legend className="visually-hidden">Map</legend>
          {TYPES.map((t) => (
            <button className="segment" key={t.id} type="button" aria-pressed={view.type === t.id} onClick={() => update({ type: t.id })}>
              {t.label}
            </button>
          ))}
        </fieldset>
      </div>
      <ErrorBanner error={report.error ?? site.error} />
      {r && (
        <>
          <p className="muted" data-testid="heatmap-totals">
            {/* The answer counts the map it was asked for: the others' totals are not read with it. */}
            {r.type === 'click'
              ? `${formatNumber(r.totals.clicks)} clicks`
              : r.type === 'move'
                ? `${formatNumber(r.totals.moves)} mouse positions`
                : `${formatNumber(r.totals.scroll_views)} page views with scroll depth`}{' '}
            · {r.viewport.width} px wide
          </p>
          <section className="card" aria-label="Heatmap">
            <HeatmapOverlay report={r} src={liveUrl(view.page, site.data?.domain)} />
          </section>
          <ElementsTable
            rows={r.top_elements}
            recordingsOf={site.data?.replay_enabled ? (sel) => recordingsOfClicks(siteId, view.page, sel, view.period.period) : undefined}
          />
        </>
      )}
    </section>
  );
}

import { sitesApi } from '../api/sites';
import { pathsApi } from '../api/paths';
import { periodParams } from '../api/stats';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { anchorValid, parsePathsView, serializePathsView, type PathsView } from '../lib/paths-view';
import { formatNumber } from '../lib/format';
import { SiteHeader } from '../components/SiteHeader';
import { PeriodPicker } from '../components/PeriodPicker';
import { FilterBar } from '../components/FilterBar';
import { ErrorBanner } from '../components/ErrorBanner';
import { PathAnchorForm } from '../components/PathAnchorForm';
import { PageNeighboursCard } from '../components/PageNeighboursCard';
import { DataTable } from '../components/DataTable';
import { Sankey } from '../charts/Sankey';

type Step = { step: number; visitors: number; drop_off: number; drop_off_rate: number };

/** Paths: a Sankey from the entry page, or from / to a chosen page or event; a page's next and previous steps. All in the URL. */
export function PathsPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const state = parsePathsView(search);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const key = JSON.stringify([periodParams(state.view), state.position, state.kind, state.anchor, state.depth, state.events]);
  const paths = useAsync(
    (signal) => (anchorValid(state) ? pathsApi.paths(siteId, state, signal) : Promise.resolve(undefined)),
    [siteId, key],
  );
  const page = state.page ?? (state.kind === 'page' && state.anchor ? state.anchor : null);
  const around = useAsync(
    (signal) => (page ? pathsApi.neighbours(siteId, state, page, signal) : Promise.resolve(undefined)),
    [siteId, page, JSON.stringify([periodParams(state.view), state.events])],
  );
  const update = (next: Partial<PathsView>) => navigate(`/sites/${siteId}/paths${serializePathsView({ ...state, ...next })}`);
  const p = paths.data;
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <div className="toolbar">
        <PeriodPicker view={state.view} onChange={(view) => update({ view })} />
      </div>
      <PathAnchorForm key={`${state.position}:${state.kind}:${state.anchor}`} state={state} onChange={update} />
      <FilterBar view={state.view} onChange={(view) => update({ view })} />
      <ErrorBanner error={paths.error ?? site.error ?? around.error} />
      <section className="card" aria-label="Paths" data-testid="paths-card">
        <div className="card-head">
          <h2>{state.anchor ? `Paths ${state.position === 'start' ? 'from' : 'to'} ${state.anchor}` : 'Paths from the entry page'}</h2>
          {p && (
            <span className="muted small" data-testid="paths-visitors">
              {formatNumber(p.visitors)} visitors · each counted once, with their first such visit
            </span>
          )}
        </div>
        {p && p.visitors === 0 && <p className="muted">No visitor took such a path in this period.</p>}
        {p && p.visitors > 0 && <Sankey paths={p} onPick={(name) => update({ page: name })} />}
        {p && p.visitors > 0 && (
          <DataTable<Step>
            rows={p.steps}
            caption="Visitors and drop-off per step"
            columns={[
              {
                key: 'step',
                header: p.direction === 'forward' ? 'Step' : 'Steps before',
                render: (s) => (p.direction === 'forward' ? s.step : s.step - 1),
              },
              { key: 'visitors', header: 'Visitors', numeric: true, render: (s) => formatNumber(s.visitors) },
              {
                key: 'drop',
                header: p.direction === 'forward' ? 'Left here' : 'Began here',
                numeric: true,
                render: (s) => formatNumber(s.drop_off),
              },
              { key: 'rate', header: 'Rate', numeric: true, render: (s) => `${s.drop_off_rate}%` },
            ]}
          />
        )}
      </section>
      {around.data ? (
        <PageNeighboursCard data={around.data} />
      ) : (
        <p className="muted small">Choose a page in the chart to see where its visitors came from and went next.</p>
      )}
    </section>
  );
}

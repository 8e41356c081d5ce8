import { sitesApi } from '../api/sites';
import { funnelsApi } from '../api/funnels';
import { periodParams } from '../api/stats';
import { canWrite, useSession } from '../app/session';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { FUNNEL_BREAKDOWNS, parseFunnelView, serializeFunnelView, type FunnelView } from '../lib/funnel-view';
import { SiteHeader } from '../components/SiteHeader';
import { PeriodPicker } from '../components/PeriodPicker';
import { FilterBar } from '../components/FilterBar';
import { ErrorBanner } from '../components/ErrorBanner';
import { FunnelChart } from '../components/FunnelChart';
import { FunnelDropOffs } from '../components/FunnelDropOffs';
import { FunnelBreakdown } from '../components/FunnelBreakdown';
import { FunnelBuilder } from '../components/FunnelBuilder';
import { BreakdownPicker } from '../components/FunnelBreakdownPicker';
import { recordingsOfDropOff } from '../replay/view';

/** A site's funnels: pick one, see its steps, drop-offs and breakdown; members build and edit them. Everything is in the URL. */
export function FunnelsPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const state = parseFunnelView(search);
  const { org } = useSession();
  const editor = canWrite(org);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const list = useAsync(() => funnelsApi.list(siteId), [siteId, state.edit]);
  const funnels = list.data ?? [];
  const current = funnels.find((f) => f.id === state.funnel) ?? (state.funnel ? undefined : funnels[0]);
  const queryKey = JSON.stringify(periodParams(state.view));
  const stats = useAsync(
    (signal) => (current ? funnelsApi.stats(siteId, current.id, state.view, state.breakdown, signal) : Promise.resolve(undefined)),
    [siteId, current?.id, current?.updated_at, queryKey, state.breakdown],
    !state.edit,
  );
  const update = (next: Partial<FunnelView>) => navigate(`/sites/${siteId}/funnels${serializeFunnelView({ ...state, ...next })}`);
  const editing = state.edit === 'new' ? null : funnels.find((f) => f.id === state.edit);

  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <ErrorBanner error={list.error ?? site.error} />
      {state.edit && editor && (state.edit === 'new' || editing) ? (
        <FunnelBuilder
          key={state.edit}
          funnel={editing ?? null}
          onCancel={() => update({ edit: null })}
          onSave={async (input) => {
            const saved = editing ? await funnelsApi.update(siteId, editing.id, input) : await funnelsApi.create(siteId, input);
            update({ edit: null, funnel: saved.id });
          }}
          onDelete={
            editing
              ? async () => {
                  await funnelsApi.remove(siteId, editing.id);
                  update({ edit: null, funnel: null });
                }
              : undefined
          }
        />
      ) : (
        <>
          <div className="toolbar">
            <div className="field">
              <label htmlFor="funnel-pick">Funnel</label>
              <select
                id="funnel-pick"
                value={current?.id ?? ''}
                onChange={(e) => update({ funnel: e.target.value || null })}
                disabled={!funnels.length}
              >
                {!funnels.length && <option value="">No funnels yet</option>}
                {funnels.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </select>
            </div>
            <PeriodPicker view={state.view} onChange={(view) => update({ view })} />
            <BreakdownPicker value={state.breakdown} options={FUNNEL_BREAKDOWNS} onChange={(breakdown) => update({ breakdown })} />
            {editor && (
              <div className="row">
                {current && (
                  <button type="button" className="button" onClick={() => update({ edit: current.id })}>
                    Edit funnel
                  </button>
                )}
                <button type="button" className="button primary" onClick={() => update({ edit: 'new' })}>
                  New funnel
                </button>
              </div>
            )}
          </div>
          <FilterBar view={state.view} onChange={(view) => update({ view })} />
          <ErrorBanner error={stats.error} />
          {!list.loading && !funnels.length && (
            <section className="card">
              <h2>No funnels yet</h2>
              <p className="muted">A funnel follows visitors through steps you choose (pages or events) and shows where they leave.</p>
            </section>
          )}
          {current && stats.data && (
            <>
              <section className="card" aria-label="Funnel" data-testid="funnel-card">
                <div className="card-head">
                  <h2>{current.name}</h2>
                  <span className="muted small" data-testid="funnel-conversion">
                    {stats.data.conversion_rate.toLocaleString('en-US', { maximumFractionDigits: 1 })}% converted ·{' '}
                    {current.scope === 'visitor' ? 'across visits' : 'within a visit'}
                  </span>
                </div>
                <FunnelChart stats={stats.data} />
              </section>
              <FunnelDropOffs
                stats={stats.data}
                recordingsOf={
                  site.data?.replay_enabled
                    ? (step) => recordingsOfDropOff(siteId, current.id, step, stats.data!.period, periodParams(state.view).filters)
                    : undefined
                }
              />
              <FunnelBreakdown stats={stats.data} />
            </>
          )}
        </>
      )}
    </section>
  );
}

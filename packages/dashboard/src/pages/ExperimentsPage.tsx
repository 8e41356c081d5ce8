import { useState } from 'react';
import type { Experiment } from '@tidemark/core';
import { sitesApi } from '../api/sites';
import { goalsApi } from '../api/goals';
import { experimentsApi } from '../api/experiments';
import { errorMessage } from '../api/client';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { parseExperimentsView, serializeExperimentsView } from '../lib/experiments-view';
import { canWrite, useSession } from '../app/session';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { ExperimentForm } from '../components/ExperimentForm';
import { ExperimentResultsTable } from '../components/ExperimentResultsTable';

const since = (e: Experiment) =>
  e.status === 'draft'
    ? 'draft'
    : e.status === 'running'
      ? `running since ${e.started_at?.slice(0, 10)}`
      : `stopped ${e.stopped_at?.slice(0, 10)}`;

/** Experiments: the list with start / stop / declare winner, a create form, and the open experiment's results (`?e=` in the URL). */
export function ExperimentsPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const view = parseExperimentsView(search);
  const { org } = useSession();
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const goals = useAsync((signal) => goalsApi.list(siteId, signal), [siteId]);
  const list = useAsync((signal) => experimentsApi.list(siteId, signal), [siteId]);
  const results = useAsync(
    (signal) => (view.selected ? experimentsApi.results(siteId, view.selected, signal) : Promise.resolve(undefined)),
    [siteId, view.selected, list.data],
  );
  const [actionError, setActionError] = useState<string | null>(null);
  const open = (id: string | null) => navigate(`/sites/${siteId}/experiments${serializeExperimentsView({ selected: id })}`);
  const act = async (run: () => Promise<unknown>) => {
    setActionError(null);
    try {
      await run();
      list.reload();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  };
  const writer = canWrite(org);
  const selected = list.data?.find((e) => e.id === view.selected);

  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <ErrorBanner error={list.error ?? site.error ?? actionError} />
      <section className="card" aria-label="Experiments">
        <h2>Experiments</h2>
        {list.data && list.data.length === 0 && <p className="muted">No experiments yet.</p>}
        <ul className="plain-list">
          {(list.data ?? []).map((e) => (
            <li key={e.id} className="experiment-row" data-testid={`experiment-${e.key}`}>
              <button
                type="button"
                className="link-button"
                onClick={() => open(e.id)}
                aria-current={e.id === view.selected ? 'true' : undefined}
              >
                {e.name}
              </button>{' '}
              <code>{e.key}</code> <span className="muted small">{since(e)}</span>
              {e.winner && <span className="badge"> winner: {e.winner}</span>}
              {writer && e.status === 'draft' && (
                <button className="button small" type="button" onClick={() => act(() => experimentsApi.start(siteId, e.id))}>
                  Start
                </button>
              )}
              {writer && e.status === 'running' && (
                <button className="button small" type="button" onClick={() => act(() => experimentsApi.stop(siteId, e.id))}>
                  Stop
                </button>
              )}
              {writer && e.status === 'draft' && (
                <button className="button small" type="button" onClick={() => act(() => experimentsApi.remove(siteId, e.id))}>
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      {selected && (
        <section className="card" aria-label="Results">
          <div className="card-head">
            <h2>{selected.name}</h2>
            <span className="muted small">
              {results.data ? `judged on ${results.data.metric_name}` : ''} · {since(selected)}
            </span>
          </div>
          <ErrorBanner error={results.error} />
          {results.data && <ExperimentResultsTable results={results.data} />}
          {writer && selected.status !== 'draft' && (
            <div className="toolbar">
              {selected.variants.map((v) => (
                <button
                  className="button small"
                  key={v.key}
                  type="button"
                  onClick={() => act(() => experimentsApi.declareWinner(siteId, selected.id, v.key))}
                >
                  Declare {v.key} the winner
                </button>
              ))}
            </div>
          )}
        </section>
      )}
      {writer && (
        <ExperimentForm
          siteId={siteId}
          goals={goals.data ?? []}
          onCreated={(e) => {
            list.reload();
            open(e.id);
          }}
        />
      )}
    </section>
  );
}

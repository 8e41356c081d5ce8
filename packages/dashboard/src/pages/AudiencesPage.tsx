import { useState } from 'react';
import type { Audience } from '@tidemark/core';
import { sitesApi } from '../api/sites';
import { audiencesApi } from '../api/audiences';
import { errorMessage } from '../api/client';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { parseViewState } from '../lib/view-state';
import { chipsOf, describePredicate, parseAudiencesView, serializeAudiencesView } from '../lib/audiences-view';
import { dimensionLabel } from '../lib/dimensions';
import { canWrite, useSession } from '../app/session';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { Sparkline } from '../charts/Sparkline';
import { AudienceForm } from '../components/AudienceForm';
import { AudienceMembers } from '../components/AudienceMembers';

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

function SizeTrend({ siteId, audience, version }: { siteId: string; audience: Audience; version: number }) {
  const sizes = useAsync((signal) => audiencesApi.sizes(siteId, audience.id, signal), [siteId, audience.id, version]);
  return <Sparkline values={(sizes.data?.points ?? []).map((p) => p.size)} />;
}

function SyncStatus({ audience }: { audience: Audience }) {
  if (!audience.sync.length) return <p className="muted small">No sync targets.</p>;
  return (
    <ul className="plain-list" aria-label="Sync status">
      {audience.sync.map((s) => (
        <li key={s.target} data-testid={`sync-${s.target}`}>
          <strong>{s.target}</strong>:{' '}
          {s.last_error ? (
            <span className="error-text">
              failing ({s.last_error}), {s.pending_changes} change{s.pending_changes === 1 ? '' : 's'} waiting
            </span>
          ) : (
            <span>{s.last_ok_at === null ? 'nothing sent yet' : `in sync, last sent ${when(s.last_ok_at)}`}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * Audiences (under People): each with its size and the trend of its size; the open one (`?a=` in the URL)
 * with its definition, members linking to profiles, the CSV download and the sync status. Filters chosen
 * on the overview (`f=` in the URL) start a new audience's definition.
 */
export function AudiencesPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const view = parseAudiencesView(search);
  const incoming = parseViewState(search).filters;
  const { org } = useSession();
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const list = useAsync((signal) => audiencesApi.list(siteId, signal), [siteId]);
  const [version, setVersion] = useState(0);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = (id: string | null, page = 0, editing = false) =>
    navigate(`/sites/${siteId}/audiences${serializeAudiencesView({ selected: id, page, editing })}`);
  const act = async (run: () => Promise<unknown>) => {
    setActionError(null);
    setBusy(true);
    try {
      await run();
      list.reload();
      setVersion((v) => v + 1);
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const writer = canWrite(org);
  const selected = list.data?.find((a) => a.id === view.selected);

  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <ErrorBanner error={list.error ?? site.error ?? actionError} />
      <section className="card" aria-label="Audiences">
        <h2>Audiences</h2>
        {list.data && list.data.length === 0 && <p className="muted">No audiences yet.</p>}
        <ul className="plain-list">
          {(list.data ?? []).map((a) => (
            <li key={a.id} className="audience-row" data-testid="audience-row">
              <button
                type="button"
                className="link-button"
                onClick={() => open(a.id)}
                aria-current={a.id === view.selected ? 'true' : undefined}
              >
                {a.name}
              </button>{' '}
              <span data-testid="audience-size">{a.size}</span> <span className="muted small">people</span>{' '}
              <SizeTrend siteId={siteId} audience={a} version={version} />
              {a.last_error && <span className="error-text small"> last update failed: {a.last_error}</span>}
            </li>
          ))}
        </ul>
      </section>
      {selected && (
        <section className="card" aria-label="Audience">
          <div className="card-head">
            <h2>{selected.name}</h2>
            <span className="muted small">updated {when(selected.computed_at)}</span>
          </div>
          <p className="small" data-testid="audience-definition">
            {selected.definition.filters.length
              ? `People with a session (${selected.definition.period.replaceAll('_', ' ')}) where ${chipsOf(selected.definition.filters)
                  .map((c) => `${dimensionLabel(c.dimension)} ${c.op === 'is' ? 'is' : 'is not'} ${c.values.join(', ')}`)
                  .join(' and ')}`
              : 'Every person'}
            {selected.definition.predicates.length ? `; ${selected.definition.predicates.map(describePredicate).join('; ')}` : ''}
          </p>
          <div className="toolbar">
            {writer && (
              <button
                className="button small"
                type="button"
                disabled={busy}
                onClick={() => act(() => audiencesApi.refresh(siteId, selected.id))}
              >
                Refresh now
              </button>
            )}
            {writer && (
              <button className="button small" type="button" onClick={() => open(selected.id, view.page, !view.editing)}>
                {view.editing ? 'Close editor' : 'Edit'}
              </button>
            )}
            <a href={audiencesApi.csvUrl(siteId, selected.id)} download>
              Download CSV
            </a>
            {writer && (
              <button
                className="button small"
                type="button"
                onClick={() =>
                  act(async () => {
                    await audiencesApi.remove(siteId, selected.id);
                    open(null);
                  })
                }
              >
                Delete
              </button>
            )}
          </div>
          {writer && view.editing && (
            <AudienceForm
              key={`${selected.id}:${selected.updated_at}`}
              siteId={siteId}
              initial={[]}
              existing={selected}
              onSaved={(a) =>
                act(async () => {
                  await audiencesApi.refresh(siteId, a.id);
                  open(a.id);
                })
              }
            />
          )}
          <SyncStatus audience={selected} />
          <AudienceMembers siteId={siteId} audience={selected} page={view.page} onPage={(p) => open(selected.id, p)} version={version} />
        </section>
      )}
      {writer && (
        <AudienceForm
          siteId={siteId}
          initial={incoming}
          onSaved={(a) =>
            act(async () => {
              await audiencesApi.refresh(siteId, a.id);
              open(a.id);
            })
          }
        />
      )}
    </section>
  );
}

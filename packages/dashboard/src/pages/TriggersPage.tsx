import { useState } from 'react';
import { sitesApi } from '../api/sites';
import { goalsApi } from '../api/goals';
import { triggersApi } from '../api/triggers';
import { segmentsApi } from '../api/segments';
import { errorMessage } from '../api/client';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { describeFrequency, parseTriggersView, serializeTriggersView, type TriggersView } from '../lib/trigger-form';
import { canWrite, useSession } from '../app/session';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { TriggerForm } from '../components/TriggerForm';
import { TriggerFirings } from '../components/TriggerFirings';
import { DeadLetters } from '../components/DeadLetters';

/** Triggers: the list, the editor with a dry run, the open trigger's firings (`?t=`, `&o=` in the URL) and the dead letters. */
export function TriggersPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const view = parseTriggersView(search);
  const { org } = useSession();
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const goals = useAsync((signal) => goalsApi.list(siteId, signal), [siteId]);
  const list = useAsync((signal) => triggersApi.list(siteId, signal), [siteId]);
  const segments = useAsync((signal) => segmentsApi.list(siteId, signal), [siteId]);
  const dead = useAsync((signal) => triggersApi.deadLetters(siteId, signal), [siteId]);
  const firings = useAsync(
    (signal) => (view.selected ? triggersApi.firings(siteId, view.selected, view.offset, signal) : Promise.resolve(undefined)),
    [siteId, view.selected, view.offset],
  );
  const [actionError, setActionError] = useState<string | null>(null);
  const [editorKey, setEditorKey] = useState(0);
  const go = (v: TriggersView) => navigate(`/sites/${siteId}/triggers${serializeTriggersView(v)}`);
  const act = async (run: () => Promise<unknown>, reload: () => void) => {
    setActionError(null);
    try {
      await run();
      reload();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  };
  const writer = canWrite(org);
  const selected = list.data?.find((t) => t.id === view.selected) ?? null;

  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <ErrorBanner error={list.error ?? site.error ?? actionError} />
      <section className="card" aria-label="Triggers">
        <h2>Triggers</h2>
        {list.data && list.data.length === 0 && <p className="muted">No triggers yet.</p>}
        <ul className="plain-list">
          {(list.data ?? []).map((t) => (
            <li key={t.id} data-testid={`trigger-${t.name}`}>
              <button
                type="button"
                className="link-button"
                onClick={() => go({ selected: t.id, offset: 0 })}
                aria-current={t.id === view.selected ? 'true' : undefined}
              >
                {t.name}
              </button>{' '}
              <span className="muted small">
                {t.enabled ? 'on' : 'off'} · {t.condition.type.replace(/_/g, ' ')} · {describeFrequency(t.max_frequency)}
                {t.delay_minutes ? ` · after ${t.delay_minutes} min` : ''}
                {t.quiet_hours ? ` · quiet ${t.quiet_hours.start}–${t.quiet_hours.end}` : ''}
              </span>
              {writer && (
                <button className="button small" type="button" onClick={() => act(() => triggersApi.remove(siteId, t.id), list.reload)}>
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
      {selected && firings.data && (
        <section className="card" aria-label={`Trigger ${selected.name}`}>
          <h2>{selected.name}</h2>
          <ErrorBanner error={firings.error} />
          <TriggerFirings page={firings.data} onPage={(offset) => go({ selected: selected.id, offset })} />
        </section>
      )}
      {writer && (
        <TriggerForm
          key={`${selected?.id ?? 'new'}-${editorKey}`}
          siteId={siteId}
          goals={goals.data ?? []}
          segments={segments.data?.segments ?? []}
          editing={selected}
          onSaved={(t) => {
            list.reload();
            setEditorKey((k) => k + 1);
            go({ selected: t.id, offset: 0 });
          }}
        />
      )}
      {selected && writer && (
        <button className="button small" type="button" onClick={() => go({ selected: null, offset: 0 })}>
          New trigger
        </button>
      )}
      <DeadLetters
        letters={dead.data ?? []}
        triggers={list.data ?? []}
        writer={writer}
        onRetry={(id) => act(() => triggersApi.retry(siteId, id), dead.reload)}
        onDiscard={(id) => act(() => triggersApi.discard(siteId, id), dead.reload)}
      />
    </section>
  );
}

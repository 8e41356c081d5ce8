import { useEffect, useState, type FormEvent } from 'react';
import type { ShareCard } from '@tidemark/core';
import { sharesApi } from '../api/shares';
import { statsApi } from '../api/stats';
import { ApiError } from '../api/client';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { defaultInterval, parseViewState, serializeViewState, withFilter, type ViewState } from '../lib/view-state';
import { BREAKDOWN_CARDS, KPI_METRICS } from '../lib/dimensions';
import { AuthFrame } from './AuthFrame';
import { Field } from '../components/Field';
import { ErrorBanner } from '../components/ErrorBanner';
import { PeriodPicker } from '../components/PeriodPicker';
import { CompareToggle } from '../components/CompareToggle';
import { FilterBar } from '../components/FilterBar';
import { KpiRow } from '../components/KpiRow';
import { MainChart } from '../components/MainChart';
import { BreakdownCard } from '../components/BreakdownCard';

/** The password form of a protected link. */
function Unlock({ token, onUnlocked }: { token: string; onUnlocked: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await sharesApi.unlock(token, password);
      onUnlocked();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That password is not right.' : err);
    }
  };
  return (
    <AuthFrame title="This dashboard is protected" intro="Enter the password you were given to see it.">
      <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Unlock shared dashboard">
        <ErrorBanner error={error} />
        <Field
          label="Password"
          type="password"
          required
          autoComplete="off"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="button primary">
          View dashboard
        </button>
      </form>
    </AuthFrame>
  );
}

/** The cards of an open link: period, filters, KPIs and chart, and the breakdowns it shares. */
function SharedDashboard({ token, domain, cards, embed }: { token: string; domain: string; cards: ShareCard[]; embed: boolean }) {
  const { search } = useLocation();
  const view = parseViewState(search);
  const interval = view.interval ?? defaultInterval(view);
  const endpoint = sharesApi.statsPath(token);
  const queryKey = JSON.stringify([search]);
  const overview = useAsync(
    (signal) =>
      statsApi.overview(
        endpoint,
        view,
        KPI_METRICS.map((k) => k.metric),
        interval,
        signal,
      ),
    [token, queryKey, interval],
  );
  const update = (next: ViewState) => {
    const q = new URLSearchParams(serializeViewState(next));
    if (embed) q.set('embed', '1');
    const s = q.toString();
    navigate(`/share/${encodeURIComponent(token)}${s ? `?${s}` : ''}`);
  };
  const showOverview = cards.includes('overview');
  return (
    <main className={`page wide shared${embed ? ' embed' : ''}`} id="main">
      {!embed && (
        <header className="shared-head">
          <h1>{domain}</h1>
          <span className="muted">Shared dashboard</span>
        </header>
      )}
      <div className="toolbar">
        <PeriodPicker view={view} onChange={update} />
        {showOverview && <CompareToggle view={view} onChange={update} />}
      </div>
      <FilterBar view={view} onChange={update} />
      <ErrorBanner error={overview.error} />
      {showOverview && (
        <>
          <KpiRow
            metrics={overview.data?.metrics}
            selected={view.metric}
            onSelect={(metric) => update({ ...view, metric })}
            loading={overview.loading}
          />
          <MainChart
            metric={view.metric}
            interval={interval}
            onInterval={(i) => update({ ...view, interval: i })}
            timeseries={overview.data?.timeseries ?? []}
            annotations={overview.data?.annotations}
          />
        </>
      )}
      <div className="cards">
        {BREAKDOWN_CARDS.filter((def) => cards.includes(def.id as ShareCard)).map((def) => (
          <BreakdownCard
            key={def.id}
            siteId={endpoint}
            siteDomain={domain}
            def={def}
            view={view}
            queryKey={queryKey}
            onFilter={(dimension, value) => update(withFilter(view, dimension, value))}
            enabled={!overview.loading}
            exportable={false}
          />
        ))}
      </div>
      {embed && <p className="muted shared-foot">Shared from Tidemark · {domain}</p>}
    </main>
  );
}

/** `/share/{token}`: a shared dashboard, without sign-in; `?embed=1` drops the page header for frames. */
export function SharePage({ token }: { token: string }) {
  const { search } = useLocation();
  const embed = new URLSearchParams(search).get('embed') === '1';
  const [tick, setTick] = useState(0);
  useEffect(() => sharesApi.resume(token), [token]);
  const view = useAsync(
    (signal) => {
      sharesApi.resume(token);
      return sharesApi.view(token, signal);
    },
    [token, tick],
  );
  useEffect(() => {
    if (view.data?.site) document.title = `${view.data.site.domain} · Shared dashboard`;
  }, [view.data]);

  if (view.error instanceof ApiError && view.error.status === 404)
    return (
      <AuthFrame title="Link not available">
        <p>This shared dashboard does not exist any more, or its link has expired.</p>
      </AuthFrame>
    );
  if (view.error) return <ErrorBanner error={view.error} />;
  if (!view.data)
    return (
      <div className="boot" role="status">
        Loading…
      </div>
    );
  if (view.data.locked || !view.data.site) return <Unlock token={token} onUnlocked={() => setTick((t) => t + 1)} />;
  return <SharedDashboard token={token} domain={view.data.site.domain} cards={view.data.cards} embed={embed} />;
}

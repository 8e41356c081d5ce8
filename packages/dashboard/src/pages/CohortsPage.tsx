import { useState } from 'react';
import { sitesApi } from '../api/sites';
import { cohortsApi, journeysApi } from '../api/cohorts';
import { goalsApi } from '../api/goals';
import { useAsync } from '../lib/use-async';
import { navigate, useLocation } from '../lib/router';
import { parseCohortsView, serializeCohortsView, type CohortsView } from '../lib/cohorts-view';
import { SiteHeader } from '../components/SiteHeader';
import { ErrorBanner } from '../components/ErrorBanner';
import { CohortGrid } from '../components/CohortGrid';
import { JourneySegmentsCard } from '../components/JourneySegmentsCard';

type Option<T extends string> = { id: T; label: string };

const HEADINGS = { retention: 'Retention', conversion: 'Goal completion', revenue: 'Revenue per member' } as const;

function Select<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: T;
  options: Option<T>[];
  onChange: (v: T) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Cohorts: the retention (or goal completion) triangle, and with a goal its journey segments; period, grouping, unit, metric and goal in the URL. */
export function CohortsPage({ siteId }: { siteId: string }) {
  const { search } = useLocation();
  const state = parseCohortsView(search);
  const [traitOpen, setTraitOpen] = useState(false);
  const site = useAsync(() => sitesApi.get(siteId), [siteId]);
  const goals = useAsync((signal) => goalsApi.list(siteId, signal), [siteId]);
  const data = useAsync((signal) => cohortsApi.get(siteId, state, signal), [siteId, search]);
  const journeys = useAsync(
    (signal) => (state.goal ? journeysApi.get(siteId, state, signal) : Promise.resolve(undefined)),
    [siteId, state.goal, state.unit, state.from, state.to],
  );
  const update = (next: Partial<CohortsView>) => navigate(`/sites/${siteId}/cohorts${serializeCohortsView({ ...state, ...next })}`);
  const usable = (goals.data ?? []).filter((g) => g.type === 'destination' || g.type === 'event');
  const d = data.data;
  return (
    <section className="page wide">
      <SiteHeader site={site.data} siteId={siteId} />
      <div className="toolbar">
        <Select
          id="cohort-interval"
          label="Period"
          value={state.interval}
          options={[
            { id: 'day', label: 'Daily' },
            { id: 'week', label: 'Weekly' },
            { id: 'month', label: 'Monthly' },
          ]}
          onChange={(interval) => update({ interval })}
        />
        <Select
          id="cohort-by"
          label="Cohorts by"
          value={state.by.startsWith('trait:') ? 'trait' : (state.by as 'first_visit' | 'source' | 'landing_page')}
          options={[
            { id: 'first_visit', label: 'First visit' },
            { id: 'source', label: 'First source' },
            { id: 'landing_page', label: 'Landing page' },
            { id: 'trait', label: 'A trait' },
          ]}
          onChange={(by) => {
            setTraitOpen(by === 'trait');
            if (by !== 'trait') update({ by });
          }}
        />
        {(traitOpen || state.by.startsWith('trait:')) && (
          <form
            className="field"
            aria-label="Cohorts by trait"
            onSubmit={(e) => {
              e.preventDefault();
              const key = String(new FormData(e.currentTarget).get('trait') ?? '').trim();
              if (key) update({ by: `trait:${key}` });
            }}
          >
            <label htmlFor="cohort-trait">Trait key</label>
            <input id="cohort-trait" name="trait" maxLength={64} defaultValue={state.by.startsWith('trait:') ? state.by.slice(6) : ''} />
          </form>
        )}
        <Select
          id="cohort-unit"
          label="Count"
          value={state.unit ?? 'default'}
          options={[
            { id: 'default', label: 'Default' },
            { id: 'people', label: 'People' },
            { id: 'visitors', label: 'Visitor ids' },
          ]}
          onChange={(u) => update({ unit: u === 'default' ? null : u })}
        />
        <Select
          id="cohort-metric"
          label="Show"
          value={state.metric}
          options={[
            { id: 'retention', label: 'Retention' },
            { id: 'conversion', label: 'Goal completion' },
            { id: 'revenue', label: 'Revenue per member' },
          ]}
          onChange={(metric) => update({ metric })}
        />
        <Select
          id="cohort-goal"
          label="Goal"
          value={state.goal ?? ''}
          options={[{ id: '', label: 'None' }, ...usable.map((g) => ({ id: g.id, label: g.name }))]}
          onChange={(goal) => update({ goal: goal || null })}
        />
      </div>
      <ErrorBanner error={data.error ?? site.error} />
      <section className="card" aria-label="Cohorts">
        <div className="card-head">
          <h2>{HEADINGS[state.metric]}</h2>
          {d && (
            <span className="muted small" data-testid="cohort-basis">
              Counting {d.basis === 'people' ? 'people (identified users with their devices)' : 'visitor ids'} · first seen {d.period.start}{' '}
              – {d.period.end}
            </span>
          )}
        </div>
        {d?.basis_note && (
          <p className="muted small" data-testid="cohort-basis-note">
            {d.basis_note}
          </p>
        )}
        {state.metric === 'conversion' && !state.goal && <p className="muted small">Choose a goal to see its completion per period.</p>}
        {state.metric === 'revenue' && d && !d.currency && <p className="muted small">This site has no revenue yet.</p>}
        {d && d.cohorts.length === 0 && <p className="muted">Nobody was first seen in this range.</p>}
        {d && d.cohorts.length > 0 && <CohortGrid data={d} metric={state.metric} />}
      </section>
      <ErrorBanner error={journeys.error} />
      {journeys.data && <JourneySegmentsCard data={journeys.data} />}
    </section>
  );
}

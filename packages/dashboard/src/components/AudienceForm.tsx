import { useState, type FormEvent } from 'react';
import type { Audience, AudienceInput, AudiencePredicate } from '@tidemark/core';
import { audiencesApi } from '../api/audiences';
import { errorMessage } from '../api/client';
import { DIMENSION_LABELS } from '../lib/dimensions';
import { PERIODS, type Filter, type ViewState } from '../lib/view-state';
import { definitionFilters } from '../lib/audiences-view';
import { FilterBar } from './FilterBar';
import { ErrorBanner } from './ErrorBanner';

const num = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === '' ? null : Number(v));
const text = (v: FormDataEntryValue | null) => String(v ?? '').trim();

/** The profile predicates the form's fields give (empty fields add none). */
function predicatesOf(f: FormData): AudiencePredicate[] {
  const out: AudiencePredicate[] = [];
  const min = num(f.get('score_min'));
  const max = num(f.get('score_max'));
  if (min !== null) out.push({ type: 'score', op: 'gte', value: min });
  if (max !== null) out.push({ type: 'score', op: 'lte', value: max });
  const who = text(f.get('identified'));
  if (who) out.push({ type: 'identified', value: who === 'yes' });
  const key = text(f.get('trait_key'));
  if (key) out.push({ type: 'trait', key, value: text(f.get('trait_value')) });
  const days = num(f.get('seen_days'));
  if (days !== null) out.push({ type: 'last_seen_within', days });
  const revenue = num(f.get('revenue_min'));
  if (revenue !== null) out.push({ type: 'revenue', op: 'gte', value: revenue });
  const segment = text(f.get('segment'));
  if (segment) out.push({ type: 'segment', value: segment });
  return out;
}

/**
 * A new audience: stats filters as the overview's chips (carried over from the overview's URL, or added
 * here), the period they look at, profile predicates and where changes go.
 */
export function AudienceForm({ siteId, initial, onCreated }: { siteId: string; initial: Filter[]; onCreated: (a: Audience) => void }) {
  const [filters, setFilters] = useState<Filter[]>(initial);
  const [error, setError] = useState<string | null>(null);
  const [dimension, setDimension] = useState('page');
  const [value, setValue] = useState('');
  const chips = { filters } as ViewState;
  const addFilter = () => {
    if (!value.trim()) return;
    setFilters([...filters.filter((f) => f.dimension !== dimension), { dimension, op: 'is', values: [value.trim()] }]);
    setValue('');
  };
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(null);
    const form = e.currentTarget;
    const f = new FormData(form);
    const webhook = text(f.get('webhook'));
    const input: AudienceInput = {
      name: text(f.get('name')),
      definition: {
        filters: definitionFilters(filters),
        period: text(f.get('period')) as AudienceInput['definition']['period'],
        predicates: predicatesOf(f),
      },
      targets: {
        ...(webhook ? { webhook: { url: webhook } } : {}),
        ...(text(f.get('hubspot')) ? { hubspot_list_id: text(f.get('hubspot')) } : {}),
        ...(text(f.get('klaviyo')) ? { klaviyo_list_id: text(f.get('klaviyo')) } : {}),
      },
    };
    try {
      const created = await audiencesApi.create(siteId, input);
      form.reset();
      setFilters([]);
      onCreated(created);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="card" aria-label="New audience" onSubmit={submit}>
      <h2>New audience</h2>
      <ErrorBanner error={error} />
      <div className="field">
        <label htmlFor="aud-name">Name</label>
        <input id="aud-name" name="name" required maxLength={100} />
      </div>
      <fieldset>
        <legend>People with a session matching</legend>
        <FilterBar view={chips} onChange={(v) => setFilters(v.filters)} />
        {!filters.length && <p className="muted small">No filters: every person.</p>}
        <div className="toolbar">
          <select aria-label="Filter dimension" value={dimension} onChange={(e) => setDimension(e.target.value)}>
            {Object.entries(DIMENSION_LABELS).map(([d, label]) => (
              <option key={d} value={d}>
                {label}
              </option>
            ))}
          </select>
          <input
            aria-label="Filter value"
            value={value}
            maxLength={500}
            onChange={(e) => setValue(e.target.value)}
            placeholder="/pricing"
          />
          <button type="button" onClick={addFilter}>
            Add filter
          </button>
        </div>
        <div className="field">
          <label htmlFor="aud-period">In</label>
          <select id="aud-period" name="period" defaultValue="last_30_days">
            {PERIODS.filter((p) => p.id !== 'custom').map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
      <fieldset>
        <legend>And whose profile has</legend>
        <div className="toolbar">
          <div className="field">
            <label htmlFor="aud-score-min">Lead score at least</label>
            <input id="aud-score-min" name="score_min" type="number" min={0} max={100} />
          </div>
          <div className="field">
            <label htmlFor="aud-score-max">Lead score at most</label>
            <input id="aud-score-max" name="score_max" type="number" min={0} max={100} />
          </div>
          <div className="field">
            <label htmlFor="aud-identified">Identified</label>
            <select id="aud-identified" name="identified" defaultValue="">
              <option value="">Either</option>
              <option value="yes">Yes</option>
              <option value="no">No</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="aud-seen">Seen in the last (days)</label>
            <input id="aud-seen" name="seen_days" type="number" min={1} max={3650} />
          </div>
          <div className="field">
            <label htmlFor="aud-revenue">Revenue at least</label>
            <input id="aud-revenue" name="revenue_min" type="number" min={0} step="any" />
          </div>
          <div className="field">
            <label htmlFor="aud-segment">Segment id</label>
            <input id="aud-segment" name="segment" maxLength={64} placeholder="s1" />
          </div>
          <div className="field">
            <label htmlFor="aud-trait-key">Trait</label>
            <input id="aud-trait-key" name="trait_key" maxLength={64} placeholder="plan" />
          </div>
          <div className="field">
            <label htmlFor="aud-trait-value">equals</label>
            <input id="aud-trait-value" name="trait_value" maxLength={500} placeholder="pro" />
          </div>
        </div>
      </fieldset>
      <fieldset>
        <legend>Sync changes to</legend>
        <div className="toolbar">
          <div className="field">
            <label htmlFor="aud-webhook">Webhook URL</label>
            <input id="aud-webhook" name="webhook" type="url" maxLength={2000} placeholder="https://" />
          </div>
          <div className="field">
            <label htmlFor="aud-hubspot">HubSpot list id</label>
            <input id="aud-hubspot" name="hubspot" maxLength={64} />
          </div>
          <div className="field">
            <label htmlFor="aud-klaviyo">Klaviyo list id</label>
            <input id="aud-klaviyo" name="klaviyo" maxLength={64} />
          </div>
        </div>
      </fieldset>
      <button type="submit">Create audience</button>
    </form>
  );
}

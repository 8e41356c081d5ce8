import { useState, type FormEvent } from 'react';
import type { Audience, AudienceInput, AudiencePredicate } from '@tidemark/core';
import { audiencesApi } from '../api/audiences';
import { errorMessage } from '../api/client';
import { DIMENSION_LABELS } from '../lib/dimensions';
import { PERIODS, type Filter, type ViewState } from '../lib/view-state';
import { definitionFilters, splitFilters } from '../lib/audiences-view';
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

/** What the fields show of an audience's predicates; the ones they cannot show are kept as they are. */
function fieldsOf(predicates: readonly AudiencePredicate[]) {
  const f: Record<string, string> = {};
  const kept: AudiencePredicate[] = [];
  for (const p of predicates) {
    const set = (k: string, v: string) => {
      if (f[k] !== undefined) return false;
      f[k] = v;
      return true;
    };
    const shown =
      p.type === 'score'
        ? set(p.op === 'gte' ? 'score_min' : 'score_max', String(p.value))
        : p.type === 'identified'
          ? set('identified', p.value ? 'yes' : 'no')
          : p.type === 'trait'
            ? set('trait_key', p.key) && set('trait_value', p.value)
            : p.type === 'last_seen_within'
              ? set('seen_days', String(p.days))
              : p.type === 'revenue' && p.op === 'gte'
                ? set('revenue_min', String(p.value))
                : p.type === 'segment'
                  ? set('segment', p.value)
                  : false;
    if (!shown) kept.push(p);
  }
  return { f, kept };
}

/**
 * A new audience, or changes to one (`existing`): stats filters as the overview's chips (carried over from
 * the overview's URL, or added here), the period they look at, profile predicates and where changes go.
 */
export function AudienceForm({
  siteId,
  initial,
  existing,
  onSaved,
}: {
  siteId: string;
  initial: Filter[];
  existing?: Audience;
  onSaved: (a: Audience) => void;
}) {
  const split = existing ? splitFilters(existing.definition.filters) : { chips: initial, kept: [] };
  const start = split.chips;
  // Filters the chips cannot show (trees made through the API) stay as they are.
  const keptFilters = split.kept;
  const idp = existing ? 'aud-edit' : 'aud-new';
  const { f: shown, kept } = fieldsOf(existing?.definition.predicates ?? []);
  const [filters, setFilters] = useState<Filter[]>(start);
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
    const hubspot = text(f.get('hubspot'));
    const klaviyo = text(f.get('klaviyo'));
    const definition = {
      filters: [...definitionFilters(filters), ...keptFilters],
      period: text(f.get('period')) as AudienceInput['definition']['period'],
      predicates: [...predicatesOf(f), ...kept],
    };
    try {
      if (existing) {
        const same = existing.targets.webhook?.url === webhook;
        const saved = await audiencesApi.update(siteId, existing.id, {
          name: text(f.get('name')),
          definition,
          // An unchanged webhook URL is left out, so it keeps its secret.
          targets: {
            ...(same ? {} : { webhook: webhook ? { url: webhook } : null }),
            hubspot_list_id: hubspot || null,
            klaviyo_list_id: klaviyo || null,
          },
        });
        onSaved(saved);
        return;
      }
      const created = await audiencesApi.create(siteId, {
        name: text(f.get('name')),
        definition,
        targets: {
          ...(webhook ? { webhook: { url: webhook } } : {}),
          ...(hubspot ? { hubspot_list_id: hubspot } : {}),
          ...(klaviyo ? { klaviyo_list_id: klaviyo } : {}),
        },
      });
      form.reset();
      setFilters([]);
      onSaved(created);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <form className="card audience-form" aria-label={existing ? 'Edit audience' : 'New audience'} onSubmit={submit}>
      <h2>{existing ? `Edit ${existing.name}` : 'New audience'}</h2>
      <ErrorBanner error={error} />
      <div className="field">
        <label htmlFor={`${idp}-name`}>Name</label>
        <input id={`${idp}-name`} name="name" required maxLength={100} defaultValue={existing?.name} />
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
          <button className="button" type="button" onClick={addFilter}>
            Add filter
          </button>
        </div>
        <div className="field">
          <label htmlFor={`${idp}-period`}>In</label>
          <select id={`${idp}-period`} name="period" defaultValue={existing?.definition.period ?? 'last_30_days'}>
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
            <label htmlFor={`${idp}-score-min`}>Lead score at least</label>
            <input id={`${idp}-score-min`} name="score_min" defaultValue={shown.score_min} type="number" min={0} max={100} />
          </div>
          <div className="field">
            <label htmlFor={`${idp}-score-max`}>Lead score at most</label>
            <input id={`${idp}-score-max`} name="score_max" defaultValue={shown.score_max} type="number" min={0} max={100} />
          </div>
          <div className="field">
            <label htmlFor={`${idp}-identified`}>Identified</label>
            <select id={`${idp}-identified`} name="identified" defaultValue={shown.identified ?? ''}>
              <option value="">Either</option>
              <option value="yes">Yes</option>
              <option value="no">No</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${idp}-seen`}>Seen in the last (days)</label>
            <input id={`${idp}-seen`} name="seen_days" defaultValue={shown.seen_days} type="number" min={1} max={3650} />
          </div>
          <div className="field">
            <label htmlFor={`${idp}-revenue`}>Revenue at least</label>
            <input id={`${idp}-revenue`} name="revenue_min" defaultValue={shown.revenue_min} type="number" min={0} step="any" />
          </div>
          <div className="field">
            <label htmlFor={`${idp}-segment`}>Segment id</label>
            <input id={`${idp}-segment`} name="segment" defaultValue={shown.segment} maxLength={64} placeholder="s1" />
          </div>
          <div className="field">
            <label htmlFor={`${idp}-trait-key`}>Trait</label>
            <input id={`${idp}-trait-key`} name="trait_key" defaultValue={shown.trait_key} maxLength={64} placeholder="plan" />
          </div>
          <div className="field">
            <label htmlFor={`${idp}-trait-value`}>equals</label>
            <input id={`${idp}-trait-value`} name="trait_value" defaultValue={shown.trait_value} maxLength={500} placeholder="pro" />
          </div>
        </div>
      </fieldset>
      <fieldset>
        <legend>Sync changes to</legend>
        <div className="toolbar">
          <div className="field">
            <label htmlFor={`${idp}-webhook`}>Webhook URL</label>
            <input
              id={`${idp}-webhook`}
              name="webhook"
              defaultValue={existing?.targets.webhook?.url}
              type="url"
              maxLength={2000}
              placeholder="https://"
            />
          </div>
          <div className="field">
            <label htmlFor={`${idp}-hubspot`}>HubSpot list id</label>
            <input id={`${idp}-hubspot`} name="hubspot" defaultValue={existing?.targets.hubspot_list_id ?? ''} maxLength={64} />
          </div>
          <div className="field">
            <label htmlFor={`${idp}-klaviyo`}>Klaviyo list id</label>
            <input id={`${idp}-klaviyo`} name="klaviyo" defaultValue={existing?.targets.klaviyo_list_id ?? ''} maxLength={64} />
          </div>
        </div>
      </fieldset>
      {kept.length > 0 && <p className="muted small">Kept as they are: {kept.length} more condition(s) made through the API.</p>}
      <button type="submit" className="button primary">
        {existing ? 'Save changes' : 'Create audience'}
      </button>
    </form>
  );
}

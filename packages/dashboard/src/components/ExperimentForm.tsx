import { useState, type FormEvent } from 'react';
import type { Experiment, Goal } from '@tidemark/core';
import { experimentsApi } from '../api/experiments';
import { errorMessage } from '../api/client';
import { parseVariants } from '../lib/experiments-view';
import { Field } from './Field';

/** Creates a draft: key, name, variants with weights (the first is the control), and the goal or revenue it is judged on. */
export function ExperimentForm({ siteId, goals, onCreated }: { siteId: string; goals: Goal[]; onCreated: (e: Experiment) => void }) {
  const usable = goals.filter((g) => g.type === 'destination' || g.type === 'event');
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [variants, setVariants] = useState('control:50, treatment:50');
  const [metric, setMetric] = useState('revenue');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const chosen = metric === 'revenue' ? { type: 'revenue' as const } : { type: 'goal' as const, goal_id: metric };
      const created = await experimentsApi.create(siteId, { key, name, variants: parseVariants(variants), metric: chosen });
      setKey('');
      setName('');
      onCreated(created);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" aria-label="New experiment" onSubmit={submit}>
      <h2>New experiment</h2>
      <Field
        label="Key"
        hint="What the page passes to tidemark.experiment(key)"
        value={key}
        onChange={(e) => setKey(e.target.value)}
        required
      />
      <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required />
      <Field
        label="Variants"
        hint="key:weight, comma-separated; the first is the control"
        value={variants}
        onChange={(e) => setVariants(e.target.value)}
        required
      />
      <div className="field">
        <label htmlFor="experiment-metric">Judged on</label>
        <select id="experiment-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
          <option value="revenue">Revenue</option>
          {usable.map((g) => (
            <option key={g.id} value={g.id}>
              Goal: {g.name}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="primary" disabled={busy}>
        Create draft
      </button>
    </form>
  );
}

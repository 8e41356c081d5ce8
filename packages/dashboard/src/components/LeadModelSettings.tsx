import { useEffect, useState, type FormEvent } from 'react';
import type { ScoringMode } from '@tidemark/core';
import { goalsApi } from '../api/goals';
import { leadModelApi } from '../api/lead-model';
import { formatDateTime } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';
import { LeadModelMetrics } from './LeadModelMetrics';

const STATUS_TEXT = {
  none: 'No model trained yet.',
  queued: 'Training is queued…',
  training: 'Training…',
  ready: 'Ready.',
  failed: 'Training failed.',
} as const;

/**
 * Lead scoring's model mode (docs/lead-scoring.md): which mode scores People, training a model on the
 * site's history, and the trained model's held-out quality. Polls while a training runs.
 */
export function LeadModelSettings({ siteId, canEdit }: { siteId: string; canEdit: boolean }) {
  const status = useAsync((signal) => leadModelApi.get(siteId, signal), [siteId]);
  const goals = useAsync((signal) => goalsApi.list(siteId, signal), [siteId]);
  const [error, setError] = useState<unknown>();
  const s = status.data;
  const running = s?.status === 'queued' || s?.status === 'training';
  const { reload } = status;
  useEffect(() => {
    if (!running) return;
    const t = setTimeout(reload, 1500);
    return () => clearTimeout(t);
  }, [running, reload]);

  const act = async (run: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await run();
      reload();
    } catch (err) {
      setError(err);
    }
  };
  const train = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void act(() => leadModelApi.train(siteId, { goal_id: String(f.get('goal_id')), horizon_days: Number(f.get('horizon_days')) }));
  };
  const setMode = (mode: ScoringMode) => void act(() => leadModelApi.setMode(siteId, mode));
  const personGoals = (goals.data ?? []).filter((g) => g.type === 'destination' || g.type === 'event');
  return (
    <section className="card stack" aria-labelledby="lead-model-title">
      <h2 id="lead-model-title">Lead-score model</h2>
      <p className="muted">
        Learns from this site’s history which behaviours come before a goal, checks itself on later people it did not learn from, and scores
        People only when it beats the rules there.
      </p>
      <ErrorBanner error={status.error} />
      {s && (
        <fieldset disabled={!canEdit} className="row" aria-label="Scoring mode">
          <legend>Score people by</legend>
          {(['rules', 'model'] as const).map((m) => (
            <label key={m}>
              <input type="radio" name={`scoring-mode-${siteId}`} value={m} checked={s.mode === m} onChange={() => setMode(m)} />{' '}
              {m === 'rules' ? 'Rules' : 'Model'}
            </label>
          ))}
        </fieldset>
      )}
      {s && !s.active && s.active_trained_at !== null && (
        <p className="muted">An earlier model, trained {formatDateTime(s.active_trained_at)}, stays active.</p>
      )}
      {s?.mode === 'model' && s.active_trained_at === null && (
        <p className="banner">No active model: People are scored by the rules until a trained model beats them.</p>
      )}
      {canEdit && (
        <form className="row" aria-label="Train model" onSubmit={train}>
          <div className="field">
            <label htmlFor={`lead-goal-${siteId}`}>Goal to predict</label>
            <select id={`lead-goal-${siteId}`} name="goal_id" required defaultValue={s?.goal_id ?? ''}>
              {personGoals.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
          <Field label="Within (days)" name="horizon_days" type="number" min={1} max={90} required defaultValue={s?.horizon_days ?? 14} />
          <button type="submit" className="button primary" disabled={running || !personGoals.length}>
            Train model
          </button>
        </form>
      )}
      {s && (
        <p role="status" data-status={s.status}>
          {STATUS_TEXT[s.status]}
          {s.status !== 'none' && (s.active ? ' This model is active.' : s.status === 'ready' ? ' Not active.' : '')}
          {s.note && ` ${s.note}`}
        </p>
      )}
      <ErrorBanner error={error} />
      {s && <LeadModelMetrics status={s} />}
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import type { ScoringRules } from '@tidemark/core';
import { scoringApi } from '../api/scoring';
import { useAsync } from '../lib/use-async';
import { keyPagesText, parseKeyPages } from '../lib/scoring-form';
import { Field } from './Field';
import { TextArea } from './TextArea';
import { ErrorBanner } from './ErrorBanner';

const n = (f: FormData, name: string) => Number(f.get(name));

/** The site's lead-scoring rules (docs/lead-scoring.md): members and up edit them, viewers read them. */
export function ScoringSettings({ siteId, canEdit }: { siteId: string; canEdit: boolean }) {
  const current = useAsync((signal) => scoringApi.get(siteId, signal), [siteId]);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(undefined);
    setSaved(false);
    const keyPages = parseKeyPages(String(f.get('key_pages') ?? ''));
    if ('error' in keyPages) {
      setError(new Error(keyPages.error));
      return;
    }
    const rules: ScoringRules = {
      recency: { points: n(f, 'recency_points'), half_life_days: n(f, 'recency_half_life') },
      sessions: { points_each: n(f, 'sessions_each'), max: n(f, 'sessions_max') },
      pageviews: { points_each: n(f, 'pageviews_each'), max: n(f, 'pageviews_max') },
      key_pages: keyPages.rules,
      goals: { points_each: n(f, 'goals_each'), max: n(f, 'goals_max') },
      engaged: { points_per_minute: n(f, 'engaged_each'), max: n(f, 'engaged_max') },
      returning: { points: n(f, 'returning') },
      identified: { points: n(f, 'identified') },
    };
    try {
      await scoringApi.update(siteId, rules);
      setSaved(true);
      current.reload();
    } catch (err) {
      setError(err);
    }
  };
  const r = current.data?.rules;
  const pts = { type: 'number', min: -100, max: 100, step: 'any', required: true } as const;
  const cap = { type: 'number', min: 0, max: 100, step: 'any', required: true } as const;
  return (
    <form className="card stack" aria-labelledby="scoring-title" onSubmit={(e) => void submit(e)}>
      <h2 id="scoring-title">Lead scoring</h2>
      <p className="muted">
        Points per behaviour, summed and kept within 0–100, computed from each person’s events whenever People is read.
        {current.data?.is_default && ' These are the default rules until you save your own.'}
      </p>
      <ErrorBanner error={current.error} />
      {r && (
        // Keyed by the saved rules, so the fields show them again after a save.
        <fieldset key={JSON.stringify(r)} disabled={!canEdit} className="stack">
          <div className="row">
            <Field label="Recency points" name="recency_points" defaultValue={r.recency.points} {...pts} />
            <Field
              label="Halved every (days)"
              name="recency_half_life"
              type="number"
              min={0.1}
              max={365}
              step="any"
              required
              defaultValue={r.recency.half_life_days}
            />
          </div>
          <div className="row">
            <Field label="Points per session" name="sessions_each" defaultValue={r.sessions.points_each} {...pts} />
            <Field label="Sessions at most" name="sessions_max" defaultValue={r.sessions.max} {...cap} />
          </div>
          <div className="row">
            <Field label="Points per page view" name="pageviews_each" defaultValue={r.pageviews.points_each} {...pts} />
            <Field label="Page views at most" name="pageviews_max" defaultValue={r.pageviews.max} {...cap} />
          </div>
          <TextArea
            label="Key pages"
            name="key_pages"
            defaultValue={keyPagesText(r.key_pages)}
            hint="One per line: name, path and points, e.g. pricing /pricing* 15 (* matches anything). Points once a page was viewed."
          />
          <div className="row">
            <Field label="Points per goal completed" name="goals_each" defaultValue={r.goals.points_each} {...pts} />
            <Field label="Goals at most" name="goals_max" defaultValue={r.goals.max} {...cap} />
          </div>
          <div className="row">
            <Field label="Points per engaged minute" name="engaged_each" defaultValue={r.engaged.points_per_minute} {...pts} />
            <Field label="Engaged time at most" name="engaged_max" defaultValue={r.engaged.max} {...cap} />
          </div>
          <div className="row">
            <Field label="Returning visitor" name="returning" defaultValue={r.returning.points} {...pts} />
            <Field label="Identified user" name="identified" defaultValue={r.identified.points} {...pts} />
          </div>
        </fieldset>
      )}
      <ErrorBanner error={error} />
      {saved && (
        <p role="status" className="banner banner-ok">
          Scoring rules saved.
        </p>
      )}
      {canEdit && r && (
        <div className="row">
          <button type="submit" className="button primary">
            Save scoring rules
          </button>
        </div>
      )}
    </form>
  );
}

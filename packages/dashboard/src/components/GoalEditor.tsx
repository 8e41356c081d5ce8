import { useEffect, useState, type FormEvent } from 'react';
import type { GoalPreview, GoalType } from '@tidemark/core';
import { goalsApi } from '../api/goals';
import { errorMessage } from '../api/client';
import { EMPTY_DRAFT, GOAL_TYPE_LABELS, inputOf, previewable, type GoalDraft } from '../lib/goal-form';
import { formatNumber } from '../lib/format';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

interface Props {
  siteId: string;
  initial?: GoalDraft;
  /** Saves the body (create or update); resolves when stored. */
  onSave: (draft: GoalDraft) => Promise<void>;
  onCancel?: () => void;
}

/** Name, type and the type's fields, with a live preview of what the goal would have matched. */
export function GoalEditor({ siteId, initial = EMPTY_DRAFT, onSave, onCancel }: Props) {
  const [d, setD] = useState<GoalDraft>(initial);
  const [error, setError] = useState<unknown>();
  const [preview, setPreview] = useState<{ result?: GoalPreview; problem?: string }>({});
  const set = (patch: Partial<GoalDraft>) => setD((prev) => ({ ...prev, ...patch }));

  // The preview follows the fields, a moment after typing stops; not before the goal names what it matches.
  const ready = previewable(d);
  const body = ready ? JSON.stringify(inputOf({ ...d, name: d.name.trim() || 'Preview' })) : '';
  useEffect(() => {
    let live = true;
    setPreview({}); // a result for other fields is not shown while the new one is on its way
    if (!body) return;
    const t = setTimeout(() => {
      goalsApi.preview(siteId, JSON.parse(body)).then(
        (result) => live && setPreview({ result }),
        (err) => live && setPreview({ problem: errorMessage(err) }),
      );
    }, 350);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [siteId, body]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      await onSave(d);
      if (!onCancel) setD(EMPTY_DRAFT);
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-label={onCancel ? 'Edit goal' : 'New goal'}>
      <Field label="Goal name" value={d.name} onChange={(e) => set({ name: e.target.value })} required maxLength={100} />
      <div className="field">
        <label htmlFor={`goal-type-${siteId}`}>Type</label>
        <select id={`goal-type-${siteId}`} value={d.type} onChange={(e) => set({ type: e.target.value as GoalType })}>
          {Object.entries(GOAL_TYPE_LABELS).map(([type, label]) => (
            <option key={type} value={type}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {d.type === 'destination' && (
        <>
          <div className="field">
            <label htmlFor={`goal-mode-${siteId}`}>Match</label>
            <select
              id={`goal-mode-${siteId}`}
              value={d.pathMode}
              onChange={(e) => set({ pathMode: e.target.value as GoalDraft['pathMode'] })}
            >
              <option value="path">Page path (exact, * as wildcard)</option>
              <option value="path_regex">Regular expression (RE2)</option>
            </select>
          </div>
          <Field
            label={d.pathMode === 'path' ? 'Page path' : 'Path pattern'}
            value={d.path}
            onChange={(e) => set({ path: e.target.value })}
            placeholder={d.pathMode === 'path' ? '/thank-you or /blog/*' : '^/checkout/(done|thanks)$'}
            required
          />
        </>
      )}
      {d.type === 'event' && (
        <>
          <Field
            label="Event name"
            value={d.eventName}
            onChange={(e) => set({ eventName: e.target.value })}
            placeholder="signup_completed"
            required
          />
          <div className="field">
            <label htmlFor={`goal-props-${siteId}`}>Event properties (optional)</label>
            <textarea
              id={`goal-props-${siteId}`}
              value={d.properties}
              onChange={(e) => set({ properties: e.target.value })}
              placeholder="plan=pro"
              rows={2}
            />
            <div className="hint">One key=value per line; each must match exactly.</div>
          </div>
        </>
      )}
      {d.type === 'duration' && (
        <Field
          label="Minimum visit duration (seconds)"
          type="number"
          min={1}
          value={d.minDurationS}
          onChange={(e) => set({ minDurationS: e.target.value })}
        />
      )}
      {d.type === 'pages_per_session' && (
        <Field
          label="Minimum pages per visit"
          type="number"
          min={1}
          value={d.minPages}
          onChange={(e) => set({ minPages: e.target.value })}
        />
      )}
      <Field
        label="Value per conversion (optional)"
        type="number"
        min={0}
        step="any"
        value={d.value}
        onChange={(e) => set({ value: e.target.value })}
      />
      <p className="muted" role="status" data-testid="goal-preview">
        {preview.result
          ? `Would have matched ${formatNumber(preview.result.conversions)} conversions (${formatNumber(preview.result.converting_visitors)} visitors) in the last 30 days.`
          : preview.problem
            ? `Preview: ${preview.problem}`
            : ready
              ? 'Checking the last 30 days…'
              : `Fill in the ${d.type === 'event' ? 'event name' : 'page'} to see what the goal would have matched in the last 30 days.`}
      </p>
      <ErrorBanner error={error} />
      <div className="row">
        <button type="submit" className="button primary">
          {onCancel ? 'Save goal' : 'Add goal'}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import type { Funnel, FunnelInput, FunnelStep } from '@tidemark/core';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

/** One step as edited: a page (wildcard path or regex) or an event with `key=value` properties. */
interface DraftStep {
  name: string;
  type: 'pageview' | 'event';
  patternKind: 'url_pattern' | 'path_regex';
  pattern: string;
  event: string;
  props: string;
}

const blank = (type: DraftStep['type'] = 'pageview'): DraftStep => ({
  name: '',
  type,
  patternKind: 'url_pattern',
  pattern: '',
  event: '',
  props: '',
});

function toDraft(s: FunnelStep): DraftStep {
  return {
    name: s.name,
    type: s.type,
    patternKind: s.match.path_regex !== undefined ? 'path_regex' : 'url_pattern',
    pattern: s.match.path_regex ?? s.match.url_pattern ?? '',
    event: s.match.event_name ?? '',
    props: Object.entries(s.match.event_properties ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  };
}

function toStep(d: DraftStep): FunnelStep {
  if (d.type === 'pageview') return { name: d.name.trim(), type: 'pageview', match: { [d.patternKind]: d.pattern.trim() } };
  const props = Object.fromEntries(
    d.props
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => {
        const i = p.indexOf('=');
        return i < 0 ? [p, ''] : [p.slice(0, i).trim(), p.slice(i + 1).trim()];
      }),
  );
  return {
    name: d.name.trim(),
    type: 'event',
    match: { event_name: d.event.trim(), ...(Object.keys(props).length ? { event_properties: props } : {}) },
  };
}

interface Props {
  funnel: Funnel | null;
  onSave: (input: FunnelInput) => Promise<void>;
  onCancel: () => void;
  onDelete?: () => Promise<void>;
}

/** Create or edit a funnel: 2-10 steps, session or visitor scope, an optional window. The server validates again. */
export function FunnelBuilder({ funnel, onSave, onCancel, onDelete }: Props) {
  const [name, setName] = useState(funnel?.name ?? '');
  const [scope, setScope] = useState<'session' | 'visitor'>(funnel?.scope ?? 'session');
  const [windowValue, setWindowValue] = useState(funnel?.window ? String(funnel.window.value) : '');
  const [windowUnit, setWindowUnit] = useState<'minutes' | 'hours' | 'days'>(funnel?.window?.unit ?? 'hours');
  const [steps, setSteps] = useState<DraftStep[]>(funnel ? funnel.steps.map(toDraft) : [blank(), blank()]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (i: number, patch: Partial<DraftStep>) => setSteps(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const value = Number(windowValue);
      await onSave({
        name: name.trim(),
        steps: steps.map(toStep),
        scope,
        window: windowValue.trim() && Number.isInteger(value) && value > 0 ? { value, unit: windowUnit } : null,
      });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card stack funnel-builder" onSubmit={submit} aria-label="Funnel builder">
      <h2>{funnel ? 'Edit funnel' : 'New funnel'}</h2>
      <ErrorBanner error={error} />
      <Field label="Funnel name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      <ol className="stack funnel-steps-edit">
        {steps.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps are positional; their order is what they mean
          <li key={i} className="row wrap" data-testid={`builder-step-${i + 1}`}>
            <Field
              label={`Step ${i + 1} name`}
              value={s.name}
              onChange={(e) => set(i, { name: e.target.value })}
              required
              maxLength={100}
            />
            <div className="field">
              <label htmlFor={`step-type-${i}`}>Type</label>
              <select id={`step-type-${i}`} value={s.type} onChange={(e) => set(i, { type: e.target.value as DraftStep['type'] })}>
                <option value="pageview">Page view</option>
                <option value="event">Event</option>
              </select>
            </div>
            {s.type === 'pageview' ? (
              <>
                <div className="field">
                  <label htmlFor={`step-kind-${i}`}>Match</label>
                  <select
                    id={`step-kind-${i}`}
                    value={s.patternKind}
                    onChange={(e) => set(i, { patternKind: e.target.value as DraftStep['patternKind'] })}
                  >
                    <option value="url_pattern">Path (* wildcard)</option>
                    <option value="path_regex">Path regex (RE2)</option>
                  </select>
                </div>
                <Field
                  label={`Step ${i + 1} path`}
                  value={s.pattern}
                  placeholder="/pricing*"
                  onChange={(e) => set(i, { pattern: e.target.value })}
                  required
                />
              </>
            ) : (
              <>
                <Field
                  label={`Step ${i + 1} event`}
                  value={s.event}
                  placeholder="signup_completed"
                  onChange={(e) => set(i, { event: e.target.value })}
                  required
                />
                <Field
                  label={`Step ${i + 1} properties`}
                  value={s.props}
                  placeholder="plan=pro, source=ad"
                  onChange={(e) => set(i, { props: e.target.value })}
                />
              </>
            )}
            <button
              type="button"
              className="button small"
              disabled={steps.length <= 2}
              onClick={() => setSteps(steps.filter((_, j) => j !== i))}
            >
              Remove step {i + 1}
            </button>
          </li>
        ))}
      </ol>
      <div className="row wrap">
        <button type="button" className="button" disabled={steps.length >= 10} onClick={() => setSteps([...steps, blank()])}>
          Add step
        </button>
        <div className="field">
          <label htmlFor="funnel-scope">Count</label>
          <select id="funnel-scope" value={scope} onChange={(e) => setScope(e.target.value as 'session' | 'visitor')}>
            <option value="session">Within one visit</option>
            <option value="visitor">Across visits (visitor)</option>
          </select>
        </div>
        <Field
          label="Window"
          type="number"
          min={1}
          value={windowValue}
          onChange={(e) => setWindowValue(e.target.value)}
          hint={scope === 'session' ? 'Empty: the whole visit' : 'Empty: 24 hours'}
        />
        <div className="field">
          <label htmlFor="funnel-window-unit">Unit</label>
          <select id="funnel-window-unit" value={windowUnit} onChange={(e) => setWindowUnit(e.target.value as typeof windowUnit)}>
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
            <option value="days">days</option>
          </select>
        </div>
      </div>
      <div className="row">
        <button type="submit" className="button primary" disabled={busy}>
          Save funnel
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        {onDelete && (
          <button type="button" className="button danger" onClick={() => void onDelete().catch(setError)}>
            Delete funnel
          </button>
        )}
      </div>
    </form>
  );
}

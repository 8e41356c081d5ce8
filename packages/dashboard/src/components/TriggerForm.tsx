import { useState, type FormEvent, type ReactNode } from 'react';
import type { Goal, SegmentRef, Trigger, TriggerDryRun } from '@tidemark/core';
import { triggersApi } from '../api/triggers';
import { errorMessage } from '../api/client';
import { EMPTY_TRIGGER_FORM, fromTrigger, toTriggerInput, type TriggerFormState } from '../lib/trigger-form';
import { Field } from './Field';
import { TriggerDryRunResult } from './TriggerDryRunResult';

function Select({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  children: ReactNode;
}) {
  const id = `trigger-${label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </div>
  );
}

/** Creates or edits a trigger: condition, delay, one action, frequency cap, quiet hours; a dry run shows what it would have done. */
export function TriggerForm({
  siteId,
  goals,
  segments,
  editing,
  onSaved,
}: {
  siteId: string;
  goals: Goal[];
  segments: SegmentRef[];
  editing: Trigger | null;
  onSaved: (t: Trigger) => void;
}) {
  const [f, setF] = useState<TriggerFormState>(editing ? fromTrigger(editing) : EMPTY_TRIGGER_FORM);
  const [error, setError] = useState<string | null>(null);
  const [dry, setDry] = useState<TriggerDryRun | null>(null);
  const [busy, setBusy] = useState(false);
  const set =
    <K extends keyof TriggerFormState>(k: K) =>
    (v: TriggerFormState[K]) =>
      setF((s) => ({ ...s, [k]: v }));
  const input = (k: keyof TriggerFormState) => ({
    value: String(f[k]),
    onChange: (e: { target: { value: string } }) => set(k)(e.target.value as never),
  });
  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    void run(async () => {
      const body = toTriggerInput(f);
      onSaved(editing ? await triggersApi.update(siteId, editing.id, body) : await triggersApi.create(siteId, body));
    });
  };
  const usable = goals.filter((g) => g.type === 'destination' || g.type === 'event');
  const eventFields = f.condition === 'event' || f.condition === 'goal_not_completed';

  return (
    <form className="card" aria-label={editing ? 'Edit trigger' : 'New trigger'} onSubmit={submit}>
      <h2>{editing ? `Edit ${editing.name}` : 'New trigger'}</h2>
      <Field label="Name" {...input('name')} required />
      <Select label="When" value={f.condition} onChange={set('condition') as (v: string) => void}>
        <option value="event">An event happens</option>
        <option value="score_at_least">Lead score reaches</option>
        <option value="segment_is">Person is in a segment</option>
        <option value="inactive">Inactive for days</option>
        <option value="goal_not_completed">Goal not completed after an event</option>
      </Select>
      {eventFields && (
        <>
          <Field label="Event name" {...input('eventName')} required />
          <Field label="Path" hint="Optional; * matches any run of characters" {...input('path')} />
          <Field label="Properties" hint="Optional: key=value, comma-separated" {...input('props')} />
        </>
      )}
      {f.condition === 'score_at_least' && <Field label="Score at least" type="number" min={0} max={100} {...input('score')} />}
      {f.condition === 'segment_is' && (
        <Select label="Segment" value={f.segmentId} onChange={set('segmentId')}>
          <option value="">Choose a segment</option>
          {segments.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </Select>
      )}
      {f.condition === 'inactive' && <Field label="Days inactive" type="number" min={1} max={365} {...input('days')} />}
      {f.condition === 'goal_not_completed' && (
        <>
          <Select label="Goal" value={f.goalId} onChange={set('goalId')}>
            <option value="">Choose a goal</option>
            {usable.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </Select>
          <Field label="Within minutes" type="number" min={1} {...input('withinMinutes')} />
        </>
      )}
      <Field label="Delay (minutes)" type="number" min={0} {...input('delay')} />
      <Select label="Action" value={f.action} onChange={set('action') as (v: string) => void}>
        <option value="webhook">Webhook</option>
        <option value="email">E-mail</option>
        <option value="slack">Slack</option>
      </Select>
      {f.action !== 'email' && (
        <Field
          label={f.action === 'slack' ? 'Slack webhook URL' : 'Webhook URL'}
          type="url"
          hint={editing && f.action === 'slack' ? 'Stored sealed; leave empty to keep it' : undefined}
          {...input('url')}
        />
      )}
      {f.action === 'webhook' && (
        <Field
          label="Signing secret"
          type="password"
          hint={editing ? 'Leave empty to keep the stored one' : 'Optional: HMAC-SHA256 signature'}
          {...input('secret')}
        />
      )}
      {f.action === 'email' && (
        <>
          <Field label="To" hint="person (their e-mail trait) or an address" {...input('emailTo')} />
          <Field label="Subject" {...input('subject')} />
          <Field label="Body" hint="{{person.traits.name}}, {{reason}} …" {...input('body')} />
        </>
      )}
      {f.action === 'slack' && <Field label="Message" {...input('text')} />}
      <Select label="At most" value={f.frequency} onChange={set('frequency') as (v: string) => void}>
        <option value="none">No cap</option>
        <option value="1_per_session">Once per session</option>
        <option value="once">Once ever</option>
        <option value="count">N per period</option>
      </Select>
      {f.frequency === 'count' && (
        <>
          <Field label="Times" type="number" min={1} {...input('count')} />
          <Select label="Per" value={f.per} onChange={set('per') as (v: string) => void}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
            <option value="quarter">quarter</option>
          </Select>
        </>
      )}
      <Field label="Quiet from" type="time" hint="Site time zone; actions due inside wait for the end" {...input('quietStart')} />
      <Field label="Quiet until" type="time" {...input('quietEnd')} />
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="button primary" disabled={busy}>
          {editing ? 'Save trigger' : 'Create trigger'}
        </button>
        <button
          className="button"
          type="button"
          disabled={busy}
          onClick={() => run(async () => setDry(await triggersApi.dryRun(siteId, toTriggerInput(f))))}
        >
          Dry run
        </button>
      </div>
      {dry && <TriggerDryRunResult result={dry} />}
    </form>
  );
}

import { useState } from 'react';
import { DEPTHS, type PathsView } from '../lib/paths-view';
import { Checkbox } from './Checkbox';

/** Where the paths start or end (entry page when empty), how deep they go, and whether events are steps. */
export function PathAnchorForm({ state, onChange }: { state: PathsView; onChange: (next: Partial<PathsView>) => void }) {
  const [draft, setDraft] = useState(state.anchor);
  const invalid = draft !== '' && state.kind === 'page' && !draft.startsWith('/');
  return (
    <form
      className="row path-anchor"
      aria-label="Path anchor"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid) onChange({ anchor: draft.trim() });
      }}
    >
      <div className="field">
        <label htmlFor="path-position">Direction</label>
        <select
          id="path-position"
          value={state.position}
          onChange={(e) => onChange({ position: e.target.value === 'end' ? 'end' : 'start' })}
        >
          <option value="start">starting at</option>
          <option value="end">ending at</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="path-kind">Kind</label>
        <select id="path-kind" value={state.kind} onChange={(e) => onChange({ kind: e.target.value === 'event' ? 'event' : 'page' })}>
          <option value="page">page</option>
          <option value="event">event</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="path-anchor">{state.kind === 'page' ? 'Page path' : 'Event name'}</label>
        <input
          id="path-anchor"
          value={draft}
          placeholder={state.kind === 'page' ? 'entry page (e.g. /pricing)' : 'signup_completed'}
          aria-invalid={invalid || undefined}
          onChange={(e) => setDraft(e.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={invalid}>
        Show
      </button>
      <div className="field">
        <label htmlFor="path-depth">Steps</label>
        <select id="path-depth" value={state.depth} onChange={(e) => onChange({ depth: Number(e.target.value) })}>
          {DEPTHS.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      <Checkbox label="Events as steps" checked={state.events} onChange={(e) => onChange({ events: e.target.checked })} />
    </form>
  );
}

import { useState } from 'react';

/** A breakdown: one of the listed dimensions, a custom property (props:<key>), or none. */
export function BreakdownPicker({
  value,
  options,
  onChange,
}: {
  value: string | null;
  options: Array<{ id: string; label: string }>;
  onChange: (v: string | null) => void;
}) {
  const isProp = value?.startsWith('props:') ?? false;
  const [key, setKey] = useState(isProp ? (value as string).slice(6) : '');
  const [custom, setCustom] = useState(isProp);
  return (
    <div className="row wrap">
      <div className="field">
        <label htmlFor="funnel-breakdown">Breakdown</label>
        <select
          id="funnel-breakdown"
          value={custom ? 'props' : (value ?? '')}
          onChange={(e) => {
            const v = e.target.value;
            setCustom(v === 'props');
            if (v !== 'props') onChange(v || null);
          }}
        >
          <option value="">None</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
          <option value="props">Property…</option>
        </select>
      </div>
      {custom && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (key.trim()) onChange(`props:${key.trim()}`);
          }}
        >
          <input aria-label="Property key" value={key} onChange={(e) => setKey(e.target.value)} placeholder="plan" maxLength={64} />
          <button type="submit" className="button small">
            Apply
          </button>
        </form>
      )}
    </div>
  );
}

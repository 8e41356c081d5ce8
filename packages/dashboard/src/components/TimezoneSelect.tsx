import { useId, useMemo } from 'react';

export function browserTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Reports are bucketed in the site's timezone; the list is the browser's own IANA list. */
export function TimezoneSelect({ name, defaultValue, disabled }: { name: string; defaultValue?: string; disabled?: boolean }) {
  const id = useId();
  const zones = useMemo(() => {
    const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    const set = new Set(['UTC', ...all]);
    if (defaultValue) set.add(defaultValue);
    return [...set];
  }, [defaultValue]);
  return (
    <div className="field">
      <label htmlFor={id}>Timezone</label>
      <select id={id} name={name} defaultValue={defaultValue ?? browserTimezone()} disabled={disabled}>
        {zones.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
    </div>
  );
}

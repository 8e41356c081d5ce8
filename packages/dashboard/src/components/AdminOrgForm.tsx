import { useState, type FormEvent } from 'react';
import type { AdminOrg, AdminOrgPatch } from '@tidemark/core';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';
import { Checkbox } from './Checkbox';

const limit = (v: FormDataEntryValue | null) => {
  const s = String(v ?? '').trim();
  return s === '' ? null : Number(s);
};

type LimitName = 'max_sub_organizations' | 'max_sites_per_sub_org' | 'max_events_per_sub_org' | 'events_soft_limit' | 'events_hard_limit';

const LIMITS: Array<{ name: LimitName; label: string }> = [
  { name: 'max_sub_organizations', label: 'Clients at most' },
  { name: 'max_sites_per_sub_org', label: 'Sites per client at most' },
  { name: 'max_events_per_sub_org', label: 'Events a month per client at most' },
  { name: 'events_soft_limit', label: 'Own warning level (events a month)' },
  { name: 'events_hard_limit', label: 'Own hard limit (events a month)' },
];

/** An organization's reseller flag and limits, as an instance administrator sets them. Empty limit = none. */
export function AdminOrgForm({ org, onSubmit }: { org: AdminOrg; onSubmit: (patch: AdminOrgPatch) => Promise<unknown> }) {
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(undefined);
    const patch: AdminOrgPatch = { is_reseller: f.get('is_reseller') === 'on' };
    for (const l of LIMITS) patch[l.name] = limit(f.get(l.name));
    try {
      await onSubmit(patch);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="stack" aria-label={`Reseller settings of ${org.name}`} onSubmit={submit}>
      <h3>{org.name}</h3>
      <Checkbox label="Reseller (manages client organizations)" name="is_reseller" defaultChecked={org.is_reseller} />
      <div className="row">
        {LIMITS.map((l) => (
          <Field key={l.name} label={l.label} name={l.name} type="number" min={0} defaultValue={org[l.name] ?? ''} hint="Empty: none" />
        ))}
      </div>
      <div>
        <button type="submit" className="button primary">
          Save {org.name}
        </button>
      </div>
      <ErrorBanner error={error} />
    </form>
  );
}

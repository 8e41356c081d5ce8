import { useState, type FormEvent } from 'react';
import { keysApi } from '../api/keys';
import type { CreatedApiKey, KeyPermission, Site } from '@tidemark/core';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';
import { Checkbox } from './Checkbox';
import { CopyButton } from './CopyButton';

const PERMISSIONS: Array<{ p: KeyPermission; label: string; hint: string }> = [
  { p: 'read', label: 'Read', hint: 'Statistics and site information' },
  { p: 'write', label: 'Write', hint: 'Send events (server-side tracking, imports)' },
  { p: 'admin', label: 'Admin', hint: 'Manage sites and settings' },
];

/** Creates a key; the secret is shown here once and never again. */
export function CreateKeyForm({ sites, onCreated }: { sites: Site[]; onCreated: () => void }) {
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<CreatedApiKey>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const permissions = PERMISSIONS.map((x) => x.p).filter((p) => f.get(`perm_${p}`) === 'on');
    setError(undefined);
    try {
      const key = await keysApi.create({
        name: String(f.get('name')).trim(),
        permissions,
        site_id: String(f.get('site_id') || '') || null,
      });
      setCreated(key);
      form.reset();
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create an API key</h2>
      <ErrorBanner error={error} />
      <Field label="Name" name="name" required placeholder="e.g. Reporting script" />
      <div className="field">
        <label htmlFor="key-site">Sites</label>
        <select id="key-site" name="site_id" defaultValue="">
          <option value="">All sites of this organization</option>
          {sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.domain}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="stack">
        <legend>Permissions</legend>
        {PERMISSIONS.map((x) => (
          <Checkbox key={x.p} name={`perm_${x.p}`} label={x.label} hint={x.hint} defaultChecked={x.p === 'read'} />
        ))}
      </fieldset>
      <button type="submit" className="button primary">
        Create key
      </button>
      {created && (
        <div className="banner banner-ok" role="status">
          <p>Copy this key now — it will not be shown again.</p>
          <code className="break" data-testid="new-api-key">
            {created.key}
          </code>{' '}
          <CopyButton text={created.key} />
        </div>
      )}
    </form>
  );
}

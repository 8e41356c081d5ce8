import { useState, type FormEvent } from 'react';
import type { Site } from '@tidemark/core';
import { sitesApi } from '../api/sites';
import { TextArea } from './TextArea';
import { Checkbox } from './Checkbox';
import { ErrorBanner } from './ErrorBanner';

const lines = (v: FormDataEntryValue | null) =>
  String(v ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

/** Traits of people (flat fields of the site; docs/people.md): trait privacy and the allow-list. */
export function PeopleSettings({ site, canEdit, onSaved }: { site: Site; canEdit: boolean; onSaved: () => void }) {
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(undefined);
    setSaved(false);
    try {
      await sitesApi.update(site.id, {
        trait_privacy: f.get('trait_privacy') === 'on',
        trait_allowlist: lines(f.get('trait_allowlist')),
      });
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card stack" aria-labelledby="people-settings-title" onSubmit={(e) => void submit(e)}>
      <h2 id="people-settings-title">People</h2>
      <p className="muted">What the site may send about the people it identifies (the traits of identify calls).</p>
      <fieldset disabled={!canEdit} className="stack">
        <Checkbox
          label="Trait privacy"
          name="trait_privacy"
          defaultChecked={!!site.trait_privacy}
          hint="E-mail addresses and phone numbers are stored as keyed hashes and shown masked."
        />
        <TextArea
          label="Allowed traits"
          name="trait_allowlist"
          defaultValue={(site.trait_allowlist ?? []).join('\n')}
          hint="One trait key per line; other traits are dropped when they arrive. Empty keeps every trait."
        />
      </fieldset>
      <ErrorBanner error={error} />
      {saved && (
        <p role="status" className="banner banner-ok">
          People settings saved.
        </p>
      )}
      {canEdit && (
        <div className="row">
          <button type="submit" className="button primary">
            Save people settings
          </button>
        </div>
      )}
    </form>
  );
}

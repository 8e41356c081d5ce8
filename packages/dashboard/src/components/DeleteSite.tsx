import { useState, type FormEvent } from 'react';
import { sitesApi } from '../api/sites';
import type { Site } from '@tidemark/core';
import { navigate } from '../lib/router';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

/** Deleting is irreversible, so the domain has to be typed to confirm. */
export function DeleteSite({ site }: { site: Site }) {
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await sitesApi.remove(site.id);
      navigate('/');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card danger stack" onSubmit={(e) => void submit(e)} aria-labelledby="delete-site-title">
      <h2 id="delete-site-title">Delete site</h2>
      <p>This removes the site and all of its statistics. It cannot be undone.</p>
      <ErrorBanner error={error} />
      <Field label={`Type ${site.domain} to confirm`} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
      <button type="submit" className="button danger" disabled={typed !== site.domain}>
        Delete {site.domain}
      </button>
    </form>
  );
}

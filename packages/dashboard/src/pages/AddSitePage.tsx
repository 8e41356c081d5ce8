import { useState, type FormEvent } from 'react';
import { sitesApi } from '../api/sites';
import { Field } from '../components/Field';
import { ErrorBanner } from '../components/ErrorBanner';
import { TimezoneSelect } from '../components/TimezoneSelect';
import { navigate } from '../lib/router';

/** Accepts "example.com" or a pasted URL and keeps only the host. */
function cleanDomain(input: string): string {
  const s = input.trim();
  try {
    return new URL(s.includes('://') ? s : `https://${s}`).hostname;
  } catch {
    return s;
  }
}

export function AddSitePage() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const domain = cleanDomain(String(f.get('domain')));
    setBusy(true);
    setError(undefined);
    try {
      const site = await sitesApi.create({ domain, name: String(f.get('name') || '') || domain, timezone: String(f.get('timezone')) });
      navigate(`/sites/${site.id}/install`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="page narrow">
      <h1>Add a site</h1>
      <form className="stack card" onSubmit={(e) => void submit(e)}>
        <ErrorBanner error={error} />
        <Field label="Domain" name="domain" required placeholder="example.com" hint="Without https:// — subdomains are counted too." />
        <Field label="Name" name="name" placeholder="My website" />
        <TimezoneSelect name="timezone" />
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add site and get snippet'}
        </button>
      </form>
    </section>
  );
}

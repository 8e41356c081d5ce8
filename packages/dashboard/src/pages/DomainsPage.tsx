import { useState, type FormEvent } from 'react';
import { domainsApi } from '../api/domains';
import { canAdmin, useSession } from '../app/session';
import { useAsync } from '../lib/use-async';
import { formatDateTime } from '../lib/format';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { BrandingForm } from '../components/BrandingForm';

/** The organization's custom hosts (owners and admins): add one, follow the instructions, verify it. */
export function DomainsPage() {
  const { org } = useSession();
  const admin = canAdmin(org);
  const domains = useAsync(() => (org && admin ? domainsApi.list(org.id) : Promise.resolve([])), [org?.id, admin]);
  const [error, setError] = useState<unknown>();

  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      domains.reload();
    } catch (e) {
      setError(e);
    }
  };
  const add = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    void act(async () => {
      await domainsApi.add(org!.id, String(f.get('host') ?? ''), String(f.get('kind')) as 'app' | 'tracking');
      form.reset();
    });
  };

  if (!org || !admin)
    return (
      <section className="page">
        <h1>Domains</h1>
        <p className="banner">Only owners and admins manage custom domains.</p>
      </section>
    );
  return (
    <section className="page">
      <h1>Domains</h1>
      <p className="muted">Your organization's name, logo and colour in the dashboard, and your own host names.</p>
      <p className="muted">
        Serve the dashboard or the tracker from your own host names. Point the host at your Tidemark proxy, then prove it is yours with the
        TXT record or the HTTP check below; certificates follow once it is verified.
      </p>
      <BrandingForm orgId={org.id} />
      <form className="card filters-form" aria-label="Add a domain" onSubmit={add}>
        <Field label="Host name" name="host" required placeholder="analytics.example.com" />
        <div className="field">
          <label htmlFor="domain-kind">Used for</label>
          <select id="domain-kind" name="kind" defaultValue="tracking">
            <option value="tracking">Tracking (t.js and collection)</option>
            <option value="app">Dashboard</option>
          </select>
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary">
            Add domain
          </button>
        </div>
      </form>
      <ErrorBanner error={error ?? domains.error} />
      {(domains.data ?? []).map((d) => (
        <section key={d.id} className="card" aria-label={d.host} data-testid="domain">
          <h2>
            {d.host} <span className="muted">({d.kind === 'app' ? 'dashboard' : 'tracking'})</span>
          </h2>
          <p data-testid="domain-status">
            {d.verified
              ? `Verified by ${d.method === 'txt' ? 'TXT record' : 'HTTP'} on ${formatDateTime(Date.parse(d.verified_at!))}`
              : 'Not verified yet'}
          </p>
          {!d.verified && (
            <>
              <p>
                TXT record <code>{d.instructions.txt_name}</code> with the value <code>{d.instructions.txt_value}</code>, or let{' '}
                <code>{d.instructions.http_url}</code> reach Tidemark.
              </p>
              {d.last_error && (
                <p className="banner" data-testid="domain-error">
                  Last check: {d.last_error}
                </p>
              )}
            </>
          )}
          <div className="form-actions">
            {!d.verified && (
              <button type="button" className="button" onClick={() => void act(() => domainsApi.verify(org.id, d.id))}>
                Verify {d.host}
              </button>
            )}
            <button type="button" className="button" onClick={() => void act(() => domainsApi.remove(org.id, d.id))}>
              Remove {d.host}
            </button>
          </div>
        </section>
      ))}
    </section>
  );
}

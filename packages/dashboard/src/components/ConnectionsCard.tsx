import { useState, type FormEvent } from 'react';
import type { ConnectionProvider, SiteConnection } from '@tidemark/core';
import { connectionsApi } from '../api/connections';
import { formatDateTime } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

const NAMES: Record<ConnectionProvider, { name: string; token: string; placeholder: string }> = {
  hubspot: { name: 'HubSpot', token: 'Private app token', placeholder: 'pat-…' },
  klaviyo: { name: 'Klaviyo', token: 'Private API key', placeholder: 'pk_…' },
};

/** One provider: the token is write-only (a new one replaces it), the base URL editable, a test call, removal. */
function ConnectionForm({ siteId, connection, onChanged }: { siteId: string; connection: SiteConnection; onChanged: () => void }) {
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const names = NAMES[connection.provider];
  const run = async (what: () => Promise<string>) => {
    setError(undefined);
    setStatus('');
    try {
      setStatus(await what());
    } catch (err) {
      setError(err);
    }
  };
  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const baseUrl = String(f.get('base_url') ?? '').trim();
    void run(async () => {
      await connectionsApi.save(siteId, connection.provider, { token: String(f.get('token')).trim(), base_url: baseUrl || null });
      form.reset();
      onChanged();
      return `${names.name} token saved.`;
    });
  };
  const test = () =>
    run(async () => {
      const r = await connectionsApi.test(siteId, connection.provider);
      return r.ok ? `${names.name} accepted the token.` : `${names.name} refused: ${r.error ?? 'unknown error'}`;
    });
  const remove = () =>
    run(async () => {
      await connectionsApi.remove(siteId, connection.provider);
      onChanged();
      return `${names.name} connection removed.`;
    });
  return (
    <form className="stack" onSubmit={save} aria-label={`${names.name} connection`} data-testid={`connection-${connection.provider}`}>
      <h3>{names.name}</h3>
      <p className="muted" data-testid={`connection-${connection.provider}-state`}>
        {connection.has_token
          ? `Connected (token saved ${formatDateTime(connection.updated_at)}; it is never shown again).`
          : 'Not connected.'}
      </p>
      <Field
        label={names.token}
        name="token"
        type="password"
        autoComplete="off"
        placeholder={connection.has_token ? 'Enter a new token to replace the saved one' : names.placeholder}
        required
        minLength={8}
      />
      <Field
        label="API base URL"
        name="base_url"
        type="url"
        defaultValue={connection.base_url}
        key={connection.base_url}
        hint="Leave as is unless you route through a proxy."
      />
      <ErrorBanner error={error} />
      <div className="row">
        <button type="submit" className="button primary">
          Save {names.name}
        </button>
        <button type="button" className="button" disabled={!connection.has_token} onClick={() => void test()}>
          Test
        </button>
        <button type="button" className="button danger" disabled={!connection.has_token} onClick={() => void remove()}>
          Remove
        </button>
      </div>
      {status && (
        <p role="status" data-testid={`connection-${connection.provider}-status`}>
          {status}
        </p>
      )}
    </form>
  );
}

/** The site's HubSpot and Klaviyo connections, used by triggers and audiences (site admins only). */
export function ConnectionsCard({ siteId }: { siteId: string }) {
  const list = useAsync((signal) => connectionsApi.list(siteId, signal), [siteId]);
  return (
    <section className="card stack" aria-labelledby="connections-title" data-testid="connections-card">
      <h2 id="connections-title">Connections</h2>
      <p className="muted">Tokens that let triggers and audiences sync people to your CRM and e-mail tools. They are stored encrypted.</p>
      <ErrorBanner error={list.error} />
      {list.data?.connections.map((c) => (
        <ConnectionForm key={c.provider} siteId={siteId} connection={c} onChanged={list.reload} />
      ))}
    </section>
  );
}

import { useState } from 'react';
import { keysApi } from '../api/keys';
import { sitesApi } from '../api/sites';
import { canAdmin, useSession } from '../app/session';
import { useAsync } from '../lib/use-async';
import { formatDateTime } from '../lib/format';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { CreateKeyForm } from '../components/CreateKeyForm';

export function KeysPage() {
  const { org } = useSession();
  const manage = canAdmin(org);
  const keys = useAsync(() => (manage ? keysApi.list() : Promise.resolve([])), [org?.id, manage]);
  const sites = useAsync(() => sitesApi.list(), [org?.id]);
  const [error, setError] = useState<unknown>();
  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await keysApi.revoke(id);
      keys.reload();
    } catch (e) {
      setError(e);
    }
  };
  const siteName = (id: string | null) => (id ? (sites.data?.find((s) => s.id === id)?.domain ?? id) : 'All sites');
  return (
    <section className="page">
      <h1>API keys</h1>
      <p className="muted">
        Keys authenticate the public API (<code>Authorization: Bearer …</code>) and server-side event collection.
      </p>
      {!manage && <p className="banner">Only owners and admins can see and manage API keys.</p>}
      <ErrorBanner error={error ?? keys.error} />
      {manage && <CreateKeyForm sites={sites.data ?? []} onCreated={keys.reload} />}
      {manage && (
        <section className="card">
          <h2>Keys</h2>
          <DataTable
            caption="API keys"
            rows={(keys.data ?? []).filter((k) => !k.revoked_at)}
            columns={[
              { key: 'name', header: 'Name', render: (k) => k.name },
              { key: 'prefix', header: 'Key', render: (k) => <code>{k.key_prefix}…</code> },
              { key: 'site', header: 'Sites', render: (k) => siteName(k.site_id) },
              { key: 'perm', header: 'Permissions', render: (k) => k.permissions.join(', ') },
              { key: 'used', header: 'Last used', render: (k) => (k.last_used_at ? formatDateTime(k.last_used_at) : 'Never') },
              {
                key: 'x',
                header: 'Actions',
                render: (k) =>
                  manage ? (
                    <button type="button" className="link-button" onClick={() => void revoke(k.id)} aria-label={`Revoke key ${k.name}`}>
                      Revoke
                    </button>
                  ) : null,
              },
            ]}
          />
        </section>
      )}
    </section>
  );
}

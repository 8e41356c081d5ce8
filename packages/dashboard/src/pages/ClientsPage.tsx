import { useState } from 'react';
import type { ResellerClient } from '@tidemark/core';
import { tenancyApi } from '../api/tenancy';
import { canAdmin, useSession } from '../app/session';
import { useAsync } from '../lib/use-async';
import { formatNumber } from '../lib/format';
import { navigate, useLocation } from '../lib/router';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { ClientLimitsForm, type ClientFormValues } from '../components/ClientLimitsForm';

const limitText = (n: number | null) => (n === null ? '—' : formatNumber(n));

/** A reseller's clients (owners and admins): usage, limits, a new client, and the switch into one's dashboard. */
export function ClientsPage() {
  const { org, me, refresh } = useSession();
  const { search } = useLocation();
  const editing = new URLSearchParams(search).get('edit');
  const admin = canAdmin(org) && !!me.current_org_reseller;
  const list = useAsync((signal) => (org && admin ? tenancyApi.clients(org.id, signal) : Promise.resolve(null)), [org?.id, admin]);
  const [error, setError] = useState<unknown>();

  if (!org || !admin)
    return (
      <section className="page">
        <h1>Clients</h1>
        <p className="banner">Only owners and admins of a reseller organization manage clients.</p>
      </section>
    );
  const data = list.data;
  const ceiling = data?.reseller.max_events_per_sub_org ?? null;
  const open = async (c: ResellerClient) => {
    setError(undefined);
    try {
      await tenancyApi.switchInto(org.id, c.id);
      await refresh();
      navigate('/');
    } catch (e) {
      setError(e);
    }
  };
  const create = async (v: ClientFormValues) => {
    await tenancyApi.createClient(org.id, v);
    list.reload();
  };
  const edited = data?.clients.find((c) => c.id === editing);
  const save = async (v: ClientFormValues) => {
    await tenancyApi.updateClient(org.id, editing!, v);
    navigate('/clients');
    list.reload();
  };
  return (
    <section className="page">
      <h1>Clients · {org.name}</h1>
      {data && (
        <p className="muted">
          {data.clients.length} of {limitText(data.reseller.max_sub_organizations)} clients; up to{' '}
          {limitText(data.reseller.max_sites_per_sub_org)} sites each.
        </p>
      )}
      <ErrorBanner error={error ?? list.error} />
      <section className="card">
        <DataTable
          caption="Clients"
          rows={data?.clients ?? []}
          columns={[
            { key: 'name', header: 'Client', render: (c) => c.name },
            { key: 'events', header: 'Events this month', numeric: true, render: (c) => formatNumber(c.usage.events) },
            { key: 'limit', header: 'Hard limit', numeric: true, render: (c) => limitText(c.usage.events_hard_limit) },
            { key: 'sites', header: 'Sites', numeric: true, render: (c) => formatNumber(c.usage.sites) },
            { key: 'seats', header: 'Seats', numeric: true, render: (c) => formatNumber(c.usage.seats) },
            { key: 'status', header: 'Status', render: (c) => c.usage.status },
            {
              key: 'actions',
              header: 'Actions',
              render: (c) => (
                <>
                  <button type="button" className="link-button" onClick={() => void open(c)}>
                    Open dashboard of {c.name}
                  </button>{' '}
                  <button type="button" className="link-button" onClick={() => navigate(`/clients?edit=${encodeURIComponent(c.id)}`)}>
                    Edit
                  </button>
                </>
              ),
            },
          ]}
        />
      </section>
      {edited ? (
        <ClientLimitsForm key={edited.id} client={edited} ceiling={ceiling} onSubmit={save} />
      ) : (
        <ClientLimitsForm ceiling={ceiling} onSubmit={create} />
      )}
    </section>
  );
}

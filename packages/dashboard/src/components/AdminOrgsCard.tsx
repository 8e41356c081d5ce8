import type { AdminOrg, AdminOrgPatch } from '@tidemark/core';
import { adminOrgsApi } from '../api/system';
import { formatNumber } from '../lib/format';
import { navigate, useLocation } from '../lib/router';
import { useAsync } from '../lib/use-async';
import { AdminOrgForm } from './AdminOrgForm';
import { DataTable } from './DataTable';
import { ErrorBanner } from './ErrorBanner';

const limitText = (n: number | null) => (n === null ? '—' : formatNumber(n));

/** The System page's URL with its organization search and the organization being edited. */
function systemUrl(q: string, org: string | null): string {
  const p = new URLSearchParams();
  if (q) p.set('org_q', q);
  if (org) p.set('org', org);
  const s = p.toString();
  return s ? `/system?${s}` : '/system';
}

/** Organizations of the instance: which are resellers, with what limits; search, and edit one (its id in the URL). */
export function AdminOrgsCard() {
  const params = new URLSearchParams(useLocation().search);
  const q = params.get('org_q') ?? '';
  const editing = params.get('org');
  const orgs = useAsync((signal) => adminOrgsApi.list(q, signal), [q]);
  const edited = orgs.data?.orgs.find((o) => o.id === editing);
  const save = async (patch: AdminOrgPatch) => {
    await adminOrgsApi.update(editing!, patch);
    navigate(systemUrl(q, null));
    orgs.reload();
  };
  return (
    <section className="card stack" aria-labelledby="admin-orgs-title">
      <h2 id="admin-orgs-title">Organizations</h2>
      <form
        className="row"
        aria-label="Organization search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(systemUrl(String(new FormData(e.currentTarget).get('org_q') ?? '').trim(), null));
        }}
      >
        <div className="field">
          <label htmlFor="admin-orgs-q">Find an organization</label>
          <input id="admin-orgs-q" name="org_q" type="search" maxLength={120} defaultValue={q} key={q} />
        </div>
        <button type="submit" className="button small">
          Search
        </button>
      </form>
      <ErrorBanner error={orgs.error} />
      {orgs.data?.truncated && <p className="muted">More organizations than shown: narrow the search.</p>}
      <DataTable<AdminOrg>
        caption="Organizations"
        rows={orgs.data?.orgs ?? []}
        columns={[
          { key: 'name', header: 'Organization', render: (o) => o.name },
          { key: 'reseller', header: 'Reseller', render: (o) => (o.is_reseller ? 'Yes' : o.parent_org_id ? 'Client' : 'No') },
          {
            key: 'clients',
            header: 'Clients',
            numeric: true,
            render: (o) => (o.is_reseller ? `${formatNumber(o.clients)} / ${limitText(o.max_sub_organizations)}` : '—'),
          },
          { key: 'sites', header: 'Sites', numeric: true, render: (o) => formatNumber(o.sites) },
          { key: 'hard', header: 'Hard limit', numeric: true, render: (o) => limitText(o.events_hard_limit) },
          {
            key: 'edit',
            header: 'Actions',
            render: (o) => (
              <button type="button" className="link-button" onClick={() => navigate(systemUrl(q, o.id))}>
                Edit {o.name}
              </button>
            ),
          },
        ]}
      />
      {edited && <AdminOrgForm key={edited.id} org={edited} onSubmit={save} />}
    </section>
  );
}

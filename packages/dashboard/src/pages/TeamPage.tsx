import { orgsApi } from '../api/orgs';
import type { Role } from '@tidemark/core';
import { canAdmin, useSession } from '../app/session';
import { useAsync } from '../lib/use-async';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { InviteForm } from '../components/InviteForm';
import { RoleSelect } from '../components/RoleSelect';
import { useState } from 'react';

export function TeamPage() {
  const { org, me } = useSession();
  const orgId = org?.id ?? '';
  const manage = canAdmin(org);
  const members = useAsync(() => orgsApi.members(orgId), [orgId]);
  const invitations = useAsync(() => (manage ? orgsApi.invitations(orgId) : Promise.resolve([])), [orgId, manage]);
  const [error, setError] = useState<unknown>();
  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      members.reload();
      invitations.reload();
    } catch (e) {
      setError(e);
    }
  };
  if (!org) return <p className="page">You are not in an organization yet.</p>;
  return (
    <section className="page">
      <h1>Team · {org.name}</h1>
      <ErrorBanner error={error ?? members.error} />
      <section className="card">
        <h2>Members</h2>
        <DataTable
          caption="Members"
          rows={members.data ?? []}
          columns={[
            { key: 'email', header: 'Email', render: (m) => m.email },
            { key: 'name', header: 'Name', render: (m) => m.name ?? '' },
            {
              key: 'role',
              header: 'Role',
              render: (m) =>
                manage && m.user_id !== me.user.id && m.role !== 'owner' ? (
                  <RoleSelect
                    label={`Role of ${m.email}`}
                    value={m.role}
                    onChange={(r: Role) => void act(() => orgsApi.setRole(orgId, m.user_id, r))}
                  />
                ) : (
                  m.role
                ),
            },
            {
              key: 'actions',
              header: 'Actions',
              render: (m) =>
                manage && m.user_id !== me.user.id && m.role !== 'owner' ? (
                  <button type="button" className="link-button" onClick={() => void act(() => orgsApi.removeMember(orgId, m.user_id))}>
                    Remove
                  </button>
                ) : null,
            },
          ]}
        />
      </section>
      {manage && (
        <>
          <InviteForm orgId={orgId} onInvited={invitations.reload} />
          {!!invitations.data?.length && (
            <section className="card">
              <h2>Pending invitations</h2>
              <DataTable
                caption="Pending invitations"
                rows={invitations.data}
                columns={[
                  { key: 'email', header: 'Email', render: (i) => i.email },
                  { key: 'role', header: 'Role', render: (i) => i.role },
                  {
                    key: 'x',
                    header: 'Actions',
                    render: (i) => (
                      <button type="button" className="link-button" onClick={() => void act(() => orgsApi.revokeInvitation(orgId, i.id))}>
                        Revoke
                      </button>
                    ),
                  },
                ]}
              />
            </section>
          )}
        </>
      )}
    </section>
  );
}

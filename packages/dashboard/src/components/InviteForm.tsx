import { useState, type FormEvent } from 'react';
import { orgsApi } from '../api/orgs';
import type { Invitation, Role } from '@tidemark/core';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';
import { RoleSelect } from './RoleSelect';
import { CopyButton } from './CopyButton';

/** The link a new member opens: the server's own URL when it gives one, else built from the token. */
export function invitationLink(inv: Invitation): string | undefined {
  if (inv.url) return inv.url;
  return inv.token ? `${window.location.origin}/invite/${encodeURIComponent(inv.token)}` : undefined;
}

export function InviteForm({ orgId, onInvited }: { orgId: string; onInvited: () => void }) {
  const [error, setError] = useState<unknown>();
  const [link, setLink] = useState<string>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setError(undefined);
    setLink(undefined);
    try {
      const inv = await orgsApi.invite(orgId, String(f.get('email')).trim(), String(f.get('role')) as Role);
      setLink(invitationLink(inv));
      form.reset();
      onInvited();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      <ErrorBanner error={error} />
      <div className="row wrap">
        <Field label="Email" name="email" type="email" required />
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <RoleSelect id="invite-role" label="Role" name="role" />
        </div>
      </div>
      <button type="submit" className="button primary">
        Send invitation
      </button>
      {link && (
        <div className="banner banner-ok" role="status">
          Invitation created. Share this link with them:{' '}
          <code className="break" data-testid="invite-link">
            {link}
          </code>{' '}
          <CopyButton text={link} />
        </div>
      )}
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { authApi } from '../api/auth';
import { orgsApi } from '../api/orgs';
import { useSession } from '../app/session';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';

export function AccountPage() {
  const { me, refresh } = useSession();
  const [pwError, setPwError] = useState<unknown>();
  const [pwDone, setPwDone] = useState(false);
  const [orgError, setOrgError] = useState<unknown>();

  const changePassword = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setPwError(undefined);
    setPwDone(false);
    if (f.get('new_password') !== f.get('confirm')) {
      setPwError('The new passwords do not match.');
      return;
    }
    try {
      await authApi.changePassword(String(f.get('current_password')), String(f.get('new_password')));
      setPwDone(true);
      form.reset();
    } catch (err) {
      setPwError(err);
    }
  };

  const createOrg = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    setOrgError(undefined);
    try {
      const org = await orgsApi.create(String(new FormData(form).get('org_name')).trim());
      await authApi.switchOrg(org.id).catch(() => undefined);
      form.reset();
      await refresh();
    } catch (err) {
      setOrgError(err);
    }
  };

  return (
    <section className="page narrow">
      <h1>Account</h1>
      <p>
        Signed in as <strong>{me.user.email}</strong>
      </p>
      <form className="card stack" onSubmit={(e) => void changePassword(e)} aria-labelledby="pw-title">
        <h2 id="pw-title">Change password</h2>
        <ErrorBanner error={pwError} />
        {pwDone && (
          <p className="banner banner-ok" role="status">
            Password changed.
          </p>
        )}
        <Field label="Current password" name="current_password" type="password" required autoComplete="current-password" />
        <Field label="New password" name="new_password" type="password" required minLength={8} autoComplete="new-password" />
        <Field label="Repeat new password" name="confirm" type="password" required minLength={8} autoComplete="new-password" />
        <button type="submit" className="button primary">
          Change password
        </button>
      </form>
      <form className="card stack" onSubmit={(e) => void createOrg(e)} aria-labelledby="org-title">
        <h2 id="org-title">New organization</h2>
        <p className="muted">Organizations keep sites, team and keys separate (e.g. one per client).</p>
        <ErrorBanner error={orgError} />
        <Field label="Organization name" name="org_name" required />
        <button type="submit" className="button">
          Create organization
        </button>
      </form>
    </section>
  );
}

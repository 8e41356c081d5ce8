import { useState, type FormEvent } from 'react';
import { authApi } from '../api/auth';
import { orgsApi } from '../api/orgs';
import { Field } from '../components/Field';
import { ErrorBanner } from '../components/ErrorBanner';
import { navigate } from '../lib/router';
import { useAsync } from '../lib/use-async';
import { AuthFrame } from './AuthFrame';

/**
 * An invitation link. Signed in: accept directly. New to Tidemark: choose a password (the account is
 * created for the invited email). Already has an account: sign in, then accept.
 */
export function AcceptInvitePage({ token, signedIn, onDone }: { token: string; signedIn: boolean; onDone: () => Promise<void> }) {
  const inv = useAsync(() => orgsApi.invitation(token), [token]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      await onDone();
      navigate('/', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get('password'));
    if (inv.data?.account_exists) {
      void run(async () => {
        await authApi.login(inv.data!.email, password);
        await orgsApi.acceptInvitation(token);
      });
    } else {
      void run(() => orgsApi.acceptInvitation(token, { password, name: String(f.get('name') || '') || undefined }));
    }
  };

  if (inv.error) {
    return (
      <AuthFrame title="Invitation not found" intro="This invitation link is invalid, expired or already used.">
        <a href="/">Go to Tidemark</a>
      </AuthFrame>
    );
  }
  if (!inv.data)
    return (
      <div className="boot" role="status">
        Loading…
      </div>
    );
  const title = `Join ${inv.data.org_name}`;
  const intro = `You are invited as ${inv.data.role} (${inv.data.email}).`;
  if (signedIn) {
    return (
      <AuthFrame title={title} intro={intro}>
        <ErrorBanner error={error} />
        <button className="button primary" type="button" disabled={busy} onClick={() => void run(() => orgsApi.acceptInvitation(token))}>
          Accept invitation
        </button>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame
      title={title}
      intro={inv.data.account_exists ? `${intro} Sign in to accept.` : `${intro} Choose a password to create your account.`}
    >
      <form onSubmit={submit} className="stack">
        <ErrorBanner error={error} />
        <Field label="Email" name="email" type="email" value={inv.data.email} readOnly autoComplete="username" />
        {!inv.data.account_exists && <Field label="Your name" name="name" autoComplete="name" />}
        <Field
          label="Password"
          name="password"
          type="password"
          required
          minLength={inv.data.account_exists ? undefined : 8}
          autoComplete={inv.data.account_exists ? 'current-password' : 'new-password'}
        />
        <button className="button primary" type="submit" disabled={busy}>
          {inv.data.account_exists ? 'Sign in and join' : 'Create account and join'}
        </button>
      </form>
    </AuthFrame>
  );
}

import { useState, type FormEvent } from 'react';
import { authApi } from '../api/auth';
import { NewAccountFields, newAccountOf } from '../components/NewAccountFields';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../components/Link';
import { AuthFrame } from './AuthFrame';

/**
 * Open sign-up: a new account with its own organization. The server answers "check your e-mail" whether
 * or not the address is taken; the account works once the link in that mail is followed.
 */
export function SignupPage({ onDone }: { onDone: () => Promise<void> }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const account = newAccountOf(new FormData(e.currentTarget));
    setBusy(true);
    setError(undefined);
    try {
      const r = await authApi.register(account);
      if (r && typeof r === 'object' && 'status' in r && r.status === 'check_email') setSentTo(account.email);
      else await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (sentTo) {
    return (
      <AuthFrame title="Check your e-mail" intro={`If ${sentTo} can be used, a confirmation link is on its way to it.`}>
        <p className="muted">Follow the link in that message to finish creating your account. It works once, within 24 hours.</p>
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Create an account" intro="You get your own organization; invite your team afterwards.">
      <form onSubmit={(e) => void submit(e)} className="stack">
        <ErrorBanner error={error} />
        <NewAccountFields passwordHint="At least 8 characters, and not one found in password breaches." />
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
        <p className="muted">
          Already have an account? <Link to="/login">Sign in</Link>
        </p>
      </form>
    </AuthFrame>
  );
}

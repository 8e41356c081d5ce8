import { useState, type FormEvent } from 'react';
import { authApi } from '../api/auth';
import { ApiError } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { Link } from '../components/Link';
import { navigate } from '../lib/router';
import { AuthFrame } from './AuthFrame';

/**
 * The e-mailed confirmation link. Confirming asks for the password chosen at sign-up: the link alone
 * is not enough (someone else may have signed the address up), and a mail scanner opening the link
 * cannot use up the single-use token.
 */
export function VerifyEmailPage({ token, onDone }: { token: string; onDone: () => Promise<void> }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const confirm = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password'));
    setBusy(true);
    setError(undefined);
    try {
      await authApi.verifyEmail(token, password);
      await onDone();
      navigate('/', { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (error instanceof ApiError && error.status === 404) {
    return (
      <AuthFrame title="Link not valid" intro="This confirmation link is invalid, expired or already used.">
        <p className="muted">
          Sign up again with the same address to get a new link, or <Link to="/login">sign in</Link> if you already confirmed it.
        </p>
        <Link to="/signup">Sign up again</Link>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Confirm your e-mail" intro="Enter the password you chose when signing up to finish creating your account.">
      <form onSubmit={(e) => void confirm(e)} className="stack">
        <ErrorBanner error={error} />
        <Field label="Password" name="password" type="password" required autoComplete="current-password" />
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? 'Confirming…' : 'Confirm e-mail address'}
        </button>
      </form>
    </AuthFrame>
  );
}

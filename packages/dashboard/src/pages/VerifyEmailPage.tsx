import { useState } from 'react';
import { authApi } from '../api/auth';
import { ApiError } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../components/Link';
import { navigate } from '../lib/router';
import { AuthFrame } from './AuthFrame';

/**
 * The e-mailed confirmation link. Confirming takes a click rather than happening on load, so a mail
 * scanner that opens links cannot use up the single-use token.
 */
export function VerifyEmailPage({ token, onDone }: { token: string; onDone: () => Promise<void> }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await authApi.verifyEmail(token);
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
    <AuthFrame title="Confirm your e-mail" intro="One click to finish creating your Tidemark account.">
      <ErrorBanner error={error} />
      <button className="button primary" type="button" disabled={busy} onClick={() => void confirm()}>
        {busy ? 'Confirming…' : 'Confirm e-mail address'}
      </button>
    </AuthFrame>
  );
}

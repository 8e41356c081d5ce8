import { useState, type FormEvent } from 'react';
import { authApi } from '../api/auth';
import { Field } from '../components/Field';
import { ErrorBanner } from '../components/ErrorBanner';
import { Link } from '../components/Link';
import { AuthFrame } from './AuthFrame';

export function LoginPage({ onDone, openSignup = false }: { onDone: () => Promise<void>; openSignup?: boolean }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      await authApi.login(String(f.get('email')), String(f.get('password')));
      await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame title="Sign in">
      <form onSubmit={(e) => void submit(e)} className="stack">
        <ErrorBanner error={error} />
        <Field label="Email" name="email" type="email" required autoComplete="email" />
        <Field label="Password" name="password" type="password" required autoComplete="current-password" />
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {openSignup && (
          <p className="muted">
            New here? <Link to="/signup">Create an account</Link>
          </p>
        )}
      </form>
    </AuthFrame>
  );
}

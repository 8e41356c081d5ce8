import { useState, type FormEvent } from 'react';
import { authApi } from '../api/auth';
import { Field } from '../components/Field';
import { ErrorBanner } from '../components/ErrorBanner';
import { AuthFrame } from './AuthFrame';

/** First run: no user exists yet, so the first account becomes the owner of a new organization. */
export function SetupPage({ onDone }: { onDone: () => Promise<void> }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const email = String(f.get('email'));
    const password = String(f.get('password'));
    setBusy(true);
    setError(undefined);
    try {
      await authApi.register({
        email,
        password,
        name: String(f.get('name') || '') || undefined,
        org_name: String(f.get('org_name') || '') || undefined,
      });
      await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame title="Set up Tidemark" intro="Create the owner account. You can invite your team afterwards.">
      <form onSubmit={(e) => void submit(e)} className="stack">
        <ErrorBanner error={error} />
        <Field label="Your name" name="name" autoComplete="name" />
        <Field label="Email" name="email" type="email" required autoComplete="email" />
        <Field
          label="Password"
          name="password"
          type="password"
          required
          minLength={8}
          autoComplete="new-password"
          hint="At least 8 characters."
        />
        <Field label="Organization name" name="org_name" placeholder="My company" />
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create owner account'}
        </button>
      </form>
    </AuthFrame>
  );
}

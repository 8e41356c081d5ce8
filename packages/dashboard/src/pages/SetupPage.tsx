import { useState, type FormEvent } from 'react';
import { authApi } from '../api/auth';
import { NewAccountFields, newAccountOf } from '../components/NewAccountFields';
import { ErrorBanner } from '../components/ErrorBanner';
import { AuthFrame } from './AuthFrame';

/** First run: no user exists yet, so the first account becomes the owner of a new organization. */
export function SetupPage({ onDone }: { onDone: () => Promise<void> }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const account = newAccountOf(new FormData(e.currentTarget));
    setBusy(true);
    setError(undefined);
    try {
      await authApi.register(account);
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
        <NewAccountFields passwordHint="At least 8 characters." />
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create owner account'}
        </button>
      </form>
    </AuthFrame>
  );
}

import { useState, type FormEvent } from 'react';
import type { PrivacyRequestInput } from '@tidemark/core';
import { privacyApi } from '../api/privacy';
import { ErrorBanner } from './ErrorBanner';
import { Checkbox } from './Checkbox';

/** Records a data-subject request: access or erasure, for a user id, an e-mail or a visitor id. */
export function PrivacyRequestForm({ siteId, onCreated }: { siteId: string; onCreated: () => void }) {
  const [type, setType] = useState<'access' | 'erasure'>('access');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const kind = String(f.get('kind')) as 'user_id' | 'email' | 'visitor_id';
    const value = String(f.get('value') ?? '').trim();
    setError(undefined);
    if (type === 'erasure' && f.get('confirm') !== 'on') {
      setError('Confirm that the erasure cannot be undone.');
      return;
    }
    setBusy(true);
    try {
      await privacyApi.create(siteId, { type, subject: { [kind]: value } } as PrivacyRequestInput);
      form.reset();
      setType('access');
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card filters-form" aria-label="New privacy request" onSubmit={submit}>
      <div className="field">
        <label htmlFor="dsr-type">Request</label>
        <select id="dsr-type" name="type" value={type} onChange={(e) => setType(e.target.value as 'access' | 'erasure')}>
          <option value="access">Access (export their data)</option>
          <option value="erasure">Erasure (delete their data)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="dsr-kind">Identified by</label>
        <select id="dsr-kind" name="kind" defaultValue="user_id">
          <option value="user_id">User id</option>
          <option value="email">E-mail</option>
          <option value="visitor_id">Visitor id</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="dsr-value">Identifier</label>
        <input id="dsr-value" name="value" required maxLength={320} autoComplete="off" />
      </div>
      {type === 'erasure' && (
        <Checkbox
          name="confirm"
          label="I understand the erasure cannot be undone"
          hint="Payments keep their amounts; the person is unlinked."
        />
      )}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          Record request
        </button>
      </div>
      <ErrorBanner error={error} />
    </form>
  );
}

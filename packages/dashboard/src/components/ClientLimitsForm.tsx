import { useState, type FormEvent } from 'react';
import type { ResellerClient } from '@tidemark/core';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

export interface ClientFormValues {
  name: string;
  events_soft_limit: number | null;
  events_hard_limit: number | null;
}

const limit = (v: FormDataEntryValue | null) => {
  const s = String(v ?? '').trim();
  return s === '' ? null : Number(s);
};

/** Name and monthly event limits of a client: a new one, or `client` to change. Empty limit = none. */
export function ClientLimitsForm({
  client,
  ceiling,
  onSubmit,
}: {
  client?: ResellerClient;
  ceiling: number | null;
  onSubmit: (v: ClientFormValues) => Promise<unknown>;
}) {
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    setError(undefined);
    try {
      await onSubmit({
        name: String(f.get('name') ?? '').trim(),
        events_soft_limit: limit(f.get('events_soft_limit')),
        events_hard_limit: limit(f.get('events_hard_limit')),
      });
      if (!client) form.reset();
    } catch (err) {
      setError(err);
    }
  };
  const u = client?.usage;
  return (
    <form className="card filters-form" aria-label={client ? `Limits of ${client.name}` : 'New client'} onSubmit={submit}>
      <h2>{client ? `Edit ${client.name}` : 'New client'}</h2>
      <Field label="Name" name="name" required maxLength={120} defaultValue={client?.name} />
      <Field
        label="Warning level (events a month)"
        name="events_soft_limit"
        type="number"
        min={0}
        defaultValue={u?.events_soft_limit ?? ''}
      />
      <Field
        label="Hard limit (events a month)"
        name="events_hard_limit"
        type="number"
        min={0}
        max={ceiling ?? undefined}
        defaultValue={u ? (u.events_hard_limit ?? '') : (ceiling ?? '')}
        hint={ceiling === null ? 'Empty: no limit' : `At most ${ceiling}`}
      />
      <button type="submit" className="button primary">
        {client ? 'Save' : 'Create client'}
      </button>
      <ErrorBanner error={error} />
    </form>
  );
}

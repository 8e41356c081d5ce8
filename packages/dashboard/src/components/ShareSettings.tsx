import { useState, type FormEvent } from 'react';
import type { ShareCard, ShareCreated } from '@tidemark/core';
import { sharesApi } from '../api/shares';
import { useAsync } from '../lib/use-async';
import { Checkbox } from './Checkbox';
import { CopyButton } from './CopyButton';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

// Core's values stay out of the bundle (its zod probes for eval, which the dashboard's CSP forbids).
const CARD_LABELS: Record<ShareCard, string> = {
  overview: 'Overview (KPIs and chart)',
  sources: 'Sources',
  pages: 'Pages',
  locations: 'Locations',
  devices: 'Devices',
  events: 'Custom events',
  goals: 'Goals',
};
const CARDS = Object.keys(CARD_LABELS) as ShareCard[];

/** The link just made: shown once (only its hash is kept), with the frame snippet. */
function Created({ share }: { share: ShareCreated }) {
  const iframe = `<iframe src="${share.url}?embed=1" width="100%" height="900" style="border:0" loading="lazy"></iframe>`;
  return (
    <div className="banner stack" role="status" data-testid="share-created">
      <p>Copy the link now: it is not shown again.</p>
      <div className="row">
        <code data-testid="share-url">{share.url}</code>
        <CopyButton text={share.url} label="Copy link" />
      </div>
      {share.frame_ancestors.length > 0 && (
        <div className="row">
          <code>{iframe}</code>
          <CopyButton text={iframe} label="Copy embed code" />
        </div>
      )}
    </div>
  );
}

/** Site settings: shared dashboard links — made with a card choice, password, expiry and embedding origins; revoked. */
export function ShareSettings({ siteId, canEdit }: { siteId: string; canEdit: boolean }) {
  const shares = useAsync((signal) => sharesApi.list(siteId, signal), [siteId]);
  const [cards, setCards] = useState<ShareCard[]>(CARDS.filter((c) => c !== 'events' && c !== 'goals'));
  const [created, setCreated] = useState<ShareCreated>();
  const [error, setError] = useState<unknown>();

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(undefined);
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const expires = text('expires');
    const origins = text('origins')
      .split(/[\s,]+/)
      .filter(Boolean);
    try {
      const share = await sharesApi.create(siteId, {
        name: text('name') || undefined,
        password: text('password') || undefined,
        expires_at: expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined,
        cards,
        frame_ancestors: origins.length ? origins : undefined,
      });
      setCreated(share);
      shares.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await sharesApi.remove(siteId, id);
      shares.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card stack" id="shares" aria-labelledby="shares-title">
      <h2 id="shares-title">Shared links</h2>
      <p className="muted">A read-only dashboard for people without an account. It shows only the cards you choose.</p>
      <ErrorBanner error={shares.error ?? error} />
      {created && <Created share={created} />}
      {shares.data && shares.data.length === 0 && <p className="muted">No shared links yet.</p>}
      <ul className="stack goal-list">
        {(shares.data ?? []).map((s) => (
          <li key={s.id} className="row" data-testid="share-item">
            <strong>{s.name}</strong>
            <span className="muted">
              {s.cards.map((c) => CARD_LABELS[c] ?? c).join(', ')}
              {s.has_password ? ' · password' : ''}
              {s.expires_at ? ` · until ${new Date(s.expires_at).toLocaleDateString()}` : ''}
              {s.frame_ancestors.length ? ` · embeddable on ${s.frame_ancestors.join(', ')}` : ''}
            </span>
            {canEdit && (
              <button type="button" className="button small danger" onClick={() => void revoke(s.id)} aria-label={`Revoke ${s.name}`}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      {canEdit && (
        <form className="stack" aria-label="New shared link" onSubmit={(e) => void submit(e)}>
          <Field label="Link name" name="name" maxLength={100} placeholder="e.g. Board report" />
          <fieldset className="stack">
            <legend>Cards shown</legend>
            {CARDS.map((c) => (
              <Checkbox
                key={c}
                label={CARD_LABELS[c]}
                checked={cards.includes(c)}
                onChange={(e) => setCards(e.target.checked ? [...cards, c] : cards.filter((x) => x !== c))}
              />
            ))}
          </fieldset>
          <Field label="Password (optional)" name="password" type="password" autoComplete="new-password" minLength={8} />
          <Field label="Expires on (optional)" name="expires" type="date" />
          <Field
            label="Sites allowed to embed it (optional)"
            name="origins"
            placeholder="https://intranet.example.com"
            hint="Origins, separated by spaces or commas. Without any, the link cannot be shown in a frame."
          />
          <div>
            <button type="submit" className="button primary" disabled={cards.length === 0}>
              Create link
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

import { useState, type FormEvent } from 'react';
import { revenueApi } from '../api/revenue';
import { Field } from './Field';
import { CopyButton } from './CopyButton';
import { ErrorBanner } from './ErrorBanner';

const RECIPE = `// On your server, when creating the Checkout Session (the page sends tidemark.getAttributionId()):
const session = await stripe.checkout.sessions.create({
  mode: 'payment', // or 'subscription'
  line_items: [{ price: 'price_…', quantity: 1 }],
  client_reference_id: attributionId,            // or metadata: { tidemark_aid: attributionId }
  subscription_data: { metadata: { tidemark_aid: attributionId } }, // subscriptions: renewals too
  success_url: 'https://example.com/thanks',
});`;

/** Where Stripe sends events, the signing secret (write-only) and a test delivery. */
export function RevenueSetup({
  siteId,
  configured,
  onSaved,
  canEdit,
}: {
  siteId: string;
  configured: boolean;
  onSaved: () => void;
  canEdit: boolean;
}) {
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState('');
  const url = `${location.origin}/api/webhooks/stripe/${siteId}`;
  const save = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    setError(undefined);
    try {
      await revenueApi.saveSecret(siteId, String(new FormData(form).get('secret')).trim());
      form.reset();
      setStatus('Signing secret saved.');
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const test = async () => {
    setError(undefined);
    setStatus('Sending…');
    try {
      const r = await revenueApi.sendTestEvent(siteId);
      setStatus(
        r.arrived ? `Test event ${r.event_id} arrived and was verified.` : `Test event did not arrive: ${r.error ?? 'unknown error'}`,
      );
    } catch (err) {
      setStatus('');
      setError(err);
    }
  };
  return (
    <section className="card" aria-label="Stripe setup" data-testid="revenue-setup">
      <h2>Connect Stripe</h2>
      <p>
        In Stripe, add a webhook endpoint with this URL for the events <code>checkout.session.completed</code>,{' '}
        <code>payment_intent.succeeded</code>, <code>invoice.paid</code>, <code>customer.subscription.created</code>, <code>.updated</code>,{' '}
        <code>.deleted</code> and <code>charge.refunded</code>.
      </p>
      <div className="snippet-row">
        <code data-testid="webhook-url">{url}</code> <CopyButton text={url} />
      </div>
      <p className="muted">
        {configured ? 'A signing secret is saved (it is never shown again).' : 'No signing secret yet: deliveries are refused.'}
      </p>
      <ErrorBanner error={error} />
      {canEdit && (
        <form onSubmit={(e) => void save(e)} className="inline-form">
          <Field
            label="Signing secret"
            name="secret"
            type="password"
            autoComplete="off"
            placeholder="whsec_…"
            required
            pattern="whsec_.+"
          />
          <button type="submit" className="button primary">
            Save secret
          </button>
          <button type="button" className="button" disabled={!configured} onClick={() => void test()}>
            Send test event
          </button>
        </form>
      )}
      {status && (
        <p role="status" data-testid="revenue-setup-status">
          {status}
        </p>
      )}
      <details>
        <summary>Checkout recipe</summary>
        <pre className="snippet">{RECIPE}</pre>
        <p className="muted">Payment Links: append ?client_reference_id=… to the link. See docs/revenue.md.</p>
      </details>
    </section>
  );
}

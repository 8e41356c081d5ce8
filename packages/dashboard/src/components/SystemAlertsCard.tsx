import { useState, type FormEvent } from 'react';
import type { AlertChannel, AlertDelivery, SystemAlertMetric } from '@tidemark/core';
import { systemApi } from '../api/system';
import { formatDateTime } from '../lib/format';
import { useAsync } from '../lib/use-async';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

// Core's values stay out of the bundle (its zod probes for eval, which the dashboard's CSP forbids).
const METRICS: Record<SystemAlertMetric, string> = {
  ingest_delay_seconds: 'Ingest delay (seconds)',
  queue_waiting: 'Waiting to be stored',
};
const CHANNELS = { email: 'Email', slack: 'Slack webhook URL', webhook: 'Webhook URL' } as const;

/** Threshold alerts on the instance itself: listed with their state, tested, deleted, made. */
export function SystemAlertsCard() {
  const alerts = useAsync((signal) => systemApi.alerts(signal), []);
  const [channel, setChannel] = useState<keyof typeof CHANNELS>('email');
  const [tested, setTested] = useState<{ id: string; deliveries: AlertDelivery[] } | null>(null);
  const [error, setError] = useState<unknown>();

  const run = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      alerts.reload();
    } catch (err) {
      setError(err);
    }
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const target = text('target');
    const ch: AlertChannel =
      channel === 'email'
        ? { type: 'email', to: target.split(/[\s,]+/).filter(Boolean) }
        : channel === 'slack'
          ? { type: 'slack', webhook_url: target }
          : { type: 'webhook', url: target };
    void run(async () => {
      await systemApi.createAlert({
        name: text('name'),
        metric: text('metric') as SystemAlertMetric,
        threshold: Number(text('threshold')),
        channels: [ch],
      });
      form.reset();
    });
  };

  return (
    <section className="card stack" aria-labelledby="system-alerts-title">
      <h2 id="system-alerts-title">System alerts</h2>
      <p className="muted">
        Checked every minute. An alert says once when its value goes above the threshold and once when it is back under it.
      </p>
      <ErrorBanner error={alerts.error ?? error} />
      {alerts.data?.length === 0 && <p className="muted">No system alerts yet.</p>}
      <ul className="stack goal-list">
        {(alerts.data ?? []).map((a) => (
          <li key={a.id} className="stack" data-testid="system-alert-item">
            <div className="row">
              <strong>{a.name}</strong>
              <span className={`badge ${a.state === 'firing' ? 'badge-danger' : ''}`}>
                {a.is_active ? (a.state === 'firing' ? 'Firing' : 'OK') : 'Paused'}
              </span>
              <span className="muted">
                {METRICS[a.metric]} above {a.threshold} · last {a.last_value ?? '–'} at{' '}
                {formatDateTime(a.last_checked ? Date.parse(a.last_checked) : null)} · {a.channels.map((c) => c.type).join(', ')}
              </span>
              <button
                type="button"
                className="button small"
                onClick={() => void run(async () => setTested({ id: a.id, ...(await systemApi.testAlert(a.id)) }))}
              >
                Send test
              </button>
              <button
                type="button"
                className="button small danger"
                aria-label={`Delete system alert ${a.name}`}
                onClick={() => void run(() => systemApi.removeAlert(a.id))}
              >
                Delete
              </button>
            </div>
            {tested?.id === a.id && (
              <p className="muted" role="status">
                {tested.deliveries.map((d) => `${d.channel}: ${d.ok ? 'sent' : `failed (${d.error ?? d.status})`}`).join(' · ')}
              </p>
            )}
          </li>
        ))}
      </ul>
      <form className="stack" aria-label="New system alert" onSubmit={submit}>
        <div className="row">
          <Field label="Alert name" name="name" required maxLength={100} />
          <div className="field">
            <label htmlFor="system-alert-metric">Metric</label>
            <select id="system-alert-metric" name="metric" defaultValue="queue_waiting">
              {Object.entries(METRICS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </div>
          <Field label="Above" name="threshold" type="number" min="0" step="any" required />
        </div>
        <div className="row">
          <div className="field">
            <label htmlFor="system-alert-channel">Send to</label>
            <select id="system-alert-channel" value={channel} onChange={(e) => setChannel(e.target.value as keyof typeof CHANNELS)}>
              {Object.keys(CHANNELS).map((k) => (
                <option key={k} value={k}>
                  {k === 'email' ? 'Email' : k === 'slack' ? 'Slack' : 'Webhook'}
                </option>
              ))}
            </select>
          </div>
          <Field label={CHANNELS[channel]} name="target" required placeholder={channel === 'email' ? 'ops@example.com' : 'https://…'} />
        </div>
        <div>
          <button type="submit" className="button primary">
            Add system alert
          </button>
        </div>
      </form>
    </section>
  );
}

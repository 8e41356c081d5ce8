import { useState, type FormEvent } from 'react';
import type { Alert, AlertChannel, AlertCondition, AlertMetric, AlertPeriod } from '@tidemark/core';
import { alertsApi } from '../api/alerts';
import { useAsync } from '../lib/use-async';
import { AlertHistory } from './AlertHistory';
import { ErrorBanner } from './ErrorBanner';
import { Field } from './Field';

// Core's values stay out of the bundle (its zod probes for eval, which the dashboard's CSP forbids).
const METRICS: Record<Exclude<AlertMetric, 'conversions'>, string> = {
  visitors: 'Visitors',
  pageviews: 'Pageviews',
  bounce_rate: 'Bounce rate',
  events: 'Custom event count',
  total_revenue: 'Revenue',
  rage_clicks: 'Rage clicks',
  errors: 'JavaScript errors',
};
const CONDITIONS: Record<AlertCondition, string> = {
  above: 'Above',
  below: 'Below',
  change_percent: 'Changes by more than (%)',
  anomaly: 'Unusual (anomaly)',
};
const PERIODS: Record<AlertPeriod, string> = { hour: 'Hour', day: 'Day', week: 'Week' };
const CHANNELS = { email: 'Email', slack: 'Slack webhook URL', webhook: 'Webhook URL' } as const;

function describe(a: Alert): string {
  const cond =
    a.condition === 'anomaly'
      ? 'is unusual'
      : a.condition === 'change_percent'
        ? `changes by ${a.threshold} %`
        : `is ${a.condition} ${a.threshold}`;
  return `${METRICS[a.metric as keyof typeof METRICS] ?? a.metric}${a.event_name ? ` (${a.event_name})` : ''} ${cond} per ${a.comparison_period} · ${a.channels.map((c) => c.type).join(', ')}`;
}

/** Site settings: alerts — made, listed with their state, tested, paused, deleted, and their history. */
export function AlertSettings({ siteId, canEdit }: { siteId: string; canEdit: boolean }) {
  const alerts = useAsync((signal) => alertsApi.list(siteId, signal), [siteId]);
  const [open, setOpen] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [metric, setMetric] = useState<keyof typeof METRICS>('visitors');
  const [condition, setCondition] = useState<AlertCondition>('above');
  const [channel, setChannel] = useState<keyof typeof CHANNELS>('email');
  const [error, setError] = useState<unknown>();

  const run = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      alerts.reload();
      setTick((t) => t + 1);
    } catch (err) {
      setError(err);
    }
  };
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    const target = text('target');
    const ch: AlertChannel =
      channel === 'email'
        ? { type: 'email', to: target.split(/[\s,]+/).filter(Boolean) }
        : channel === 'slack'
          ? { type: 'slack', webhook_url: target }
          : { type: 'webhook', url: target };
    void run(() =>
      alertsApi.create(siteId, {
        name: text('name'),
        metric,
        ...(metric === 'events' ? { event_name: text('event_name') } : {}),
        condition,
        threshold: condition === 'anomaly' ? 0 : Number(text('threshold')),
        comparison_period: text('period') as AlertPeriod,
        channels: [ch],
      }),
    );
  };

  return (
    <section className="card stack" id="alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <p className="muted">
        Checked every 5 minutes on the last complete hour, day or week. An alert says once when it fires and once when it clears.
      </p>
      <ErrorBanner error={alerts.error ?? error} />
      {alerts.data?.length === 0 && <p className="muted">No alerts yet.</p>}
      <ul className="stack goal-list">
        {(alerts.data ?? []).map((a) => (
          <li key={a.id} className="stack" data-testid="alert-item">
            <div className="row">
              <strong>{a.name}</strong>
              <span className={`badge ${a.state === 'firing' ? 'badge-danger' : ''}`}>
                {a.is_active ? (a.state === 'firing' ? 'Firing' : 'OK') : 'Paused'}
              </span>
              <span className="muted">{describe(a)}</span>
              <button
                type="button"
                className="button small"
                aria-expanded={open === a.id}
                onClick={() => setOpen(open === a.id ? null : a.id)}
              >
                History
              </button>
              {canEdit && (
                <>
                  <button
                    type="button"
                    className="button small"
                    onClick={() => void run(() => alertsApi.test(siteId, a.id).then(() => setOpen(a.id)))}
                  >
                    Send test
                  </button>
                  <button
                    type="button"
                    className="button small"
                    onClick={() => void run(() => alertsApi.setActive(siteId, a.id, !a.is_active))}
                  >
                    {a.is_active ? 'Pause' : 'Resume'}
                  </button>
                  <button
                    type="button"
                    className="button small danger"
                    aria-label={`Delete alert ${a.name}`}
                    onClick={() => void run(() => alertsApi.remove(siteId, a.id))}
                  >
                    Delete
                  </button>
                </>
              )}
            </div>
            {open === a.id && <AlertHistory siteId={siteId} alertId={a.id} tick={tick} />}
          </li>
        ))}
      </ul>
      {canEdit && (
        <form className="stack" aria-label="New alert" onSubmit={submit}>
          <Field label="Alert name" name="name" required maxLength={100} />
          <div className="row">
            <div className="field">
              <label htmlFor={`alert-metric-${siteId}`}>Metric</label>
              <select id={`alert-metric-${siteId}`} value={metric} onChange={(e) => setMetric(e.target.value as keyof typeof METRICS)}>
                {Object.entries(METRICS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
            {metric === 'events' && <Field label="Event name" name="event_name" required maxLength={200} />}
            <div className="field">
              <label htmlFor={`alert-condition-${siteId}`}>Condition</label>
              <select id={`alert-condition-${siteId}`} value={condition} onChange={(e) => setCondition(e.target.value as AlertCondition)}>
                {Object.entries(CONDITIONS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
            {condition !== 'anomaly' && <Field label="Threshold" name="threshold" type="number" step="any" required />}
            <div className="field">
              <label htmlFor={`alert-period-${siteId}`}>Per</label>
              <select id={`alert-period-${siteId}`} name="period" defaultValue="hour">
                {Object.entries(PERIODS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="row">
            <div className="field">
              <label htmlFor={`alert-channel-${siteId}`}>Send to</label>
              <select id={`alert-channel-${siteId}`} value={channel} onChange={(e) => setChannel(e.target.value as keyof typeof CHANNELS)}>
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
              Add alert
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

import {
  badRequest,
  notFound,
  parseInput,
  systemAlertInputSchema,
  type AlertDelivery,
  type SystemAlert,
  type SystemAlertMetric,
  DEFAULT_BRANDING,
} from '@tidemark/core';
import type { Mailer } from '../auth';
import { checkChannels, deliver, openChannels, sealChannels, shownChannels, type Notice } from '../alerts';
import { MAX_SYSTEM_ALERTS, type MetaStore, type SystemAlertRow } from '../meta';
import type { ServerKeys } from '../secrets';
import { backlogNow, type SystemSources } from './status';

export interface SystemAlertServiceOptions {
  meta: MetaStore;
  keys: ServerKeys;
  mailer: Mailer;
  backlog: SystemSources['backlog'];
  /** The instance's public address: names it in the notices and links to its System page. */
  baseUrl: () => string;
  allowPrivate: boolean;
  attempts?: number;
  backoffMs?: number;
  now?: () => number;
}

const LABEL: Record<SystemAlertMetric, string> = {
  ingest_delay_seconds: 'ingest delay (s)',
  queue_waiting: 'ingest backlog',
};

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * Threshold alerts on the instance itself (ingest delay, ingest backlog): judged by the jobs role each
 * minute, sent through the sites' alert channels (email, Slack, signed webhook) once when the value
 * goes above the threshold and once more, "resolved", when it is back under it.
 */
export class SystemAlertService {
  private readonly now: () => number;

  constructor(private readonly o: SystemAlertServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  private shown(row: SystemAlertRow, secrets = false): SystemAlert {
    return {
      id: row.id,
      name: row.name,
      metric: row.metric as SystemAlertMetric,
      threshold: Number(row.threshold),
      channels: shownChannels(openChannels(this.o.keys, row.channels_sealed), secrets),
      is_active: Number(row.is_active) === 1,
      state: row.state === 'firing' ? 'firing' : 'ok',
      last_value: row.last_value === null ? null : Number(row.last_value),
      last_checked: iso(row.last_checked),
      last_change: iso(row.last_change),
      created_at: new Date(Number(row.created_at)).toISOString(),
    };
  }

  async list(): Promise<SystemAlert[]> {
    return (await this.o.meta.systemAlerts.list()).map((r) => this.shown(r));
  }

  async create(body: unknown): Promise<SystemAlert> {
    const input = parseInput(systemAlertInputSchema, body ?? {});
    if ((await this.o.meta.systemAlerts.list()).length >= MAX_SYSTEM_ALERTS)
      throw badRequest('too_many_alerts', `At most ${MAX_SYSTEM_ALERTS} system alerts`);
    const channels = await checkChannels(input.channels, this.o.allowPrivate);
    const row = await this.o.meta.systemAlerts.create({
      name: input.name,
      metric: input.metric,
      threshold: input.threshold,
      channels_sealed: sealChannels(this.o.keys, channels),
      is_active: input.is_active ? 1 : 0,
      created_at: this.now(),
    });
    return this.shown(row, true);
  }

  async remove(id: string): Promise<void> {
    if (id.length > 64 || !(await this.o.meta.systemAlerts.delete(id))) throw notFound('System alert');
  }

  private async send(row: SystemAlertRow, kind: Notice['kind'], value: number | null, message: string): Promise<AlertDelivery[]> {
    const base = this.o.baseUrl().replace(/\/+$/, '');
    const notice: Notice = {
      kind,
      alert: {
        id: row.id,
        name: row.name,
        metric: row.metric,
        condition: 'above',
        threshold: Number(row.threshold),
        comparison_period: 'minute',
      },
      site: { id: 'system', domain: new URL(base).host },
      value,
      expected: { lower: null, upper: Number(row.threshold) },
      bucket: new Date(this.now()).toISOString(),
      message,
      link: `${base}/system`,
    };
    const opts = {
      mailer: this.o.mailer,
      // The instance's own alerts belong to no organization: the product's own brand.
      brand: DEFAULT_BRANDING,
      outbound: { allowPrivate: this.o.allowPrivate },
      attempts: this.o.attempts ?? 3,
      backoffMs: this.o.backoffMs ?? 1000,
      now: this.now,
    };
    return Promise.all(openChannels(this.o.keys, row.channels_sealed).map((c) => deliver(c, notice, opts)));
  }

  /** "Send test": every channel of the alert gets a test notice now. */
  async sendTest(id: string): Promise<{ deliveries: AlertDelivery[] }> {
    const row = id.length <= 64 ? await this.o.meta.systemAlerts.get(id) : null;
    if (!row) throw notFound('System alert');
    return { deliveries: await this.send(row, 'test', null, `Test of the system alert "${row.name}".`) };
  }

  /** Judges every active system alert against the current values; what fired and what resolved. */
  async evaluateAll(): Promise<{ fired: number; resolved: number }> {
    const rows = (await this.o.meta.systemAlerts.list()).filter((r) => Number(r.is_active) === 1);
    if (!rows.length) return { fired: 0, resolved: 0 };
    const now = this.now();
    const queue = await backlogNow({ backlog: this.o.backlog }, now);
    const values: Record<SystemAlertMetric, number> = { ingest_delay_seconds: queue.oldest_age_seconds, queue_waiting: queue.waiting };
    let fired = 0;
    let resolved = 0;
    for (const row of rows) {
      const metric = row.metric as SystemAlertMetric;
      const value = Math.round(values[metric] * 1000) / 1000;
      const breach = value > Number(row.threshold);
      const firing = row.state === 'firing';
      let state = row.state;
      if (breach !== firing) {
        const label = LABEL[metric];
        await this.send(
          row,
          breach ? 'fired' : 'resolved',
          value,
          breach
            ? `The ${label} is ${value}, above ${Number(row.threshold)}.`
            : `The ${label} is back to ${value} (threshold ${Number(row.threshold)}).`,
        );
        state = breach ? 'firing' : 'ok';
        if (breach) fired++;
        else resolved++;
      }
      await this.o.meta.systemAlerts.update(row.id, {
        state,
        last_value: value,
        last_checked: now,
        ...(state !== row.state ? { last_change: now } : {}),
      });
    }
    return { fired, resolved };
  }
}

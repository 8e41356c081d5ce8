import {
  alertInputSchema,
  alertPatchSchema,
  badRequest,
  notFound,
  parseInput,
  type Alert,
  type AlertChannel,
  type AlertEvent,
  type AlertInput,
  type FilterNode,
  ERROR_EVENT_NAME,
} from '@tidemark/core';
import type { Mailer } from '../auth';
import { MAX_ALERTS_PER_SITE, type AlertEventRow, type AlertRow, type MetaStore, type SiteRecord } from '../meta';
import type { ServerKeys } from '../secrets';
import { addDays, localDate, startOfLocalDay, type StatsService } from '../stats';
import { bucketOf } from '../annotations';
import { GoalService } from '../goals';
import { brandingFor } from '../tenancy';
import { deliver, type Notice } from './channels';
import { checkChannels, openChannels, sealChannels, shownChannels } from './channel-store';
import { HISTORY_DAYS, judge } from './evaluate';

type Definition = Pick<AlertInput, 'metric' | 'goal_id' | 'event_name' | 'filters' | 'condition' | 'threshold' | 'comparison_period'>;
type Def = Required<Pick<Definition, 'metric' | 'condition' | 'threshold' | 'comparison_period'>> & {
  goal_id: string | null;
  event_name: string | null;
  filters: FilterNode[];
};

export interface AlertServiceOptions {
  meta: MetaStore;
  stats: StatsService;
  keys: ServerKeys;
  mailer: Mailer;
  publicUrl?: string;
  allowPrivate: boolean;
  attempts?: number;
  backoffMs?: number;
  now?: () => number;
}

export interface EvaluationSummary {
  evaluated: number;
  fired: number;
  resolved: number;
  failed: number;
}

/** The start (ms) of a bucket key in the site's zone ('YYYY-MM-DD' or 'YYYY-MM-DD HH:00:00'). */
function bucketStart(key: string, tz: string): number {
  const day = startOfLocalDay(key.slice(0, 10), tz);
  return key.length > 10 ? day + Number(key.slice(11, 13)) * 3_600_000 : day;
}

/**
 * Alerts (InsightHub PRD §4.6.5): definitions with sealed channels, evaluation of closed buckets (the
 * job calls `evaluateAll` every few minutes), one "fired" per incident and one "resolved" when it
 * clears, a history, and a test send.
 */
export class AlertService {
  private readonly now: () => number;

  constructor(private readonly o: AlertServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  private seal(channels: AlertChannel[]): string {
    return sealChannels(this.o.keys, channels);
  }

  private channelsOf(row: AlertRow): AlertChannel[] {
    return openChannels(this.o.keys, row.channels_sealed);
  }

  private definition(row: AlertRow): Def {
    return JSON.parse(row.definition) as Def;
  }

  private shown(row: AlertRow, secrets = false): Alert {
    const d = this.definition(row);
    return {
      id: row.id,
      site_id: row.site_id,
      name: row.name,
      metric: d.metric,
      goal_id: d.goal_id,
      event_name: d.event_name,
      filters: d.filters,
      condition: d.condition,
      threshold: d.threshold,
      comparison_period: d.comparison_period,
      channels: shownChannels(this.channelsOf(row), secrets),
      is_active: row.is_active === 1,
      state: row.state === 'firing' ? 'firing' : 'ok',
      last_value: row.last_value === null ? null : Number(row.last_value),
      last_bucket: row.last_bucket === null ? null : new Date(Number(row.last_bucket)).toISOString(),
      created_at: new Date(Number(row.created_at)).toISOString(),
      updated_at: new Date(Number(row.updated_at)).toISOString(),
    };
  }

  private checkChannels(channels: AlertChannel[]): Promise<AlertChannel[]> {
    return checkChannels(channels, this.o.allowPrivate);
  }

  private async checkTarget(site: SiteRecord, d: { metric: string; goal_id?: string | null }): Promise<void> {
    if (d.metric === 'conversions' && d.goal_id && !(await this.o.meta.goals.get(site.id, d.goal_id)))
      throw badRequest('invalid_goal', 'goal_id: no such goal on this site');
  }

  async list(site: SiteRecord): Promise<Alert[]> {
    return (await this.o.meta.alerts.listBySite(site.id)).map((r) => this.shown(r));
  }

  private async row(site: SiteRecord, id: string): Promise<AlertRow> {
    const r = id.length <= 64 ? await this.o.meta.alerts.get(site.id, id) : null;
    if (!r) throw notFound('Alert');
    return r;
  }

  async get(site: SiteRecord, id: string): Promise<Alert> {
    return this.shown(await this.row(site, id));
  }

  async create(site: SiteRecord, body: unknown, createdBy: string | null): Promise<Alert> {
    const input = parseInput(alertInputSchema, body ?? {});
    if ((await this.o.meta.alerts.count(site.id)) >= MAX_ALERTS_PER_SITE)
      throw badRequest('too_many_alerts', `A site has at most ${MAX_ALERTS_PER_SITE} alerts`);
    await this.checkTarget(site, input);
    const channels = await this.checkChannels(input.channels);
    const now = this.now();
    const def: Def = {
      metric: input.metric,
      goal_id: input.goal_id ?? null,
      event_name: input.event_name ?? null,
      filters: input.filters ?? [],
      condition: input.condition,
      threshold: input.threshold,
      comparison_period: input.comparison_period,
    };
    const row = await this.o.meta.alerts.create({
      site_id: site.id,
      name: input.name,
      definition: JSON.stringify(def),
      channels_sealed: this.seal(channels),
      is_active: input.is_active ? 1 : 0,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    });
    return this.shown(row, true);
  }

  async update(site: SiteRecord, id: string, body: unknown): Promise<Alert> {
    const current = await this.row(site, id);
    const patch = parseInput(alertPatchSchema, body ?? {});
    const d = this.definition(current);
    const merged = parseInput(alertInputSchema, {
      name: patch.name ?? current.name,
      metric: patch.metric ?? d.metric,
      ...((patch.goal_id ?? d.goal_id) ? { goal_id: patch.goal_id ?? d.goal_id } : {}),
      ...((patch.event_name ?? d.event_name) ? { event_name: patch.event_name ?? d.event_name } : {}),
      filters: patch.filters ?? d.filters,
      condition: patch.condition ?? d.condition,
      threshold: patch.threshold ?? d.threshold,
      comparison_period: patch.comparison_period ?? d.comparison_period,
      channels: patch.channels ?? this.channelsOf(current),
      is_active: patch.is_active ?? current.is_active === 1,
    });
    await this.checkTarget(site, merged);
    const channels = patch.channels ? await this.checkChannels(merged.channels) : this.channelsOf(current);
    const def: Def = {
      metric: merged.metric,
      goal_id: merged.goal_id ?? null,
      event_name: merged.event_name ?? null,
      filters: merged.filters ?? [],
      condition: merged.condition,
      threshold: merged.threshold,
      comparison_period: merged.comparison_period,
    };
    // A changed definition starts from a clean state: the next closed bucket is judged afresh.
    await this.o.meta.alerts.update(site.id, id, {
      name: merged.name,
      definition: JSON.stringify(def),
      channels_sealed: this.seal(channels),
      is_active: merged.is_active ? 1 : 0,
      state: 'ok',
      last_bucket: null,
      updated_at: this.now(),
    });
    return this.shown(await this.row(site, id), !!patch.channels);
  }

  async remove(site: SiteRecord, id: string): Promise<void> {
    if (id.length > 64 || !(await this.o.meta.alerts.delete(site.id, id))) throw notFound('Alert');
  }

  async history(site: SiteRecord, id: string): Promise<AlertEvent[]> {
    await this.row(site, id);
    return (await this.o.meta.alerts.history(site.id, id)).map(shownEvent);
  }

  private notice(site: SiteRecord, row: AlertRow, kind: Notice['kind'], fields: Partial<Notice>): Notice {
    const d = this.definition(row);
    return {
      kind,
      alert: {
        id: row.id,
        name: row.name,
        metric: d.metric,
        condition: d.condition,
        threshold: d.threshold,
        comparison_period: d.comparison_period,
      },
      site: { id: site.id, domain: site.domain },
      value: null,
      expected: null,
      bucket: null,
      message: '',
      link: this.o.publicUrl ? `${this.o.publicUrl.replace(/\/+$/, '')}/sites/${site.id}` : null,
      ...fields,
    };
  }

  private async send(site: SiteRecord, row: AlertRow, n: Notice, bucketMs: number | null): Promise<AlertEvent> {
    const opts = {
      mailer: this.o.mailer,
      brand: await brandingFor(this.o.meta, site.org_id),
      outbound: { allowPrivate: this.o.allowPrivate },
      attempts: this.o.attempts ?? 3,
      backoffMs: this.o.backoffMs ?? 1000,
      now: this.now,
    };
    const deliveries = await Promise.all(this.channelsOf(row).map((c) => deliver(c, n, opts)));
    const event = await this.o.meta.alerts.addEvent({
      alert_id: row.id,
      site_id: site.id,
      kind: n.kind,
      bucket: bucketMs,
      value: n.value,
      expected: n.expected ? JSON.stringify(n.expected) : null,
      message: n.message.slice(0, 2000),
      deliveries: JSON.stringify(deliveries),
      created_at: this.now(),
    });
    return shownEvent(event);
  }

  /** "Send test": every channel gets a test notice now; the result is in the history. */
  async sendTest(site: SiteRecord, id: string): Promise<AlertEvent> {
    const row = await this.row(site, id);
    return this.send(site, row, this.notice(site, row, 'test', { message: `Test of the alert "${row.name}" on ${site.domain}.` }), null);
  }

  /** The metric's values per bucket (oldest first) up to now, and the index of the last closed bucket. */
  private async series(site: SiteRecord, d: Def, now: number): Promise<{ keys: string[]; values: number[]; closed: number }> {
    const tz = site.timezone;
    const end = localDate(now, tz);
    const span = HISTORY_DAYS[d.comparison_period][d.condition === 'anomaly' ? 'anomaly' : 'other'];
    const filters: FilterNode[] = [...d.filters];
    if (d.metric === 'conversions' && d.goal_id) filters.push(['is', 'goal', [d.goal_id]] as FilterNode);
    if (d.metric === 'events' && d.event_name) filters.push(['is', 'event_name', [d.event_name]] as FilterNode);
    if (d.metric === 'errors') filters.push(['is', 'event_name', [ERROR_EVENT_NAME]] as FilterNode);
    // Errors are a count of one custom event; every other metric is the stats engine's own.
    const metric = d.metric === 'errors' ? 'events' : d.metric;
    const res = await this.o.stats.dashboard(await new GoalService(this.o.meta, this.o.stats).statsSite(site), {
      period: 'custom',
      start_date: addDays(end, -span),
      end_date: end,
      metrics: metric,
      interval: d.comparison_period,
      compare: 'false',
      imported: 'false',
      ...(filters.length ? { filters: JSON.stringify(filters) } : {}),
    });
    const keys = res.timeseries.map((r) => String(r.date));
    const values = res.timeseries.map((r) => Number(r[metric] ?? 0));
    const current = keys.indexOf(bucketOf(now, d.comparison_period, tz));
    return { keys, values, closed: (current < 0 ? keys.length : current) - 1 };
  }

  /** Judges one alert's last closed bucket; sends "fired" or "resolved" when its state changes. */
  async evaluate(site: SiteRecord, row: AlertRow, now = this.now()): Promise<'fired' | 'resolved' | null> {
    const d = this.definition(row);
    const s = await this.series(site, d, now);
    if (s.closed < 0) return null;
    const key = s.keys[s.closed]!;
    const bucketMs = bucketStart(key, site.timezone);
    if (row.last_bucket !== null && Number(row.last_bucket) >= bucketMs) return null;
    const j = judge(d.condition, d.threshold, s.values, s.closed, d.comparison_period);
    let outcome: 'fired' | 'resolved' | null = null;
    if (j.breach && row.state !== 'firing') outcome = 'fired';
    if (!j.breach && row.state === 'firing') outcome = 'resolved';
    if (outcome) {
      const message =
        outcome === 'fired'
          ? `${d.metric} was ${j.value} in the ${d.comparison_period} from ${key} (${j.reason}).`
          : `${d.metric} is back to ${j.value} in the ${d.comparison_period} from ${key} (${j.reason}).`;
      await this.send(
        site,
        row,
        this.notice(site, row, outcome, { value: j.value, expected: j.expected, bucket: new Date(bucketMs).toISOString(), message }),
        bucketMs,
      );
    }
    await this.o.meta.alerts.update(site.id, row.id, {
      state: outcome === 'fired' ? 'firing' : outcome === 'resolved' ? 'ok' : row.state,
      last_value: j.value,
      last_bucket: bucketMs,
    });
    return outcome;
  }

  /** Every active alert of every site, one after another; one failing alert does not stop the others. */
  async evaluateAll(now = this.now(), onError: (err: unknown) => void = () => {}): Promise<EvaluationSummary> {
    const summary: EvaluationSummary = { evaluated: 0, fired: 0, resolved: 0, failed: 0 };
    for (const row of await this.o.meta.alerts.listActive()) {
      try {
        const site = await this.o.meta.sites.byId(row.site_id);
        if (!site) continue;
        const outcome = await this.evaluate(site, row, now);
        summary.evaluated++;
        if (outcome === 'fired') summary.fired++;
        if (outcome === 'resolved') summary.resolved++;
      } catch (err) {
        summary.failed++;
        onError(err);
      }
    }
    return summary;
  }
}

function shownEvent(r: AlertEventRow): AlertEvent {
  return {
    id: r.id,
    alert_id: r.alert_id,
    kind: r.kind as AlertEvent['kind'],
    bucket: r.bucket === null ? null : new Date(Number(r.bucket)).toISOString(),
    value: r.value === null ? null : Number(r.value),
    expected: r.expected ? (JSON.parse(r.expected) as AlertEvent['expected']) : null,
    message: r.message,
    deliveries: JSON.parse(r.deliveries) as AlertEvent['deliveries'],
    created_at: new Date(Number(r.created_at)).toISOString(),
  };
}

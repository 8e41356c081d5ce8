import {
  atRiskParamsSchema,
  lifetimeMetricsSchema,
  lifetimeParamsSchema,
  parseInput,
  type AtRiskList,
  type LifetimeModel,
  type LifetimeParams,
} from '@tidemark/core';
import type { MetaStore } from '../meta';
import type { StatsService, StatsSite } from '../stats';
import { repeatJob, type JobRunner } from '../schedule';
import { LAPSE_DAYS, predict, trainLifetime, type PersonPrediction } from './model';
import { DAY_MS, groupByPerson, summarize, type PersonSummary } from './summary';

export interface PersonLifetime {
  summary: PersonSummary;
  prediction: PersonPrediction | null;
}

/** The lifetime fields a profile carries (core profileLifetimeFields). */
export interface ProfileLifetime {
  p_active_30d: number | null;
  churn_risk: boolean;
  expected_ltv: number | null;
}

const NONE: ProfileLifetime = { p_active_30d: null, churn_risk: false, expected_ltv: null };
const LTV_BANDS = [0, 10, 50, 100, 250, 500, 1000, 5000];
const date = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Churn and lifetime value per site (docs/churn-ltv.md): training (background, daily), the model's state
 * and held-out metrics (meta `lifetime_models`), and each eligible person's numbers computed on read from
 * their transaction days (stats/lifetime/) under the stored parameters.
 */
export class LifetimeService {
  private readonly running = new Map<string, Promise<void>>();
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      meta: Pick<MetaStore, 'lifetimeModels'>;
      stats: Pick<StatsService, 'lifetimeDays'>;
      now?: () => number;
    },
  ) {
    this.now = deps.now ?? Date.now;
  }

  async model(siteId: string): Promise<LifetimeModel> {
    const row = await this.deps.meta.lifetimeModels.get(siteId);
    if (!row) return { status: 'none', trained_at: null, people: null, params: null, metrics: null, error: null };
    return {
      status: row.status as LifetimeModel['status'],
      trained_at: row.trained_at === null ? null : Number(row.trained_at),
      people: row.people === null ? null : Number(row.people),
      params: row.params ? lifetimeParamsSchema.parse(JSON.parse(row.params)) : null,
      metrics: row.metrics ? lifetimeMetricsSchema.parse(JSON.parse(row.metrics)) : null,
      error: row.error,
    };
  }

  /** Starts a training in the background (one per site at a time) and answers the model as it stands. */
  async startTraining(site: StatsSite): Promise<LifetimeModel> {
    if (!this.running.has(site.id)) {
      await this.deps.meta.lifetimeModels.markTraining(site.id, this.now());
      const run = this.trainNow(site)
        .catch(() => undefined)
        .finally(() => this.running.delete(site.id));
      this.running.set(site.id, run);
    }
    return this.model(site.id);
  }

  /** Trains now and records the outcome (a failure is recorded, then rethrown). */
  async train(site: StatsSite): Promise<LifetimeModel> {
    await this.deps.meta.lifetimeModels.markTraining(site.id, this.now());
    await this.trainNow(site);
    return this.model(site.id);
  }

  private async trainNow(site: StatsSite): Promise<void> {
    const repo = this.deps.meta.lifetimeModels;
    try {
      const now = this.now();
      const r = trainLifetime(await this.deps.stats.lifetimeDays(site, { beforeMs: now }), now);
      if (r.status === 'ready')
        await repo.finish(
          site.id,
          { status: 'ready', params: JSON.stringify(r.params), metrics: JSON.stringify(r.metrics), people: r.people, error: null },
          now,
        );
      else await repo.finish(site.id, { status: r.status, people: r.people, error: r.reason }, now);
    } catch (err) {
      await repo.finish(site.id, { status: 'failed', people: null, error: err instanceof Error ? err.message : String(err) }, this.now());
      throw err;
    }
  }

  /** Trainings in flight have finished. */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  /** The parameters in use: the last ready training's (kept while a new one runs or after one failed). */
  async params(siteId: string): Promise<LifetimeParams | null> {
    return (await this.model(siteId)).params;
  }

  /**
   * Identified people with a transaction before `asOfMs` (default now) — or only `pids` — and their numbers
   * under the site's parameters as they stood then. Empty without a model.
   */
  async assess(site: StatsSite, opts: { asOfMs?: number; pids?: readonly string[] } = {}): Promise<Map<string, PersonLifetime>> {
    const params = await this.params(site.id);
    const out = new Map<string, PersonLifetime>();
    if (!params) return out;
    const asOf = opts.asOfMs ?? this.now();
    const data = await this.deps.stats.lifetimeDays(site, { beforeMs: asOf, pids: opts.pids ?? null });
    for (const p of groupByPerson(data.days)) {
      const summary = summarize(p, asOf);
      if (summary) out.set(p.pid, { summary, prediction: predict(params, summary) });
    }
    return out;
  }

  /**
   * Flagged people not yet lapsed (their lapse date is today or later: the ones a warning can still help),
   * most recently seen first, paged; with the expected lifetime values of everyone eligible in bands.
   */
  async atRisk(site: StatsSite, query: unknown): Promise<AtRiskList> {
    const page = parseInput(atRiskParamsSchema, query ?? {});
    const params = await this.params(site.id);
    const people = [...(await this.assess(site)).values()].filter((p) => p.prediction);
    const flagged = people
      .filter((p) => p.prediction!.churn_risk && (p.summary.lastDay + LAPSE_DAYS) * DAY_MS >= Math.floor(this.now() / DAY_MS) * DAY_MS)
      .sort((a, b) => b.summary.lastDay - a.summary.lastDay || (a.summary.pid < b.summary.pid ? -1 : 1));
    const bands = LTV_BANDS.map((from, i) => ({ from, to: LTV_BANDS[i + 1] ?? null, people: 0 }));
    for (const p of people) {
      const v = p.prediction!.expected_ltv;
      if (v === null) continue;
      const band = bands.findLast((b) => v >= b.from) ?? bands[0]!;
      band.people += 1;
    }
    return {
      people: flagged.slice(page.offset, page.offset + page.limit).map(({ summary: s, prediction: p }) => ({
        id: s.pid,
        user_id: s.pid.slice(1),
        last_seen_on: date(s.lastDay),
        lapse_on: date(s.lastDay + LAPSE_DAYS),
        transactions: s.x + 1,
        p_alive: round(p!.p_alive, 4),
        p_active_30d: round(p!.p_active_30d, 4),
        expected_transactions_30d: round(p!.expected_transactions_30d, 3),
        expected_ltv: p!.expected_ltv === null ? null : round(p!.expected_ltv, 2),
      })),
      total: flagged.length,
      limit: page.limit,
      offset: page.offset,
      currency: params?.currency ?? null,
      ltv_distribution: params?.gamma_gamma ? bands : [],
    };
  }

  /** Profiles with their lifetime fields (null / false when not eligible or without a model). */
  async withLifetime<T extends { id: string }>(site: StatsSite, profiles: T[]): Promise<Array<T & ProfileLifetime>> {
    const pids = profiles.map((p) => p.id).filter((id) => id.startsWith('u'));
    const found = pids.length ? await this.assess(site, { pids }) : new Map<string, PersonLifetime>();
    return profiles.map((p) => {
      const pred = found.get(p.id)?.prediction;
      return {
        ...p,
        ...(pred
          ? {
              p_active_30d: round(pred.p_active_30d, 4),
              churn_risk: pred.churn_risk,
              expected_ltv: pred.expected_ltv === null ? null : round(pred.expected_ltv, 2),
            }
          : NONE),
      };
    });
  }

  /**
   * Daily (first run 10 minutes after start): retrains every site whose model was trained or asked for
   * once; one run at a time; the leader only at scale.
   */
  schedule(opts: {
    sites: (id: string) => Promise<StatsSite | null>;
    isLeader?: () => boolean;
    onError: (err: unknown) => void;
    track?: JobRunner;
    firstMs?: number;
    everyMs?: number;
  }): () => void {
    return repeatJob({
      name: 'lifetime-models',
      run: async () => {
        let failed = 0;
        for (const row of await this.deps.meta.lifetimeModels.listTrained()) {
          const site = await opts.sites(row.site_id);
          if (!site) continue;
          await this.train(site).catch((err) => {
            failed += 1;
            opts.onError(err);
          });
        }
        if (failed) throw new Error(`${failed} lifetime models could not be trained`);
      },
      firstMs: opts.firstMs ?? 10 * 60_000,
      everyMs: opts.everyMs ?? 86_400_000,
      isLeader: opts.isLeader,
      track: opts.track,
      onError: opts.onError,
    });
  }
}

import { type Segments, type SegmentRef } from '@tidemark/core';
import type { MetaStore } from '../meta';
import type { PersonFeatures, ProfileScorer, StatsService, StatsSite } from '../stats';
import type { EventStore } from '../store';
import { featureNames, vectorOf, type KeyPage } from './features';
import { assign, trainSegments, type SegmentModelData, type TrainOptions } from './model';
import { withKeyPages } from './scorer';
import { labelSite } from './labels';

export interface SegmentDeps {
  meta: Pick<MetaStore, 'segmentModels' | 'sites'>;
  stats: Pick<StatsService, 'peopleFeatures'>;
  events: Pick<EventStore, 'upsertSideRows'>;
  /** The site's scorer (scoring/ `ScoringService.scorer`): the labels' scores. */
  scorer: (site: StatsSite) => Promise<ProfileScorer>;
  /** The site's key pages (its scoring rules'): what the segment features count besides the base ones. */
  keyPages: (siteId: string) => Promise<readonly KeyPage[]>;
  now?: () => number;
  train?: TrainOptions;
}

/**
 * Behavioural segments of a site (docs/segments.md): training (k-means, k by the silhouette) into meta
 * `segment_models`, the list, the segment of a profile on read, and the person labels (labels.ts).
 */
export class SegmentService {
  private readonly now: () => number;
  private readonly running = new Set<string>();

  constructor(private readonly deps: SegmentDeps) {
    this.now = deps.now ?? Date.now;
  }

  async model(siteId: string): Promise<SegmentModelData | null> {
    const row = await this.deps.meta.segmentModels.get(siteId);
    return row?.model ? (JSON.parse(row.model) as SegmentModelData) : null;
  }

  async list(siteId: string): Promise<Segments> {
    const row = await this.deps.meta.segmentModels.get(siteId);
    const model = row?.model ? (JSON.parse(row.model) as SegmentModelData) : null;
    return {
      status: (row?.status as Segments['status'] | undefined) ?? 'untrained',
      criterion: 'silhouette',
      k: row?.k ?? null,
      silhouette: row?.silhouette ?? null,
      people: row?.people ?? 0,
      trained_at: row?.trained_at ?? null,
      error: row?.error ?? null,
      segments: model ? [...model.segments].sort((a, b) => b.people - a.people || (a.id < b.id ? -1 : 1)) : [],
    };
  }

  /** Trains now and saves the model (the previous one's ids and names kept); a failure is recorded and rethrown. */
  async train(site: StatsSite): Promise<Segments> {
    const now = this.now();
    await this.deps.meta.segmentModels.markTraining(site.id, now);
    try {
      const previous = await this.model(site.id);
      const keyPages = [...(await this.deps.keyPages(site.id))].map(({ name, path }) => ({ name, path }));
      const scorer = withKeyPages(await this.deps.scorer(site), keyPages);
      const people = await this.deps.stats.peopleFeatures(site, scorer, null);
      const trained = trainSegments(
        people.map((p) => ({ vector: vectorOf(p.features, keyPages, now), converted: p.features.goals > 0, revenue: p.revenue })),
        featureNames(keyPages),
        keyPages,
        previous,
        this.deps.train,
      );
      await this.deps.meta.segmentModels.saveModel(site.id, {
        model: JSON.stringify(trained.model),
        k: trained.k,
        silhouette: Math.round(trained.silhouette * 10_000) / 10_000,
        people: people.length,
        trainedAt: now,
      });
      // Every person is labelled again under the new model by the labels job's next run.
      await this.deps.meta.segmentModels.setLabelsWatermark(site.id, null);
    } catch (err) {
      await this.deps.meta.segmentModels.markFailed(site.id, err instanceof Error ? err.message : String(err), this.now());
      throw err;
    }
    return this.list(site.id);
  }

  /**
   * Starts a training in the background (the route answers 202); one per site at a time. The site's people
   * are labelled under the new model right after, so segment filters work at once.
   */
  start(site: StatsSite, onError: (err: unknown) => void): void {
    if (this.running.has(site.id)) return;
    this.running.add(site.id);
    void this.train(site)
      .then(() => labelSite(this.deps, site))
      .catch(onError)
      .finally(() => this.running.delete(site.id));
  }

  /** The site's scorer, its profiles also given their segment by the active model (profile read model). */
  async profileScorer(site: StatsSite, base: ProfileScorer): Promise<ProfileScorer> {
    const model = await this.model(site.id);
    if (!model) return base;
    const n = base.keyPages.length;
    const now = this.now();
    const wrapped = withKeyPages(base, model.key_pages);
    return {
      ...wrapped,
      // The profile object spreads what score() returns: the segment rides along (stats/profiles run.ts).
      score: (f) => ({ ...wrapped.score(f), segment: segmentRef(model, f, n, now) }),
    };
  }

  /** Trains every site (the daily job): a site with too few people records why and keeps any previous model. */
  async trainAll(onError: (err: unknown) => void, statsSite: (s: { id: string; timezone: string }) => Promise<StatsSite>) {
    let trained = 0;
    let failed = 0;
    for (const s of await this.deps.meta.sites.listAll()) {
      try {
        await this.train(await statsSite(s));
        trained++;
      } catch (err) {
        failed++;
        if (!(err instanceof Error && err.message.startsWith('too few people'))) onError(err);
      }
    }
    return { trained, failed };
  }
}

function segmentRef(model: SegmentModelData, f: PersonFeatures, baseKeyPages: number, now: number): SegmentRef {
  const own = { ...f, key_pages: f.key_pages.slice(baseKeyPages) };
  const s = assign(model, vectorOf(own, model.key_pages, now));
  return { id: s.id, name: s.name };
}

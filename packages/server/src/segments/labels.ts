import type { StatsSite } from '../stats';
import type { SegmentDeps } from './service';
import { withKeyPages } from './scorer';
import { featureNames, vectorOf } from './features';
import { assign, type SegmentModelData } from './model';

/** Events received this long before the last run's start are read again (a read may not have seen them yet). */
const OVERLAP_MS = 60_000;

export interface LabelsRun {
  sites: number;
  people: number;
  rows: number;
}

/**
 * The person labels job's pass over one site (store side table `person_labels`): every person with an
 * event received since the site's watermark (everyone after a training) gets, on each of their visitor ids,
 * their lead score from the site's scorer and their segment under the active model.
 */
export async function labelSite(deps: SegmentDeps, site: StatsSite): Promise<{ people: number; rows: number }> {
  const now = (deps.now ?? Date.now)();
  const row = await deps.meta.segmentModels.ensure(site.id, now);
  const model = row.model ? (JSON.parse(row.model) as SegmentModelData) : null;
  const base = await deps.scorer(site);
  const scorer = withKeyPages(base, model?.key_pages ?? []);
  const since = row.labels_watermark === null ? null : row.labels_watermark - OVERLAP_MS;
  const people = await deps.stats.peopleFeatures(site, scorer, since);
  const usable = model && model.features.join() === featureNames(model.key_pages).join() ? model : null;
  const rows = people.flatMap((p) => {
    const score = scorer.score(p.features).score;
    const segment = usable ? assign(usable, vectorOf(p.features, usable.key_pages, now)).id : '';
    return p.visitor_ids.map((visitor_id) => ({
      site_id: site.id,
      visitor_id,
      profile_id: p.pid,
      score,
      segment_id: segment,
      computed_at: now,
      version: now,
    }));
  });
  for (let i = 0; i < rows.length; i += 5000) await deps.events.upsertSideRows('person_labels', rows.slice(i, i + 5000));
  await deps.meta.segmentModels.setLabelsWatermark(site.id, now, row.trained_at);
  return { people: people.length, rows: rows.length };
}

/** One pass over every site. */
export async function labelAll(
  deps: SegmentDeps,
  statsSite: (s: { id: string; timezone: string }) => Promise<StatsSite>,
  onError: (err: unknown) => void,
): Promise<LabelsRun> {
  const run: LabelsRun = { sites: 0, people: 0, rows: 0 };
  for (const s of await deps.meta.sites.listAll()) {
    try {
      const r = await labelSite(deps, await statsSite(s));
      run.sites++;
      run.people += r.people;
      run.rows += r.rows;
    } catch (err) {
      onError(err);
    }
  }
  return run;
}

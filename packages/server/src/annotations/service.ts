import {
  annotationInputSchema,
  annotationPatchSchema,
  badRequest,
  notFound,
  parseInput,
  type Annotation,
  type DashboardStats,
  type QueryInterval,
  type TimeseriesAnnotation,
} from '@tidemark/core';
import { MAX_ANNOTATIONS_PER_SITE, type AnnotationRow, type MetaStore, type SiteRecord } from '../meta';
import { addDays, localDate, startOfLocalDay, wallClock } from '../stats';

type Site = Pick<SiteRecord, 'id' | 'timezone'>;

/** A plain date is midnight in the site's time zone; a date-time names its own instant. */
export function annotationInstant(date: string, tz: string): number {
  return date.length === 10 ? startOfLocalDay(date, tz) : Date.parse(date);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The timeseries bucket key (as the dialects write `date`) an instant falls in. */
export function bucketOf(ms: number, interval: QueryInterval, tz: string): string {
  const day = localDate(ms, tz);
  if (interval === 'hour') return `${day} ${pad(wallClock(ms, tz).h)}:00:00`;
  if (interval === 'day') return day;
  if (interval === 'week') {
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    return addDays(day, -((dow + 6) % 7));
  }
  return `${day.slice(0, 8)}01`;
}

/**
 * A site's annotations (InsightHub PRD §4.6.4): stored in the metadata store, always through their site,
 * and laid over the stats timeseries by `forStats`.
 */
export class AnnotationService {
  constructor(private readonly meta: MetaStore) {}

  list(site: Site): Promise<Annotation[]> {
    return this.meta.annotations.list(site.id);
  }

  async get(site: Site, id: string): Promise<Annotation> {
    const a = id.length <= 64 ? await this.meta.annotations.get(site.id, id) : null;
    if (!a) throw notFound('Annotation');
    return a;
  }

  async create(site: Site, body: unknown, createdBy: string | null): Promise<Annotation> {
    const input = parseInput(annotationInputSchema, body ?? {});
    if ((await this.meta.annotations.count(site.id)) >= MAX_ANNOTATIONS_PER_SITE)
      throw badRequest('too_many_annotations', `A site has at most ${MAX_ANNOTATIONS_PER_SITE} annotations`);
    const row: AnnotationRow = {
      at: annotationInstant(input.date, site.timezone),
      title: input.title,
      description: input.description ?? null,
      category: input.category,
    };
    return this.meta.annotations.create(site.id, row, createdBy);
  }

  async update(site: Site, id: string, body: unknown): Promise<Annotation> {
    await this.get(site, id);
    const patch = parseInput(annotationPatchSchema, body ?? {});
    const row: Partial<AnnotationRow> = {};
    if (patch.date !== undefined) row.at = annotationInstant(patch.date, site.timezone);
    if (patch.title !== undefined) row.title = patch.title;
    if (patch.description !== undefined) row.description = patch.description;
    if (patch.category !== undefined) row.category = patch.category;
    const updated = await this.meta.annotations.update(site.id, id, row);
    if (!updated) throw notFound('Annotation');
    return updated;
  }

  async remove(site: Site, id: string): Promise<void> {
    if (id.length > 64 || !(await this.meta.annotations.delete(site.id, id))) throw notFound('Annotation');
  }

  /** The annotations inside the answer's period, each with the timeseries bucket it falls in. */
  async forStats(site: Site, stats: Pick<DashboardStats, 'period' | 'interval' | 'timeseries'>): Promise<TimeseriesAnnotation[]> {
    const tz = site.timezone;
    const range = { fromMs: startOfLocalDay(stats.period.start, tz), toMs: startOfLocalDay(addDays(stats.period.end, 1), tz) };
    const buckets = new Set(stats.timeseries.map((r) => String(r.date)));
    const out: TimeseriesAnnotation[] = [];
    for (const a of await this.meta.annotations.list(site.id, range)) {
      const bucket = bucketOf(Date.parse(a.date), stats.interval, tz);
      if (buckets.has(bucket))
        out.push({ id: a.id, date: a.date, bucket, title: a.title, description: a.description, category: a.category });
    }
    return out;
  }

  /** The stats answer with its annotations added. */
  async addTo<T extends DashboardStats>(site: Site, stats: T): Promise<T> {
    return { ...stats, annotations: await this.forStats(site, stats) };
  }
}

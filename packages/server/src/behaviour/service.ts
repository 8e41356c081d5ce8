import {
  badRequest,
  frustrationParamsSchema,
  heatmapParamsSchema,
  parseInput,
  screenshotParamsSchema,
  TidemarkError,
  VITAL_THRESHOLDS,
  vitalsParamsSchema,
  errorsParamsSchema,
  type ErrorsReport,
  type FrustrationReport,
  type HeatmapReport,
  type VitalsReport,
} from '@tidemark/core';
import { addDays, resolvePeriod, type DateRange } from '../stats';
import { Lifecycle } from '../lifecycle';
import type { EventStore } from '../store';
import type { SiteRecord } from '../meta';
import { repeat } from '../schedule';
import {
  buildDay,
  builtDays,
  dayMarks,
  gridCells,
  localDate,
  localDay,
  localDays,
  otherZoneDays,
  rawCells,
  unbuiltSpans,
  type Cell,
  type CellFilter,
} from './grid';
import { frustrationReport, heatmapReport, pagePath } from './heatmap';
import { rowOf, vitalsBy } from './vitals';
import { errorsReport } from './errors';
import type { Screenshots } from './screenshots';

/** How far back the grid job looks for days not built yet; older days were built or are past retention. */
const CATCH_UP_DAYS = 7;
/** How far back the grid job rebuilds days built in another zone (the site's zone changed), at most a run. */
const REZONE_DAYS = 400;
const REZONE_PER_RUN = 31;
const DAY_MS = 86_400_000;
/** A day is built once this long after it ends (batches still in flight at midnight have landed). */
const SETTLE_MS = 2 * 60_000;

type PeriodInput = { period: string; start_date?: string | undefined; end_date?: string | undefined };

/** Whole days of the request in the site's zone `tz`. */
function periodRange(p: PeriodInput, now: number, tz: string): DateRange {
  if (p.period === 'custom') {
    if (!p.start_date || !p.end_date) throw badRequest('invalid_date_range', 'period=custom needs start_date and end_date');
    return resolvePeriod({ start: p.start_date, end: p.end_date }, tz, now);
  }
  if (p.start_date || p.end_date) throw badRequest('invalid_date_range', 'start_date/end_date are only for period=custom');
  return resolvePeriod(p.period as Parameters<typeof resolvePeriod>[0], tz, now);
}

/**
 * Heatmaps and frustration signals (behaviour/): reads the grid (heatmap_cells) for the days it holds and
 * the raw samples for the others (today, days the job has not reached), so answers are current and a
 * 90-day map reads cells, not clicks.
 */
export class BehaviourService {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly events: EventStore,
    private readonly screenshots?: Screenshots,
  ) {}

  /** The PNG of a page for the heatmap view (screenshots.ts); `refresh` takes it again now. */
  screenshot(site: SiteRecord, query: unknown): Promise<Buffer> {
    const p = parseInput(screenshotParamsSchema, query ?? {});
    if (!this.screenshots) throw new TidemarkError(404, 'screenshots_off', 'Screenshots are not available on this server');
    return this.screenshots.capture(site, p.page_url, p.viewport, p.refresh === 'true' || p.refresh === '1');
  }

  async heatmap(site: SiteRecord, query: unknown, now = Date.now()): Promise<HeatmapReport> {
    const p = parseInput(heatmapParamsSchema, query ?? {});
    const path = pagePath(p.page_url);
    const range = periodRange(p, now, site.timezone);
    const map = p.type === 'click' ? 'click' : p.type === 'move' ? 'move' : 'scroll';
    const cells = await this.cells(site, range, { path, viewport: p.viewport, kinds: [map, 'el', 'rage', 'dead', 'error'] });
    const shot = this.screenshots?.enabled
      ? `/api/sites/${encodeURIComponent(site.id)}/heatmaps/screenshot?${new URLSearchParams({ page_url: p.page_url, viewport: p.viewport })}`
      : null;
    return heatmapReport(path, p, { start_date: range.startDate, end_date: range.endDate }, cells, shot);
  }

  async frustration(site: SiteRecord, query: unknown, now = Date.now()): Promise<FrustrationReport> {
    const p = parseInput(frustrationParamsSchema, query ?? {});
    const range = periodRange(p, now, site.timezone);
    const cells = await this.cells(site, range, { kinds: ['rage', 'dead', 'error'] });
    return frustrationReport({ start_date: range.startDate, end_date: range.endDate }, cells, p.limit);
  }

  /** Web vitals of the period (site timezone): totals, per day, worst pages, by device and by country. */
  async vitals(site: SiteRecord, query: unknown, now = Date.now()): Promise<VitalsReport> {
    const p = parseInput(vitalsParamsSchema, query ?? {});
    const range = periodRange(p, now, site.timezone);
    const scope = { siteId: site.id, startMs: range.startMs, endMs: range.endMs, tz: site.timezone, page: p.page && pagePath(p.page) };
    const [totals, days, pages, devices, countries] = await Promise.all([
      vitalsBy(this.events, scope, 'none'),
      vitalsBy(this.events, scope, 'day'),
      vitalsBy(this.events, scope, 'path'),
      vitalsBy(this.events, scope, 'device_type'),
      vitalsBy(this.events, scope, 'country'),
    ]);
    const bySamples = <T extends { samples: number; key: string }>(rows: T[]) =>
      [...rows].sort((a, b) => b.samples - a.samples || (a.key < b.key ? -1 : 1)).slice(0, p.limit);
    const worst = [...pages]
      .sort((a, b) => (b.lcp.p75 ?? -1) - (a.lcp.p75 ?? -1) || b.samples - a.samples || (a.key < b.key ? -1 : 1))
      .slice(0, p.limit);
    const strip = <T extends { key: string }>({ key: _key, ...rest }: T) => rest;
    return {
      period: { start_date: range.startDate, end_date: range.endDate },
      thresholds: VITAL_THRESHOLDS,
      totals: totals[0] ? strip(totals[0]) : rowOf({}),
      timeseries: days.sort((a, b) => (a.key < b.key ? -1 : 1)).map((r) => ({ date: r.key, ...strip(r) })),
      pages: worst.map((r) => ({ page: r.key, ...strip(r) })),
      devices: bySamples(devices).map((r) => ({ device: r.key, ...strip(r) })),
      countries: bySamples(countries).map((r) => ({ country: r.key, ...strip(r) })),
    };
  }

  /** JavaScript errors of the period (site timezone), grouped by fingerprint. */
  async errors(site: SiteRecord, query: unknown, now = Date.now()): Promise<ErrorsReport> {
    const p = parseInput(errorsParamsSchema, query ?? {});
    const range = periodRange(p, now, site.timezone);
    const dates: string[] = [];
    for (let day = range.startDate; day <= range.endDate; day = addDays(day, 1)) dates.push(day);
    const report = await errorsReport(this.events, {
      siteId: site.id,
      startMs: range.startMs,
      endMs: range.endMs,
      tz: site.timezone,
      dates,
      limit: p.limit,
    });
    return { period: { start_date: range.startDate, end_date: range.endDate }, ...report };
  }

  /** The cells of the period: summed grid rows of the days built in the site's zone plus the raw samples of the others (the caller sums duplicates). */
  private async cells(site: SiteRecord, range: DateRange, filter: CellFilter): Promise<Cell[]> {
    const marks = await dayMarks(this.events, site.id, range.startMs, range.endMs, site.timezone);
    const days = localDays(range.startDate, range.endDate, site.timezone);
    const [grid, raw] = await Promise.all([
      gridCells(this.events, site.id, marks, filter),
      rawCells(this.events, site.id, unbuiltSpans(days, marks.built), filter),
    ]);
    return [...grid, ...raw];
  }

  /**
   * Builds the grid of the recent settled days of each site, in the site's zone: yesterday again (late
   * batches), every day of the last week not built yet, and days built in another zone (the site's zone
   * changed) whose raw samples are all still held. Serial: one run at a time.
   */
  buildRecent(sites: ReadonlyArray<Pick<SiteRecord, 'id' | 'timezone' | 'retention_days'>>, now = Date.now()): Promise<number> {
    const run = this.running.then(async () => {
      let built = 0;
      for (const site of sites)
        for (const day of await this.daysToBuild(site, now)) {
          await buildDay(this.events, site.id, day, site.timezone);
          built++;
        }
      return built;
    });
    this.running = run.catch(() => undefined);
    return run;
  }

  private async daysToBuild(site: Pick<SiteRecord, 'id' | 'timezone' | 'retention_days'>, now: number) {
    const tz = site.timezone;
    const current = localDay(localDate(now - SETTLE_MS, tz), tz);
    const yesterday = localDay(localDate(current.startMs - 1, tz), tz);
    const first = localDay(addDays(yesterday.date, -(CATCH_UP_DAYS - 1)), tz);
    const recent = localDays(first.date, yesterday.date, tz);
    const built = await builtDays(this.events, site.id, first.startMs, yesterday.endMs, tz);
    const todo = new Map(recent.filter((d) => !built.has(d.startMs) || d === recent[recent.length - 1]).map((d) => [d.date, d]));
    // Days marked in another zone: rebuilt in this one, newest first. Their raw samples are held: retention
    // removes a site's samples and grid days before the same cutoff.
    const cutoff = site.retention_days > 0 ? Lifecycle.retentionCutoff(site.retention_days, now) : Number.NEGATIVE_INFINITY;
    const stale = await otherZoneDays(this.events, site.id, first.startMs - REZONE_DAYS * DAY_MS, first.startMs, tz);
    for (const start of stale.sort((a, b) => b - a)) {
      const day = localDay(localDate(start, tz), tz);
      if (day.startMs < cutoff || todo.size >= recent.length + REZONE_PER_RUN) continue;
      todo.set(day.date, day);
    }
    return [...todo.values()];
  }

  /** The grid job: every `everyMs` (default 10 minutes), on the jobs node (the leader at scale). */
  schedule(opts: {
    sites: () => Promise<Array<Pick<SiteRecord, 'id' | 'timezone' | 'retention_days'>>>;
    isLeader?: () => boolean;
    onError: (err: unknown) => void;
    everyMs?: number;
    firstRunMs?: number;
  }): () => void {
    const tick = () => {
      if (opts.isLeader && !opts.isLeader()) return;
      void opts
        .sites()
        .then((sites) => this.buildRecent(sites))
        .catch(opts.onError);
    };
    return repeat(tick, { firstMs: opts.firstRunMs ?? 90_000, everyMs: opts.everyMs ?? 10 * 60_000 });
  }

  /** Waits for the grid run in progress (before the store closes). */
  idle(): Promise<unknown> {
    return this.running;
  }
}

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { Zip, ZipDeflate } from 'fflate';
import { z } from 'zod';
import { EVENT_COLUMNS, parseInput, type DashboardStats } from '@tidemark/core';
import { statsTable, tableCsv, safeCell } from './format';

/**
 * A whole site as one zip (InsightHub PRD §4.7 exports): a CSV per report over the range, and the raw
 * events as NDJSON or CSV. Written straight to the output as it is produced — one page of events at a
 * time, each file deflated as it streams, waiting whenever the output is full — so memory stays flat
 * whatever the number of events.
 */

export const siteExportParamsSchema = z
  .object({
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD'),
    events: z.enum(['ndjson', 'csv', 'none']).default('ndjson'),
  })
  .strict()
  .refine((p) => p.from <= p.to, 'from must not be after to');
export type SiteExportParams = z.infer<typeof siteExportParamsSchema>;

export const parseSiteExportParams = (raw: unknown): SiteExportParams => parseInput(siteExportParamsSchema, raw ?? {});

/** What an export reads: the stats endpoint's answer and pages of raw events, both already scoped to one site. */
export interface SiteExportSource {
  dashboard(params: Record<string, string>): Promise<DashboardStats>;
  rawEvents(params: Record<string, string>): Promise<{ events: Array<Record<string, unknown>>; next_cursor: string | null }>;
  /** The range's instants: [local midnight of `from`, local midnight after `to`). */
  instants(from: string, to: string): { fromMs: number; toMs: number };
}

const OVERVIEW_METRICS = 'visitors,pageviews,sessions,bounce_rate,avg_duration,views_per_visit,events';

/** One CSV per report; file names are the dashboard's card tabs. */
export const EXPORT_REPORTS: ReadonlyArray<{ file: string; dimension: string }> = [
  { file: 'pages', dimension: 'page' },
  { file: 'entry_pages', dimension: 'entry_page' },
  { file: 'exit_pages', dimension: 'exit_page' },
  { file: 'channels', dimension: 'channel' },
  { file: 'sources', dimension: 'source' },
  { file: 'referrers', dimension: 'referrer_domain' },
  { file: 'utm_mediums', dimension: 'medium' },
  { file: 'utm_campaigns', dimension: 'campaign' },
  { file: 'countries', dimension: 'country' },
  { file: 'regions', dimension: 'region' },
  { file: 'cities', dimension: 'city' },
  { file: 'browsers', dimension: 'browser' },
  { file: 'operating_systems', dimension: 'os' },
  { file: 'devices', dimension: 'device' },
  { file: 'custom_events', dimension: 'event_name' },
];

const EVENT_PAGE = 1000;
const EVENT_SLICE_MS = 3_600_000;

export interface SiteExportSummary {
  files: string[];
  events: number;
}

/** Streams the zip into `out` (not ended here: the caller owns it) and says what it wrote. */
export async function writeSiteExport(out: Writable, src: SiteExportSource, p: SiteExportParams): Promise<SiteExportSummary> {
  let failed: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else if (chunk.length) out.write(chunk);
  });
  const flowing = async () => {
    if (failed) throw failed;
    if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    if (out.destroyed) throw new Error('export output closed');
  };
  const encoder = new TextEncoder();
  const files: string[] = [];
  const file = async (name: string, chunks: AsyncIterable<string>) => {
    const entry = new ZipDeflate(name, { level: 6 });
    zip.add(entry);
    for await (const text of chunks) {
      entry.push(encoder.encode(text));
      await flowing();
    }
    entry.push(new Uint8Array(0), true);
    await flowing();
    files.push(name);
  };
  async function* once1(text: string) {
    yield text;
  }

  const period = { period: 'custom', start_date: p.from, end_date: p.to, compare: 'false' };
  const overview = await src.dashboard({ ...period, metrics: OVERVIEW_METRICS, interval: 'day' });
  await file('overview.csv', once1(tableCsv(statsTable({ timeseries: overview.timeseries, dimensions: {} }))));
  for (const r of EXPORT_REPORTS) {
    const stats = await src.dashboard({ ...period, metrics: 'visitors,pageviews', dimensions: r.dimension, limit: '1000' });
    await file(`${r.file}.csv`, once1(tableCsv(statsTable({ timeseries: [], dimensions: stats.dimensions, metrics: stats.metrics }))));
  }

  let events = 0;
  if (p.events !== 'none') {
    const { fromMs, toMs } = src.instants(p.from, p.to);
    const columns = EVENT_COLUMNS.map((c) => c.name as string);
    // Hour by hour, each hour page by page: every query reads one hour of the site's events (the
    // cursor alone would make each page re-read the whole range before it, quadratic on large sites).
    async function* pages() {
      if (p.events === 'csv') yield stringify([columns]);
      for (let start = fromMs; start < toMs; start += EVENT_SLICE_MS) {
        const end = Math.min(toMs, start + EVENT_SLICE_MS);
        let cursor: string | null = null;
        do {
          const page: Awaited<ReturnType<SiteExportSource['rawEvents']>> = await src.rawEvents({
            from: String(start),
            to: String(end),
            limit: String(EVENT_PAGE),
            ...(cursor ? { cursor } : {}),
          });
          events += page.events.length;
          if (page.events.length) {
            if (p.events === 'ndjson') yield page.events.map((e) => `${JSON.stringify(e)}\n`).join('');
            else yield stringify(page.events.map((e) => columns.map((c) => cell(e[c]))));
          }
          cursor = page.next_cursor;
        } while (cursor);
      }
    }
    await file(`events.${p.events}`, pages());
  }
  zip.end();
  await flowing();
  return { files, events };
}

const cell = (v: unknown) => (v !== null && typeof v === 'object' ? safeCell(JSON.stringify(v)) : safeCell(v));

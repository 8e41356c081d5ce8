import type { ImportedAggregate } from '../store';
import { columnReader, decodeUtf8, parseCsv } from './csv';
import { ImportError } from './errors';
import { baseName, readZip, yieldToEventLoop, type ZipLimits } from './zip';

/**
 * Plausible's CSV export (a zip of `imported_<table>_<from>_<to>.csv`, one row per day and value, with a
 * header line) → imported aggregates. Columns are read by name: unknown ones are ignored and missing
 * ones read as 0 or '', so exports of older and newer versions load alike (e.g. `pageviews` in sources,
 * `visits` in pages and `browser_version` came later). Another file in the zip is ignored.
 */

export const PLAUSIBLE_TABLES = [
  'visitors',
  'sources',
  'pages',
  'entry_pages',
  'exit_pages',
  'custom_events',
  'locations',
  'devices',
  'browsers',
  'operating_systems',
] as const;
export type PlausibleTable = (typeof PLAUSIBLE_TABLES)[number];

const FILE_NAME = new RegExp(`^(?:imported_)?(${PLAUSIBLE_TABLES.join('|')})(?:_\\d{8}_\\d{8})?\\.csv$`);

export function plausibleTableOf(entry: string): PlausibleTable | null {
  const m = FILE_NAME.exec(baseName(entry).toLowerCase());
  return m ? (m[1] as PlausibleTable) : null;
}

type Get = (row: string[], ...names: string[]) => string;
type Counts = Omit<ImportedAggregate, 'day' | 'dimension' | 'value'>;

/** (dimension, value column(s)) pairs each table breaks down, beside the counts its rows carry. */
const BREAKDOWNS: Record<Exclude<PlausibleTable, 'visitors'>, Array<[string, (get: Get, row: string[]) => string]>> = {
  sources: [
    ['source', (g, r) => g(r, 'source')],
    ['referrer', (g, r) => g(r, 'referrer')],
    ['medium', (g, r) => g(r, 'utm_medium')],
    ['campaign', (g, r) => g(r, 'utm_campaign')],
    ['term', (g, r) => g(r, 'utm_term')],
    ['content', (g, r) => g(r, 'utm_content')],
  ],
  pages: [
    ['page', (g, r) => g(r, 'page')],
    ['hostname', (g, r) => g(r, 'hostname')],
  ],
  entry_pages: [['entry_page', (g, r) => g(r, 'entry_page')]],
  exit_pages: [['exit_page', (g, r) => g(r, 'exit_page')]],
  custom_events: [['event_name', (g, r) => g(r, 'name')]],
  locations: [['country', (g, r) => g(r, 'country').toUpperCase()]],
  devices: [['device', (g, r) => deviceName(g(r, 'device'))]],
  browsers: [
    ['browser', (g, r) => g(r, 'browser')],
    ['browser_version', (g, r) => g(r, 'browser_version')],
  ],
  operating_systems: [
    ['os', (g, r) => g(r, 'operating_system')],
    ['os_version', (g, r) => g(r, 'operating_system_version')],
  ],
};

/** Our device types are lower case; Plausible's "Laptop" is a desktop. */
function deviceName(v: string): string {
  const d = v.toLowerCase();
  return d === 'laptop' ? 'desktop' : d;
}

function count(get: Get, row: string[], what: string, ...names: string[]): number {
  const v = get(row, ...names);
  if (v === '') return 0;
  if (!/^\d{1,15}$/.test(v))
    throw new ImportError('bad_value', `${what}: ${names[0]} must be a whole number ≥ 0, got ${JSON.stringify(v.slice(0, 30))}`);
  return Number(v);
}

function countsOf(table: PlausibleTable, get: Get, row: string[], what: string): Counts {
  const c = (...names: string[]) => count(get, row, what, ...names);
  switch (table) {
    case 'custom_events':
      return { visitors: c('visitors'), pageviews: 0, events: c('events'), visits: 0, bounces: 0, visit_duration: 0 };
    case 'pages':
      return { visitors: c('visitors'), pageviews: c('pageviews'), events: 0, visits: c('visits'), bounces: 0, visit_duration: 0 };
    case 'entry_pages':
      return {
        visitors: c('visitors'),
        pageviews: c('pageviews'),
        events: 0,
        visits: c('entrances', 'visits'),
        bounces: c('bounces'),
        visit_duration: c('visit_duration'),
      };
    case 'exit_pages':
      return {
        visitors: c('visitors'),
        pageviews: c('pageviews'),
        events: 0,
        visits: c('exits', 'visits'),
        bounces: c('bounces'),
        visit_duration: c('visit_duration'),
      };
    default:
      return {
        visitors: c('visitors'),
        pageviews: c('pageviews'),
        events: 0,
        visits: c('visits'),
        bounces: c('bounces'),
        visit_duration: c('visit_duration'),
      };
  }
}

const DAY = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+Z?)?$/;

export interface ParsedAggregates {
  rows: ImportedAggregate[];
  /** First and last day with data. */
  start: string | null;
  end: string | null;
  /** Tables read, for the job's summary. */
  tables: string[];
}

/** Reads a Plausible export zip. `progress` gets the share of files read (0..1). */
export async function parsePlausibleZip(
  bytes: Uint8Array,
  limits?: ZipLimits,
  progress?: (share: number) => void,
): Promise<ParsedAggregates> {
  const files = await readZip(bytes, (name) => plausibleTableOf(name) !== null, limits);
  return parsePlausibleFiles(files, progress);
}

export async function parsePlausibleFiles(files: Map<string, Uint8Array>, progress?: (share: number) => void): Promise<ParsedAggregates> {
  const byTable = new Map<PlausibleTable, Array<[string, Uint8Array]>>();
  for (const [name, bytes] of files) {
    const t = plausibleTableOf(name);
    if (!t) continue;
    byTable.set(t, [...(byTable.get(t) ?? []), [name, bytes]]);
  }
  if (!byTable.has('visitors')) throw new ImportError('not_plausible', 'not a Plausible export: the zip has no imported_visitors CSV file');
  const sums = new Map<string, ImportedAggregate>();
  const add = (day: string, dimension: string, value: string, c: Counts) => {
    const key = `${day}\u0000${dimension}\u0000${value}`;
    const prev = sums.get(key);
    if (!prev) sums.set(key, { day, dimension, value, ...c });
    else for (const k of Object.keys(c) as Array<keyof Counts>) prev[k] += c[k];
  };
  let done = 0;
  const total = [...byTable.values()].reduce((n, l) => n + l.length, 0);
  for (const [table, list] of byTable) {
    for (const [name, bytes] of list) {
      const what = baseName(name).slice(0, 120);
      const csv = parseCsv(decodeUtf8(bytes, what), what);
      const get = columnReader(csv.header);
      if (!csv.header.includes('date')) throw new ImportError('bad_csv', `${what}: no "date" column`);
      for (const row of csv.rows) {
        const m = DAY.exec(get(row, 'date'));
        if (!m)
          throw new ImportError('bad_value', `${what}: date must be YYYY-MM-DD, got ${JSON.stringify(get(row, 'date').slice(0, 30))}`);
        const day = m[1]!;
        const c = countsOf(table, get, row, what);
        if (table === 'visitors') {
          add(day, '', '', c);
          // Page views are events named page_view: the events breakdown and total count them as natively.
          add(day, 'event_name', 'page_view', {
            ...c,
            events: c.pageviews,
            visits: 0,
            bounces: 0,
            visit_duration: 0,
            pageviews: c.pageviews,
          });
          continue;
        }
        for (const [dimension, readValue] of BREAKDOWNS[table]) {
          const value = readValue(get, row).slice(0, 2000);
          // A version column absent from an older export breaks nothing down.
          if (dimension.endsWith('_version') && !csv.header.includes(dimension === 'os_version' ? 'operating_system_version' : dimension))
            continue;
          if (dimension === 'hostname' && !csv.header.includes('hostname')) continue;
          add(day, dimension, value, c);
        }
      }
      progress?.(++done / total);
      await yieldToEventLoop();
    }
  }
  const rows = [...sums.values()];
  const days = rows
    .filter((r) => r.dimension === '')
    .map((r) => r.day)
    .sort();
  return { rows, start: days[0] ?? null, end: days[days.length - 1] ?? null, tables: [...byTable.keys()] };
}

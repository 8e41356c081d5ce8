import { strToU8, zipSync } from 'fflate';
import { Prng } from '@tidemark/testkit';

/**
 * A generated Plausible CSV export (the files and columns of Plausible's export, in its current
 * version or an older one) and what reports over it must show, computed here in plain TypeScript
 * from the generated rows, independently of the importer.
 */

export type Counts = { visitors: number; pageviews: number; visits: number; bounces: number; visit_duration: number; events: number };
export type Table = { name: string; header: string[]; rows: Array<Record<string, string | number>> };

const SOURCES = [
  ['', '', '', ''],
  ['Google', '', '', ''],
  ['Newsletter', 'email', 'spring', 'https://mail.example/'],
  ['Twitter', 'social', '', 'https://t.co/x'],
];
const PAGES = ['/', '/pricing', '/blog/a', '/blog/ümlaut, "quoted"'];
const COUNTRIES = ['DE', 'US', 'FR'];
const DEVICES = ['Desktop', 'Mobile', 'Tablet', 'Laptop'];
const BROWSERS = [
  ['Chrome', '120.0'],
  ['Firefox', '121.0'],
  ['Safari', '17.1'],
];
const OSES = [
  ['Windows', '10'],
  ['Mac', '14'],
  ['Android', '14'],
];
const EVENTS = ['Signup', 'Outbound Link: Click'];

export const addDays = (day: string, n: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** Session-level counts of a row: visits ≥ bounces, visitors ≤ visits. */
function sessionCounts(r: Prng): Omit<Counts, 'events'> {
  const visits = r.int(1, 40);
  return {
    visitors: r.int(1, visits),
    visits,
    bounces: r.int(0, visits),
    visit_duration: r.int(0, visits * 300),
    pageviews: visits + r.int(0, 3 * visits),
  };
}

export interface PlausibleExport {
  tables: Table[];
  zip: Uint8Array;
  days: string[];
}

/**
 * `days` consecutive days from `first`. `version` 'current' has every column of today's export plus an
 * unknown one; 'old' lacks the columns later versions added (pageviews and referrer in sources, visits
 * in pages, versions of browsers and systems) and names its files without the `imported_` prefix.
 */
export function generatePlausibleExport(
  seed: string,
  first: string,
  days: number,
  version: 'current' | 'old' = 'current',
): PlausibleExport {
  const r = new Prng(seed);
  const dayList = Array.from({ length: days }, (_, i) => addDays(first, i));
  const t = (name: string, header: string[]): Table => ({ name, header, rows: [] });
  const cur = version === 'current';
  const visitors = t('visitors', ['date', 'visitors', 'pageviews', 'bounces', 'visits', 'visit_duration']);
  const sources = t(
    'sources',
    cur
      ? [
          'date',
          'source',
          'referrer',
          'utm_source',
          'utm_medium',
          'utm_campaign',
          'utm_content',
          'utm_term',
          'pageviews',
          'visitors',
          'visits',
          'visit_duration',
          'bounces',
        ]
      : ['date', 'source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'visitors', 'visits', 'visit_duration', 'bounces'],
  );
  // Columns in another order than Plausible writes them: they are read by name.
  const pages = t(
    'pages',
    cur
      ? ['page', 'date', 'hostname', 'visits', 'visitors', 'pageviews', 'scroll_depth', 'pageleave_visitors']
      : ['date', 'hostname', 'page', 'visitors', 'pageviews', 'exits', 'time_on_page'],
  );
  const entry = t('entry_pages', ['date', 'entry_page', 'visitors', 'entrances', 'visit_duration', 'bounces', 'pageviews']);
  const exit = t('exit_pages', ['date', 'exit_page', 'visitors', 'visit_duration', 'exits', 'bounces', 'pageviews']);
  const custom = t('custom_events', ['date', 'name', 'link_url', 'path', 'visitors', 'events']);
  const locations = t('locations', ['date', 'country', 'region', 'city', 'visitors', 'visits', 'visit_duration', 'bounces', 'pageviews']);
  const devices = t('devices', ['date', 'device', 'visitors', 'visits', 'visit_duration', 'bounces', 'pageviews']);
  const browsers = t(
    'browsers',
    cur
      ? ['date', 'browser', 'browser_version', 'visitors', 'visits', 'visit_duration', 'bounces', 'pageviews']
      : ['date', 'browser', 'visitors', 'visits', 'visit_duration', 'bounces'],
  );
  const oses = t(
    'operating_systems',
    cur
      ? ['date', 'operating_system', 'operating_system_version', 'visitors', 'visits', 'visit_duration', 'bounces', 'pageviews']
      : ['date', 'operating_system', 'visitors', 'visits', 'visit_duration', 'bounces'],
  );
  for (const date of dayList) {
    const v = sessionCounts(r);
    visitors.rows.push({ date, ...v });
    for (const [source, medium, campaign, referrer] of SOURCES) {
      if (!r.chance(0.8)) continue;
      const c = sessionCounts(r);
      sources.rows.push({
        date,
        source,
        referrer,
        utm_source: source.toLowerCase(),
        utm_medium: medium,
        utm_campaign: campaign,
        utm_content: '',
        utm_term: '',
        ...c,
      });
    }
    for (const page of PAGES) {
      const c = sessionCounts(r);
      pages.rows.push({
        date,
        hostname: 'www.example.com',
        page,
        visits: c.visits,
        visitors: c.visitors,
        pageviews: c.pageviews,
        scroll_depth: 50,
        pageleave_visitors: 1,
        exits: 1,
        time_on_page: 9,
      });
      entry.rows.push({
        date,
        entry_page: page,
        visitors: c.visitors,
        entrances: c.visits,
        visit_duration: c.visit_duration,
        bounces: c.bounces,
        pageviews: c.pageviews,
      });
      const x = sessionCounts(r);
      exit.rows.push({
        date,
        exit_page: page,
        visitors: x.visitors,
        visit_duration: x.visit_duration,
        exits: x.visits,
        bounces: x.bounces,
        pageviews: x.pageviews,
      });
    }
    for (const name of EVENTS) custom.rows.push({ date, name, link_url: '', path: '', visitors: r.int(1, 9), events: r.int(9, 30) });
    for (const country of COUNTRIES) locations.rows.push({ date, country, region: `${country}-01`, city: 2950159, ...sessionCounts(r) });
    for (const device of DEVICES) devices.rows.push({ date, device, ...sessionCounts(r) });
    for (const [browser, browser_version] of BROWSERS) browsers.rows.push({ date, browser, browser_version, ...sessionCounts(r) });
    for (const [operating_system, operating_system_version] of OSES)
      oses.rows.push({ date, operating_system, operating_system_version, ...sessionCounts(r) });
  }
  const tables = [visitors, sources, pages, entry, exit, custom, locations, devices, browsers, oses];
  if (cur) for (const table of tables) table.header.push('some_future_column');
  const stamp = `${dayList[0]!.replaceAll('-', '')}_${dayList[dayList.length - 1]!.replaceAll('-', '')}`;
  const files: Record<string, Uint8Array> = { 'README.txt': strToU8('not a table') };
  for (const table of tables) files[`${cur ? 'imported_' : ''}${table.name}_${stamp}.csv`] = strToU8(toCsv(table));
  return { tables, zip: zipSync(files), days: dayList };
}

function toCsv(table: Table): string {
  const cell = (v: string | number | undefined) => {
    const s = v === undefined ? '7' : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[table.header.join(','), ...table.rows.map((row) => table.header.map((h) => cell(row[h])).join(','))].join('\r\n')}\r\n`;
}

// --- the expected numbers ---------------------------------------------------------------------------

const zero = (): Counts => ({ visitors: 0, pageviews: 0, visits: 0, bounces: 0, visit_duration: 0, events: 0 });
const n = (v: unknown) => Number(v ?? 0);

/** Day totals from imported_visitors, events = page views + custom events. */
export function expectedTotals(exp: PlausibleExport, days: Set<string>): Counts {
  const out = zero();
  for (const row of exp.tables[0]!.rows) {
    if (!days.has(String(row.date))) continue;
    out.visitors += n(row.visitors);
    out.pageviews += n(row.pageviews);
    out.visits += n(row.visits);
    out.bounces += n(row.bounces);
    out.visit_duration += n(row.visit_duration);
    out.events += n(row.pageviews);
  }
  for (const row of exp.tables.find((t) => t.name === 'custom_events')!.rows) if (days.has(String(row.date))) out.events += n(row.events);
  return out;
}

/** A breakdown's expected rows by value: which table and columns each dimension is read from. */
export function expectedBreakdown(exp: PlausibleExport, dimension: string, days: Set<string>): Map<string, Counts> {
  const spec: Record<string, [string, (row: Record<string, string | number>) => string, Partial<Record<keyof Counts, string>>]> = {
    source: ['sources', (r) => String(r.source), {}],
    medium: ['sources', (r) => String(r.utm_medium), {}],
    page: ['pages', (r) => String(r.page), { visits: 'visits' }],
    entry_page: ['entry_pages', (r) => String(r.entry_page), { visits: 'entrances' }],
    exit_page: ['exit_pages', (r) => String(r.exit_page), { visits: 'exits' }],
    event_name: ['custom_events', (r) => String(r.name), {}],
    country: ['locations', (r) => String(r.country), {}],
    device: ['devices', (r) => (String(r.device).toLowerCase() === 'laptop' ? 'desktop' : String(r.device).toLowerCase()), {}],
    browser: ['browsers', (r) => String(r.browser), {}],
    os: ['operating_systems', (r) => String(r.operating_system), {}],
  };
  const [tableName, readValue, rename] = spec[dimension]!;
  const table = exp.tables.find((t) => t.name === tableName)!;
  const has = (c: string) => table.header.includes(c);
  const out = new Map<string, Counts>();
  for (const row of table.rows) {
    if (!days.has(String(row.date))) continue;
    const key = readValue(row);
    const acc = out.get(key) ?? zero();
    for (const k of ['visitors', 'pageviews', 'visits', 'bounces', 'visit_duration', 'events'] as const) {
      const col = rename[k] ?? k;
      if (has(col)) acc[k] += n(row[col]);
    }
    out.set(key, acc);
  }
  if (dimension === 'event_name') {
    // Page views are counted as the event page_view.
    const pv = zero();
    for (const row of exp.tables[0]!.rows) {
      if (!days.has(String(row.date))) continue;
      pv.visitors += n(row.visitors);
      pv.events += n(row.pageviews);
      pv.pageviews += n(row.pageviews);
    }
    if (pv.events) out.set('page_view', pv);
  }
  return out;
}

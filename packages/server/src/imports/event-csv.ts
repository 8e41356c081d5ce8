import { columnReader, decodeUtf8, parseCsv, type CsvTable } from './csv';

/**
 * Events of one import are held in memory as canonical events before they are written: at most this
 * many rows per file (split a larger export into several files).
 */
export const MAX_EVENT_ROWS = 500_000;
import { ImportError } from './errors';
import type { ImportedEventRow } from './events';
import { baseName, readZip, type ZipLimits } from './zip';

export interface ParsedEvents {
  rows: ImportedEventRow[];
  /** Rows left out, with the first reason (e.g. no valid timestamp). */
  skipped: number;
  firstProblem: string | null;
}

/** Seconds, milliseconds or an ISO 8601 / "YYYY-MM-DD HH:MM:SS" (UTC when no offset) time; NaN when none. */
export function parseTime(v: string): number {
  const s = v.trim();
  if (/^\d{9,10}(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (/^\d{12,13}$/.test(s)) return Number(s);
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return Number.NaN;
  return Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
}

// Events more than a day ahead of the import, or before 2000, are not real traffic.
const plausibleTime = (ts: number, now: number) => Number.isFinite(ts) && ts >= Date.UTC(2000, 0, 1) && ts <= now + 86_400_000;

/**
 * A generic events CSV: one row per event, columns by name (case-insensitive; unknown ones ignored):
 * `timestamp` (or `time`, `created_at`), `name` (or `event`; empty = page_view), `url`, `title`,
 * `referrer`, `utm_source|medium|campaign|term|content`, `country` (ISO alpha-2), `device`, `browser`,
 * `os`, `language`, `visitor_id`, `session_id`, and `prop_<key>` columns as custom properties.
 */
export function parseEventCsv(table: CsvTable, what: string, now: number): ParsedEvents {
  const get = columnReader(table.header);
  if (!['timestamp', 'time', 'created_at', 'ts'].some((c) => table.header.includes(c)))
    throw new ImportError('bad_csv', `${what}: no timestamp column (timestamp, time, created_at or ts)`);
  const out: ParsedEvents = { rows: [], skipped: 0, firstProblem: null };
  const propColumns = table.header.flatMap(
    (h, i): Array<[number, string]> => (h.startsWith('prop_') && h.length > 5 ? [[i, h.slice(5)]] : []),
  );
  table.rows.forEach((row, i) => {
    const ts = parseTime(get(row, 'timestamp', 'time', 'created_at', 'ts'));
    if (!plausibleTime(ts, now)) {
      out.skipped++;
      out.firstProblem ??= `${what} line ${i + 2}: no valid timestamp`;
      return;
    }
    out.rows.push({
      ts,
      name: get(row, 'name', 'event', 'event_name'),
      url: get(row, 'url', 'page_url', 'page'),
      title: get(row, 'title', 'page_title'),
      referrer: get(row, 'referrer', 'referer'),
      utm_source: get(row, 'utm_source'),
      utm_medium: get(row, 'utm_medium'),
      utm_campaign: get(row, 'utm_campaign'),
      utm_term: get(row, 'utm_term'),
      utm_content: get(row, 'utm_content'),
      country: get(row, 'country'),
      device: get(row, 'device', 'device_type'),
      browser: get(row, 'browser'),
      os: get(row, 'os', 'operating_system'),
      language: get(row, 'language'),
      visitor: get(row, 'visitor_id', 'visitor', 'user_id'),
      session: get(row, 'session_id', 'session'),
      ...(propColumns.length ? { props: propsOf(row, propColumns) } : {}),
    });
  });
  return out;
}

function propsOf(row: string[], columns: Array<[number, string]>): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [i, key] of columns) {
    const v = (row[i] ?? '').trim();
    if (v !== '') props[key] = v;
  }
  return props;
}

export function parseEventCsvFile(bytes: Uint8Array, name: string, now: number): ParsedEvents {
  const what = baseName(name).slice(0, 120) || 'events.csv';
  return parseEventCsv(parseCsv(decodeUtf8(bytes, what), what, MAX_EVENT_ROWS), what, now);
}

/** Umami's browser codes as the names our user-agent parser gives. */
const UMAMI_BROWSERS: Record<string, string> = {
  chrome: 'Chrome',
  crios: 'Chrome',
  firefox: 'Firefox',
  fxios: 'Firefox',
  safari: 'Safari',
  ios: 'Mobile Safari',
  'ios-webview': 'Mobile Safari',
  edge: 'Edge',
  'edge-chromium': 'Edge',
  'edge-ios': 'Edge',
  opera: 'Opera',
  samsung: 'Samsung Internet',
  yandexbrowser: 'Yandex',
  'chromium-webview': 'Chrome WebView',
  facebook: 'Facebook',
  instagram: 'Instagram',
};

/**
 * Umami's data export: a zip with `website_event.csv` (one row per page view or custom event; the
 * columns of its `website_event` table: session_id, visit_id, hostname, browser, os, device, language,
 * country, url_path, url_query, referrer_domain, referrer_path, page_title, event_type (1 page view,
 * 2 custom event), event_name, created_at, and utm_* in later versions). A bare website_event CSV is
 * read the same way. Umami's session is per device, its visit per visit: visitor = session_id,
 * session = visit_id.
 */
export async function parseUmamiExport(bytes: Uint8Array, name: string, now: number, limits?: ZipLimits): Promise<ParsedEvents> {
  let text: string;
  let eventData = new Map<string, Record<string, string>>();
  let what = baseName(name).slice(0, 120) || 'website_event.csv';
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const files = await readZip(bytes, (n) => /(^|\/)(website_event|event_data)[^/]*\.csv$/i.test(n), limits);
    const entry = [...files.entries()].find(([n]) => /website_event[^/]*$/i.test(n));
    if (!entry) throw new ImportError('not_umami', 'not an Umami export: the zip has no website_event CSV file');
    what = baseName(entry[0]).slice(0, 120);
    text = decodeUtf8(entry[1], what);
    const data = [...files.entries()].find(([n]) => /event_data[^/]*$/i.test(n));
    if (data) eventData = umamiEventData(decodeUtf8(data[1], baseName(data[0]).slice(0, 120)), baseName(data[0]).slice(0, 120));
  } else text = decodeUtf8(bytes, what);
  const table = parseCsv(text, what, MAX_EVENT_ROWS);
  if (!table.header.includes('created_at') || !table.header.includes('url_path'))
    throw new ImportError('not_umami', `${what}: not Umami's website_event export (needs created_at and url_path columns)`);
  const get = columnReader(table.header);
  const out: ParsedEvents = { rows: [], skipped: 0, firstProblem: null };
  table.rows.forEach((row, i) => {
    const ts = parseTime(get(row, 'created_at'));
    if (!plausibleTime(ts, now)) {
      out.skipped++;
      out.firstProblem ??= `${what} line ${i + 2}: no valid created_at`;
      return;
    }
    const host = get(row, 'hostname');
    const query = get(row, 'url_query');
    const path = get(row, 'url_path') || '/';
    const refDomain = get(row, 'referrer_domain');
    const custom = get(row, 'event_type') === '2' && get(row, 'event_name') !== '';
    const browser = get(row, 'browser');
    out.rows.push({
      ts,
      name: custom ? get(row, 'event_name') : 'page_view',
      url: host ? `https://${host}${path}${query ? `?${query}` : ''}` : path,
      title: get(row, 'page_title'),
      referrer: refDomain ? `https://${refDomain}${get(row, 'referrer_path') || '/'}` : '',
      utm_source: get(row, 'utm_source'),
      utm_medium: get(row, 'utm_medium'),
      utm_campaign: get(row, 'utm_campaign'),
      utm_term: get(row, 'utm_term'),
      utm_content: get(row, 'utm_content'),
      country: get(row, 'country'),
      device: get(row, 'device'),
      browser: UMAMI_BROWSERS[browser.toLowerCase()] ?? browser,
      os: get(row, 'os'),
      language: get(row, 'language'),
      visitor: get(row, 'session_id'),
      session: get(row, 'visit_id'),
      ...(eventData.has(get(row, 'event_id')) ? { props: eventData.get(get(row, 'event_id')) } : {}),
    });
  });
  return out;
}

/** Umami's event_data.csv: one row per property of a custom event (event_id, data_key or event_key, string/number/date value). */
function umamiEventData(text: string, what: string): Map<string, Record<string, string>> {
  const table = parseCsv(text, what, MAX_EVENT_ROWS * 4);
  const get = columnReader(table.header);
  const out = new Map<string, Record<string, string>>();
  for (const row of table.rows) {
    const id = get(row, 'event_id');
    const key = get(row, 'data_key', 'event_key');
    if (!id || !key) continue;
    const value = get(row, 'string_value') || get(row, 'number_value') || get(row, 'date_value');
    const props = out.get(id) ?? {};
    props[key] = value;
    out.set(id, props);
  }
  return out;
}

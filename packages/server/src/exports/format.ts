import { stringify } from 'csv-stringify/sync';
import { XMLBuilder } from 'fast-xml-parser';
import { z } from 'zod';
import { parseInput, type DashboardStats, type ResultRow } from '@tidemark/core';
import { breakdownValueKey } from '../stats';

/**
 * Stats answers as files (InsightHub PRD §4.7): `format=csv|json|xml` on the stats endpoints. JSON and
 * XML carry the whole answer; CSV carries its table — the breakdown rows when a dimension was asked
 * for (with a `dimension` column when several were), otherwise the timeseries.
 */

export const EXPORT_FORMATS = ['csv', 'json', 'xml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const formatSchema = z.object({ format: z.enum(EXPORT_FORMATS).optional() });

/** Splits `format` off the query (the stats parameters are strict and do not know it). */
export function splitFormat(query: unknown): { format: ExportFormat | undefined; params: Record<string, unknown> } {
  const q = query && typeof query === 'object' ? { ...(query as Record<string, unknown>) } : {};
  const { format } = parseInput(formatSchema, { format: q.format });
  delete q.format;
  return { format, params: q };
}

export interface Table {
  columns: string[];
  rows: ResultRow[];
}

const columnsOf = (rows: readonly ResultRow[], first: string[] = []): string[] => {
  const seen = new Set(first);
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
};

/**
 * The table of an answer. A breakdown without rows still has its columns (its value column and the metrics
 * asked for), so the file says what it would hold.
 */
export function statsTable(stats: Pick<DashboardStats, 'timeseries' | 'dimensions'> & { metrics?: DashboardStats['metrics'] }): Table {
  const dims = Object.entries(stats.dimensions ?? {});
  const metrics = Object.keys(stats.metrics ?? {});
  if (dims.length === 1) {
    const [key, rows] = dims[0]!;
    return { columns: rows.length ? columnsOf(rows) : [breakdownValueKey(key), ...metrics], rows };
  }
  if (dims.length > 1) {
    const rows = dims.flatMap(([dimension, rs]) => rs.map((r) => ({ dimension, ...r })));
    const values = [...new Set(dims.map(([key]) => breakdownValueKey(key)))];
    return { columns: rows.length ? columnsOf(rows, ['dimension']) : ['dimension', ...values, ...metrics], rows };
  }
  return { columns: columnsOf(stats.timeseries, ['date']), rows: stats.timeseries };
}

/**
 * A text cell a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a leading
 * apostrophe: tracked strings (paths, titles, sources) are visitor-controlled. Numbers stay numbers.
 */
export function safeCell(v: unknown): string | number {
  if (typeof v === 'number') return v;
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function tableCsv(t: Table): string {
  return stringify(
    t.rows.map((r) => t.columns.map((c) => safeCell(r[c]))),
    { header: true, columns: t.columns, bom: false },
  );
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** A row as XML children: the key as element name when it is one, else `<field name="…">`. */
const xmlRow = (r: ResultRow) => {
  const named: Record<string, unknown> = {};
  const fields: Array<Record<string, unknown>> = [];
  for (const [k, v] of Object.entries(r)) {
    if (NAME.test(k) && !k.toLowerCase().startsWith('xml') && k !== 'field') named[k] = v;
    else fields.push({ '@_name': k, '#text': v });
  }
  return fields.length ? { ...named, field: fields } : named;
};

export function statsXml(stats: DashboardStats): string {
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true, processEntities: true });
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    stats: {
      '@_site_id': stats.site_id,
      '@_timezone': stats.timezone,
      '@_start': stats.period.start,
      '@_end': stats.period.end,
      '@_interval': stats.interval,
      metrics: {
        metric: Object.entries(stats.metrics).map(([name, m]) => ({
          '@_name': name,
          '@_value': m.value,
          ...(m.change === null ? {} : { '@_change': m.change }),
        })),
      },
      timeseries: { row: stats.timeseries.map(xmlRow) },
      breakdowns: {
        breakdown: Object.entries(stats.dimensions ?? {}).map(([name, rows]) => ({ '@_dimension': name, row: rows.map(xmlRow) })),
      },
      annotations: {
        annotation: (stats.annotations ?? []).map((a) => ({
          '@_date': a.date,
          '@_bucket': a.bucket,
          '@_category': a.category,
          title: a.title,
          ...(a.description ? { description: a.description } : {}),
        })),
      },
    },
  };
  return builder.build(doc) as string;
}

export interface RenderedFile {
  contentType: string;
  body: string;
  filename: string;
}

export function renderStats(stats: DashboardStats, format: ExportFormat, name: string): RenderedFile {
  const base = `${name}-${stats.period.start}-${stats.period.end}`.replace(/[^A-Za-z0-9._-]/g, '_');
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: tableCsv(statsTable(stats)), filename: `${base}.csv` };
  if (format === 'xml') return { contentType: 'application/xml; charset=utf-8', body: statsXml(stats), filename: `${base}.xml` };
  return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(stats, null, 2), filename: `${base}.json` };
}

import { parse } from 'csv-parse/sync';
import { ImportError } from './errors';

export interface CsvTable {
  /** Header names, trimmed and lower-cased. */
  header: string[];
  rows: string[][];
}

export const MAX_CSV_ROWS = 2_000_000;

/**
 * Parses CSV text with a header line. Rows may have fewer or more fields than the header (extra ones are
 * ignored, missing ones read as ''); quoting as RFC 4180. Malformed text is an ImportError naming the line.
 */
export function parseCsv(text: string, what: string, maxRows = MAX_CSV_ROWS): CsvTable {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, to: maxRows + 1 }) as string[][];
  } catch (err) {
    throw new ImportError('bad_csv', `${what}: ${err instanceof Error ? err.message.slice(0, 200) : 'cannot be parsed'}`);
  }
  const [head, ...rows] = records;
  if (!head) throw new ImportError('bad_csv', `${what}: empty (no header line)`);
  if (rows.length > maxRows) throw new ImportError('too_many_rows', `${what}: more than ${maxRows} rows`);
  return { header: head.map((h) => h.trim().toLowerCase()), rows };
}

/** Reads columns by name: `get(row, 'visitors')` is '' when the export has no such column. */
export function columnReader(header: string[]): (row: string[], ...names: string[]) => string {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(h)) index.set(h, i);
  });
  return (row, ...names) => {
    for (const n of names) {
      const i = index.get(n);
      if (i !== undefined) return (row[i] ?? '').trim();
    }
    return '';
  };
}

export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError('bad_encoding', `${what}: not UTF-8 text`);
  }
}

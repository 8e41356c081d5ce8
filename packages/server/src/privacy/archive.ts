import { strToU8, zipSync } from 'fflate';
import { toCsv } from '../audit';

/** What an access request found, by kind of record. */
export type SubjectRecords = Record<string, Array<Record<string, unknown>>>;

const plain = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? Number(v) : v);

function columnsOf(rows: Array<Record<string, unknown>>): string[] {
  const cols = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) cols.add(k);
  return [...cols];
}

/**
 * The access archive (GDPR Art. 15/20): a zip with the request, and every kind of record as JSON and as
 * CSV (one row per record), so it can be read by a person and loaded by a program.
 */
export function buildArchive(request: Record<string, unknown>, records: SubjectRecords): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'request.json': strToU8(JSON.stringify(request, null, 2)),
    'README.txt': strToU8(
      'Every record this site holds about the data subject, as found when the request was processed.\n' +
        'Each kind of record is given twice: <kind>.json and <kind>.csv.\n' +
        `Kinds: ${Object.keys(records).join(', ') || 'none'}\n`,
    ),
  };
  for (const [kind, rows] of Object.entries(records)) {
    const clean = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
    files[`${kind}.json`] = strToU8(JSON.stringify(clean, null, 2));
    files[`${kind}.csv`] = strToU8(toCsv(columnsOf(clean), clean));
  }
  return zipSync(files, { level: 6 });
}

import crypto from 'node:crypto';

/**
 * Hash keys and hash diffs: lower-case hex MD5 of the parts joined by '|'. The same function exists in
 * both engines' SQL (DuckDB `md5(…)`, ClickHouse `lower(hex(MD5(…)))`), so keys computed by a load's
 * INSERT … SELECT and keys computed here agree, and an analyst can compute a key from a business key.
 */
export const hashKey = (...parts: Array<string | number>): string => crypto.createHash('md5').update(parts.join('|')).digest('hex');

/** Hash diff of a satellite row: its descriptive values in column order (null as ''). */
export const hashDiff = (values: unknown[]): string => hashKey(...values.map((v) => (v === null || v === undefined ? '' : String(v))));

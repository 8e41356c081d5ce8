/**
 * Repair of JSON text stored before ingest made every string well-formed (core text.ts): a lone
 * surrogate written by JSON.stringify as a `\udXXX` escape makes the whole text invalid to DuckDB's
 * JSON functions. Both engines rewrite it in SQL with RE2 (no lookaround), in three passes that tell
 * the escapes to keep from those to replace:
 * 1. every escaped backslash or surrogate pair becomes \x01 KEEP \x02 \x03, every lone surrogate
 *    escape \x01 \x02 LONE \x03 (JSON.stringify escapes control characters, so none occurs in the text);
 * 2. each marked lone escape becomes `\ufffd`;
 * 3. the markers go.
 * Each engine quotes the pattern and replacement texts as its literals and names its replace-all.
 */

const KEEP = String.raw`\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}`;
const LONE = String.raw`\\u[dD][89a-fA-F][0-9a-fA-F]{2}`;

/** RE2 pattern of the rows to repair: any surrogate escape (a row without one is left untouched). */
export const SURROGATE_ESCAPE_RE2 = String.raw`\\u[dD][89a-fA-F]`;

/** Builds `replace_all(expr, pattern, replacement)` in the engine's SQL; pattern and replacement are RE2 texts. */
export type ReplaceAllSql = (expr: string, pattern: string, replacement: string) => string;

/** An expression of `column` with each lone surrogate escape replaced by `\ufffd`. */
export function repairedJsonSql(column: string, replaceAll: ReplaceAllSql): string {
  const marked = replaceAll(column, `(${KEEP})|(${LONE})`, '\x01\\1\x02\\2\x03');
  const replaced = replaceAll(marked, '\x01\x02[^\x03]*\x03', '\\\\ufffd');
  return replaceAll(replaced, '[\x01\x02\x03]', '');
}

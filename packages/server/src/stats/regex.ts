import { RE2JS } from 're2js';
import { badRequest } from '@tidemark/core';

/**
 * "matches" patterns run on RE2 (DuckDB's regexp_matches, ClickHouse's match), whose syntax is not
 * JavaScript's: `\Z`, lookaround, back-references, `(?<name>…)`, repetitions over 1000 are valid in one
 * and refused by the other, and an engine refusing a pattern failed the whole report. Patterns are
 * parsed here by re2js, a port of RE2's own parser (the same rules, the same limits), before they
 * reach an engine. What re2js accepts and the engines' older RE2 builds refuse is refused on top:
 * `(?<name>…)` (only `(?P<name>…)` is understood there). A pattern too large for an engine's memory
 * budget is still refused by the engine; the HTTP layer answers that with a 400 too (http/errors.ts).
 */

export const MAX_REGEX_LENGTH = 200;

/** Patterns already judged; a query may repeat the same ones, and parsing a large one takes milliseconds. */
const judged = new Map<string, string | null>();
const MAX_JUDGED = 1000;

/** Why RE2 refuses `pattern`, or null when it accepts it. */
export function re2Problem(pattern: string): string | null {
  const hit = judged.get(pattern);
  if (hit !== undefined) return hit;
  const problem = judge(pattern);
  if (judged.size >= MAX_JUDGED) judged.clear();
  judged.set(pattern, problem);
  return problem;
}

function judge(pattern: string): string | null {
  if (/\(\?<(?![=!])/.test(pattern)) return 'named groups are written (?P<name>…)';
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (err) {
    // re2js messages quote the offending part of the pattern (the caller's own input, never stored data).
    return err instanceof Error ? err.message.slice(0, 200) : 'not a valid RE2 regular expression';
  }
}

/** Refuses, with a 400, a "matches" pattern RE2 would not run. */
export function checkRegex(pattern: string): void {
  if (pattern.length === 0 || pattern.length > MAX_REGEX_LENGTH)
    throw badRequest('invalid_filter', `filters: a "matches" pattern must be 1-${MAX_REGEX_LENGTH} characters`);
  const problem = re2Problem(pattern);
  if (problem)
    throw badRequest(
      'invalid_filter',
      `filters: "matches" pattern is not a valid RE2 regular expression (${problem}); see https://github.com/google/re2/wiki/Syntax`,
    );
}

import { badRequest } from '@tidemark/core';
import { checkRegex } from './regex';

/**
 * Page-path patterns of goals and funnel steps: an exact path, a path with `*` wildcards (`/blog/*`,
 * `/thank-you*`; `*` matches any run of characters, `/` included), or an RE2 regular expression. Both
 * engines' regex functions are RE2, so every form compiles to one anchored RE2 pattern and one SQL
 * leaf (`Dialect.regexMatch`); an exact path stays an equality, which the engines can prune on.
 */
export type PathPattern = { kind: 'exact'; path: string } | { kind: 'regex'; regex: string };

export const MAX_PATH_PATTERN_LENGTH = 500;

const RE2_SPECIAL = /[\\^$.|?*+()[\]{}]/g;

/** `/blog/*` → `^/blog/.*$`: every character but `*` matched literally. */
export function wildcardToRegex(pattern: string): string {
  return `^${pattern
    .split('*')
    .map((part) => part.replace(RE2_SPECIAL, '\\$&'))
    .join('.*')}$`;
}

/** Validates and compiles `path` (exact or wildcard) or `path_regex`; a 400 names `field` when it is bad. */
export function compilePathPattern(input: { path?: string; path_regex?: string }, field = 'match'): PathPattern {
  if ((input.path === undefined) === (input.path_regex === undefined))
    throw badRequest('invalid_pattern', `${field}: give exactly one of path or path_regex`);
  if (input.path !== undefined) {
    const path = input.path;
    if (path.length === 0 || path.length > MAX_PATH_PATTERN_LENGTH)
      throw badRequest('invalid_pattern', `${field}.path must be 1-${MAX_PATH_PATTERN_LENGTH} characters`);
    return path.includes('*') ? { kind: 'regex', regex: wildcardToRegex(path) } : { kind: 'exact', path };
  }
  const regex = input.path_regex as string;
  checkRegex(regex);
  return { kind: 'regex', regex };
}

/** The same test in TypeScript (previews, tests' independent computations use their own). */
export function pathMatches(p: PathPattern, path: string): boolean {
  return p.kind === 'exact' ? p.path === path : new RegExp(p.regex.replace(/\(\?P</g, '(?<')).test(path);
}

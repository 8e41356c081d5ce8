import type { FunnelStep } from '@tidemark/core';
import type { Dialect } from '../dialect';
import { compilePathPattern, type PathPattern } from '../path-pattern';
import { and, bindString, ident, sql, type Sql } from '../sql';

/** A step's pattern, validated: RE2 syntax of path_regex, wildcards of url_pattern (400 naming the step). */
export function stepPattern(step: FunnelStep, index: number): PathPattern | null {
  if (step.type !== 'pageview') return null;
  return compilePathPattern({ path: step.match.url_pattern, path_regex: step.match.path_regex }, `steps[${index}].match`);
}

/** Throws a coded 400 when a step's pattern is not valid (called before a funnel is stored). */
export function checkSteps(steps: FunnelStep[]): void {
  steps.forEach((s, i) => {
    stepPattern(s, i);
  });
}

/** Whether an event row is step `index`: a page view on the pattern, or the named event with the properties. */
export function stepPredicate(d: Dialect, step: FunnelStep, index: number): Sql {
  const pattern = stepPattern(step, index);
  if (pattern) {
    const path = ident('path');
    const wildcard = step.match.url_pattern;
    // A wildcard without LIKE's own special characters is a LIKE pattern, the same on both engines and
    // much cheaper than a regex over every page view (a trailing * is a prefix test).
    const asLike = wildcard?.includes('*') && !/[%_\\]/.test(wildcard) ? wildcard.replaceAll('*', '%') : null;
    const onPath =
      pattern.kind === 'exact'
        ? sql`${path} = ${bindString(pattern.path)}`
        : asLike !== null
          ? sql`${path} LIKE ${bindString(asLike)}`
          : d.regexMatch(path, bindString(pattern.regex));
    return and([sql`name = 'page_view'`, onPath]);
  }
  const props = Object.entries(step.match.event_properties ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return and([
    sql`name = ${bindString(step.match.event_name ?? '')}`,
    ...props.map(([key, value]) => sql`${d.propertyValue(ident('props'), key)} = ${bindString(value)}`),
  ]);
}

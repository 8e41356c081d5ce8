import type { AudienceDefinition, FilterNode } from '@tidemark/core';
import { checkRegex, parseFilterParam } from '../stats';

/**
 * The definition's filters through the stats endpoint's own checks (nesting, size, RE2's rules for
 * patterns): a definition is refused when saved (400) rather than failing its passes later.
 */
export function checkedFilters(def: AudienceDefinition): FilterNode[] {
  if (!def.filters.length) return [];
  const trees = parseFilterParam(JSON.stringify(def.filters));
  const walk = (n: FilterNode): void => {
    if (n[0] === 'and' || n[0] === 'or' || n[0] === 'not') for (const c of n.slice(1) as FilterNode[]) walk(c);
    else if (n[0] === 'matches') for (const v of n[2] as string[]) checkRegex(v);
  };
  for (const t of trees) walk(t);
  return trees;
}

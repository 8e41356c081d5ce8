import type { AudienceDefinition, FilterNode } from '@tidemark/core';
import { parseFilterParam } from '../stats';

/**
 * The definition's filters through the stats endpoint's own checks (nesting, size, regexes): a
 * definition is refused when saved (400) rather than failing its passes later.
 */
export function checkedFilters(def: AudienceDefinition): FilterNode[] {
  return def.filters.length ? parseFilterParam(JSON.stringify(def.filters)) : [];
}

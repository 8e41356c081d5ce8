import type { AudienceDefinition, AudiencePredicate } from '@tidemark/core';
import type { Filter } from './view-state';

/** The Audiences page's view state in the URL: the open audience (`?a=<id>`) and its members' page (`mp`). */
export interface AudiencesView {
  selected: string | null;
  page: number;
  /** The open audience's editor is shown (`edit=1`). */
  editing: boolean;
}

export const MEMBERS_PAGE_SIZE = 25;

export function parseAudiencesView(search: string): AudiencesView {
  const q = new URLSearchParams(search);
  const a = q.get('a');
  const page = Number(q.get('mp') ?? '0');
  const selected = a && a.length <= 64 ? a : null;
  return { selected, page: Number.isInteger(page) && page >= 0 && page < 100_000 ? page : 0, editing: !!selected && q.get('edit') === '1' };
}

export function serializeAudiencesView(v: AudiencesView): string {
  const q = new URLSearchParams();
  if (v.selected) q.set('a', v.selected);
  if (v.page) q.set('mp', String(v.page));
  if (v.selected && v.editing) q.set('edit', '1');
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The overview's filter chips as the definition's stats filters. */
export function definitionFilters(filters: Filter[]): AudienceDefinition['filters'] {
  return filters.map((f) => [f.op, f.dimension, f.values] as AudienceDefinition['filters'][number]);
}

const isChip = (f: AudienceDefinition['filters'][number]) =>
  (f[0] === 'is' || f[0] === 'is_not') && typeof f[1] === 'string' && Array.isArray(f[2]);

/** A definition's filters back as chips (leaves with is / is_not; anything else is not shown as a chip). */
export function chipsOf(filters: AudienceDefinition['filters']): Filter[] {
  return filters.filter(isChip).map((f) => ({ op: f[0] as Filter['op'], dimension: f[1] as string, values: f[2] as string[] }));
}

/** The chips, and the filters they cannot show (kept as they are when an audience is edited). */
export function splitFilters(filters: AudienceDefinition['filters']): { chips: Filter[]; kept: AudienceDefinition['filters'] } {
  return { chips: chipsOf(filters), kept: filters.filter((f) => !isChip(f)) };
}

/** One line per predicate, as people read them. */
export function describePredicate(p: AudiencePredicate): string {
  switch (p.type) {
    case 'score':
      return `lead score ${p.op === 'gte' ? '≥' : '≤'} ${p.value}`;
    case 'identified':
      return p.value ? 'identified' : 'anonymous';
    case 'trait':
      return `trait ${p.key} = ${p.value}`;
    case 'last_seen_within':
      return `seen in the last ${p.days} days`;
    case 'revenue':
      return `revenue ${p.op === 'gte' ? '≥' : '≤'} ${p.value}`;
    case 'segment':
      return `segment ${p.value}`;
    default:
      return '';
  }
}

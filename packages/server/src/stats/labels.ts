import { EVENT_COLUMNS, type FilterNode } from '@tidemark/core';
import type { Dialect } from './dialect';
import { bindString, ident, join, sql, type Sql } from './sql';

/**
 * The person labels dimensions (`segment`, `score`): columns the statement's event rows carry, joined from
 * the `person_labels` side table (segments/labels.ts) on (site, visitor id). A visitor id the labels job has
 * not labelled yet has '' for both. Event-level, so no rollup serves them (optimize.ts: raw events only).
 */
export const LABEL_DIMENSIONS = ['segment', 'score'] as const;
export const LABEL_COLUMNS = { segment: 'lb_segment', score: 'lb_score' } as const;

/** Whether dimensions or filter trees name a label dimension. */
export function labelsUsed(dimensions: readonly string[], filters: readonly FilterNode[]): boolean {
  const isLabel = (name: string) => (LABEL_DIMENSIONS as readonly string[]).includes(name);
  const visit = (n: FilterNode): boolean =>
    n[0] === 'and' || n[0] === 'or' || n[0] === 'not' ? (n.slice(1) as FilterNode[]).some(visit) : isLabel(n[1]);
  return dimensions.some(isLabel) || filters.some(visit);
}

/** A score's bucket (core scoreBucketOf) in SQL: '0-19' … '80-100'. */
const bucket = (score: Sql) =>
  sql`CASE WHEN ${score} >= 80 THEN '80-100' WHEN ${score} >= 60 THEN '60-79' WHEN ${score} >= 40 THEN '40-59' WHEN ${score} >= 20 THEN '20-39' ELSE '0-19' END`;

/**
 * Events of `where` (a FROM-clause subquery, no alias) with every event column plus `lb_segment` and
 * `lb_score` of their visitor id.
 */
export function labelledEvents(d: Dialect, siteId: string, where: Sql): Sql {
  const cols = EVENT_COLUMNS.map((c) => c.name);
  const labels = sql`SELECT visitor_id, segment_id AS lbs, ${bucket(ident('score'))} AS lbb FROM person_labels WHERE site_id = ${bindString(siteId)}`;
  // ClickHouse (18.16 too) needs the join's strictness said; a visitor id has one row on the right (FINAL).
  const kind = d.name === 'duckdb' ? sql`LEFT JOIN` : sql`ANY LEFT JOIN`;
  const rows = sql`SELECT ${join(cols.map((c) => ident(c)))} FROM events WHERE ${where}`;
  return sql`(SELECT ${join(cols.map((c) => ident(c)))}, coalesce(lbs, '') AS lb_segment, coalesce(lbb, '') AS lb_score
    FROM (${rows}) AS le ${kind} (${labels}) AS ll USING (visitor_id))`;
}

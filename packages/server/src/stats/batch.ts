import type { Dialect } from './dialect';
import { Compiler, type SharedSessionNeeds } from './compile';
import type { Plan } from './optimize';
import { AGG_ORDER, AGGREGATES, dimensionDef } from './registry';
import { bindInt, empty, ident, join, keyword, render, sql, type CompiledSql, type Sql } from './sql';

/**
 * Several queries over one session subquery, in one statement: the overview's KPIs and its
 * session-level breakdowns (sources, countries, entry pages, …) differ only in grouping, so the
 * session rows are built once (a CTE) instead of once per card. Only for dialects with CTEs, and only
 * for plans read entirely from session rows with the same site, period and filters, and one row
 * source (optimize.ts withSharedSource makes it so).
 */

const MAX_DIMS = 3;

function signature(p: Plan): string {
  return JSON.stringify([p.siteId, p.range.startMs, p.range.endMs, p.lookaroundMs, p.eventFilters, p.sessionFilters, p.people]);
}

/** Plans that can share one session subquery (in one statement) with `anchor`. */
export function canShareSessionRows(p: Plan, anchor: Plan, dialect: Dialect): boolean {
  if (!dialect.supportsCte || p.interval !== null) return false;
  // Page-view and returning-visitor aggregates need their own rows (page-views.ts, the visitor history).
  if (p.aggs.some((a) => AGGREGATES[a].rawOnly)) return false;
  // Revenue comes from its own part (compile-revenue.ts), which a batch of session rows does not have.
  if (p.aggs.some((a) => AGGREGATES[a].level === 'revenue')) return false;
  // Goal columns (goals.ts) are not part of the shared session rows.
  if (p.goalColumns.length || p.dimensions.includes('goal')) return false;
  const sessionRowsOnly = p.merged || (p.eventSource === null && p.sessionSource === 'sessions');
  return sessionRowsOnly && p.dimensions.every((d) => dimensionDef(d).level === 'session') && signature(p) === signature(anchor);
}

export interface CompiledBatch extends CompiledSql {
  plans: Plan[];
}

/** Output: qid, d_0..d_2, a_* (every aggregate), rn — rows of plan `qid` in its order, `rn` from 1. */
export function compileBatch(plans: Plan[], dialect: Dialect): CompiledBatch {
  if (!plans.length) throw new Error('compileBatch: no plans');
  if (plans.some((p) => p.source !== plans[0].source)) throw new Error('compileBatch: plans read different row sources');
  const needs: SharedSessionNeeds = {
    sessionDims: [...new Set(plans.flatMap((p) => new Compiler(p, dialect, p.range).sessionDims()))],
    eventCounts: plans.some((p) => p.eventSource === 'sessions'),
    matched: plans.some((p) => p.sessionSource === 'sessions' && p.eventFilters.length > 0),
  };
  const compilers = plans.map((p) => new Compiler(p, dialect, p.range, needs));
  const parts = compilers.map((c, i) => {
    const p = plans[i];
    const dims: Sql[] = [];
    for (let k = 0; k < MAX_DIMS; k++)
      dims.push(k < p.dimensions.length ? sql`${ident(`d_${k}`)} AS ${ident(`d_${k}`)}` : sql`'' AS ${ident(`d_${k}`)}`);
    const aggs = AGG_ORDER.map((a) => (p.aggs.includes(a) ? sql`${ident(`a_${a}`)} AS ${ident(`a_${a}`)}` : sql`0 AS ${ident(`a_${a}`)}`));
    const terms = c.orderTerms();
    const ranked = sql`SELECT ${keyword(String(i))} AS qid, ${join([...dims, ...aggs])}, row_number() OVER (ORDER BY ${join(terms)}) AS rn FROM (${c.withMarks(c.sessionRowsPart(p.merged))}) AS q`;
    return sql`SELECT * FROM (${ranked}) AS w WHERE rn > ${bindInt(p.offset)} AND rn <= ${bindInt(p.offset + p.limit)}`;
  });
  const marks = compilers[0].marksCte();
  const statement = sql`WITH ${marks.isEmpty ? empty : sql`${marks}, `}s AS (${compilers[0].sessionSubquery()}) SELECT * FROM (${join(parts, ' UNION ALL ')}) AS b ORDER BY qid, rn`;
  return { ...render(statement, dialect), plans };
}

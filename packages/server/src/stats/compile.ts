import type { Dimension, FilterLeaf, FilterNode } from '@tidemark/core';
import type { Dialect } from './dialect';
import { sourceFor, type Plan, type RowSource } from './optimize';
import type { DateRange } from './period';
import { marksFallbackFragments, marksFallbackVisitors, marksRows, partsEventRows, partsSessionSubquery } from './rollups';
import { completedAny, expandGoals, goalColumn, goalCompletion, goalIndexes } from './goals';
import { pageViewRows } from './page-views';
import { peopleEvents, returningPeople, traitEvents } from './people';
import { LABEL_COLUMNS, labelledEvents, labelsUsed } from './labels';
import { revenueRows } from './compile-revenue';
import {
  AGG_ORDER,
  AGGREGATES,
  FRUSTRATION_COUNTS,
  METRIC_DEFS,
  dimensionDef,
  isInteractive,
  propKey,
  traitKeysOf,
  type AggContext,
  type AggName,
} from './registry';
import { and, bindInt, bindString, empty, ident, join, keyword, or, render, sql, type CompiledSql, type Sql } from './sql';

/**
 * Stage 3 (compile): Plan × Dialect → {sql, params}. Column names come only from the registry and
 * from fixed aliases (d_0…, bucket, a_*, s_*, sd_*); every request value is bound.
 *
 * The session subquery `s` has one row per (session_id, visitor_id) over the period widened by the
 * plan's look-around, so sessions crossing the period's edges are seen whole:
 *   s_start, s_duration_ms, s_pageviews, s_interactive          the whole session
 *   s_ev_in, s_pv_in                                            its events inside the period matching the event filters
 *   s_matched                                                   its events (any time) matching the event filters
 *   sd_<dimension>                                              session-level dimension values
 *
 * The plan names the row source for each of its periods (optimize.ts, RowSource); this only renders
 * it. From fragments (rollups/session-parts.ts) `s` has the same columns, session_id / visitor_id
 * being 128-bit keys; with marks (rollups/session-marks.ts) everything is computed for the marks'
 * fallback visitors only and stacked on the cube's rows.
 */

export interface CompiledQuery extends CompiledSql {
  /** Output aliases: d_<i> for dimension i, `bucket` when there is an interval, a_<agg> for aggregates. */
  dimensions: Dimension[];
  hasBucket: boolean;
  aggs: AggName[];
}

const SESSION_KEYS = ['session_id', 'visitor_id'];
const dimAlias = (i: number) => ident(`d_${i}`);
const aggAlias = (a: AggName) => ident(`a_${a}`);
const sessionDimColumn = (name: string) => ident(`sd_${name}`);
const zero = keyword('0');

/** Renders the plan for its period, or for `range` = its comparison period. */
export function compile(plan: Plan, dialect: Dialect, range: DateRange = plan.range): CompiledQuery {
  const c = new Compiler(plan, dialect, range);
  return { ...render(c.statement(), dialect), dimensions: plan.dimensions, hasBucket: plan.interval !== null, aggs: plan.aggs };
}

/**
 * The sessions of the plan's look-around that match its filters (session-level filters hold, and an
 * event satisfies the event-level ones): session_id, visitor_id and `sd_<dimension>` for the plan's
 * session-level dimensions. Funnels (funnels/) choose their entrants with it.
 */
export function matchingSessions(plan: Plan, dialect: Dialect): Sql {
  const sessionDims = new Compiler(plan, dialect, plan.range).sessionDims();
  return new Compiler(plan, dialect, plan.range, {
    sessionDims,
    eventCounts: false,
    matched: plan.eventFilters.length > 0,
  }).matchingSessions();
}

/** What a session subquery shared by several plans must provide (see batch.ts). */
export interface SharedSessionNeeds {
  sessionDims: string[];
  eventCounts: boolean;
  matched: boolean;
}

export class Compiler {
  constructor(
    readonly plan: Plan,
    readonly d: Dialect,
    readonly range: DateRange,
    private readonly shared?: SharedSessionNeeds,
  ) {
    this.source = sourceFor(plan, range);
    if (this.source !== 'events' && d.name !== 'duckdb') throw new Error(`stats: the ${d.name} dialect cannot read ${this.source}`);
    this.parts = this.source !== 'events';
    this.marks = this.source === 'marks_hourly' || this.source === 'marks_daily';
  }

  /** The plan's choice for this range. */
  readonly source: RowSource;

  /** Visitors outside `t` are counted from marks; the rest of the statement reads only `t`'s fragments. */
  private readonly marks: boolean;

  /** The whole statement reads session fragments instead of events (rows source keyed on sk/vk, which only fragments carry). */
  private readonly parts: boolean;

  statement(): Sql {
    const { plan } = this;
    const parts: Sql[] = [];
    if (plan.merged) parts.push(this.sessionRowsPart(true));
    else {
      if (plan.eventSource === 'events') parts.push(this.eventsPart());
      if (plan.eventSource === 'join') parts.push(this.eventJoinPart());
      if (plan.sessionSource === 'sessions') parts.push(this.sessionRowsPart(false));
      if (plan.sessionSource === 'join') parts.push(this.sessionJoinPart());
    }
    // Time on page and scroll depth come from page-view rows (page-views.ts), always from events.
    if (plan.aggs.some((a) => AGGREGATES[a].level === 'page')) parts.push(this.pageViewsPart());
    // Web vitals from the period's page_performance events.
    if (plan.aggs.some((a) => AGGREGATES[a].level === 'vitals')) parts.push(this.vitalsPart());
    // Revenue from the credits of the period's payments (compile-revenue.ts).
    if (plan.aggs.some((a) => AGGREGATES[a].level === 'revenue')) parts.push(revenueRows(this));
    const keys = this.outputKeys();
    // Two halves are stacked and summed per key (each aggregate is computed by exactly one half).
    const rows =
      parts.length === 1
        ? parts[0]
        : sql`SELECT ${join([...keys, ...plan.aggs.map((a) => sql`sum(${aggAlias(a)}) AS ${aggAlias(a)}`)])} FROM (${join(parts, ' UNION ALL ')}) AS u${this.groupBy(keys)}`;
    const ctes = [this.marksCte(), plan.needsSessionSubquery && this.d.supportsCte ? sql`s AS (${this.sessionSubquery()})` : empty].filter(
      (c) => !c.isEmpty,
    );
    const withClause = ctes.length ? sql`WITH ${join(ctes)} ` : empty;
    // Ordering happens outside so it only ever sees the output columns.
    return sql`${withClause}SELECT * FROM (${this.withMarks(rows)}) AS q${this.orderAndLimit()}`;
  }

  /** The CTE of the visitors that marks do not serve (rollups/session-marks.ts), or nothing. */
  marksCte(): Sql {
    if (!this.marks) return empty;
    const q = { siteId: this.plan.siteId, range: this.range, lookaroundMs: this.plan.lookaroundMs, dimensions: this.plan.dimensions };
    return sql`t AS MATERIALIZED (${marksFallbackVisitors(this.d, q)}), tf AS MATERIALIZED (${marksFallbackFragments(this.d, q)})`;
  }

  /** `rows` (computed for `t`'s visitors only) plus everyone else's rows from marks, summed per key. */
  withMarks(rows: Sql): Sql {
    if (!this.marks) return rows;
    const { plan, d } = this;
    const fast = marksRows(d, {
      siteId: plan.siteId,
      range: this.range,
      lookaroundMs: plan.lookaroundMs,
      dimensions: plan.dimensions,
      bucket: plan.interval ? (col) => d.timeBucket(col, plan.interval!, plan.timezone, this.range) : null,
      aggs: plan.aggs,
      daily: this.source === 'marks_daily',
      timezone: plan.timezone,
    });
    const keys = this.outputKeys();
    const sums = plan.aggs.map((a) => sql`sum(${aggAlias(a)}) AS ${aggAlias(a)}`);
    return sql`SELECT ${join([...keys, ...sums])} FROM (${fast} UNION ALL SELECT * FROM (${rows}) AS r) AS m${this.groupBy(keys)}`;
  }

  /** Narrows stored fragments to `t` when marks count everyone else. */
  private fragmentVisitors(): Sql {
    return this.marks ? sql`vk IN (SELECT vk FROM t)` : empty;
  }

  // --- building blocks ----------------------------------------------------------------------------

  outputKeys(): Sql[] {
    const keys = this.plan.dimensions.map((_, i) => dimAlias(i));
    if (this.plan.interval) keys.push(ident('bucket'));
    return keys;
  }

  private between(column: Sql, startMs: number, endMs: number): Sql {
    return sql`${column} >= ${this.d.timestampFromMs(startMs)} AND ${column} < ${this.d.timestampFromMs(endMs)}`;
  }

  private inPeriod(column: Sql): Sql {
    return this.between(column, this.range.startMs, this.range.endMs);
  }

  private inLookaround(column: Sql): Sql {
    return this.between(column, this.range.startMs - this.plan.lookaroundMs, this.range.endMs + this.plan.lookaroundMs);
  }

  private site(): Sql {
    return sql`site_id = ${bindString(this.plan.siteId)}`;
  }

  eventDimExpr(dim: Dimension): Sql {
    const def = dimensionDef(dim);
    if (!def.event) throw new Error(`dimension ${dim} is not event-level`);
    return def.event(this.d, propKey(dim));
  }

  /** Event filters evaluated on event rows. */
  eventFilter(): Sql {
    return and(this.plan.eventFilters.map((f) => this.filter(f, (dim) => this.eventDimExpr(dim))));
  }

  /** Session filters evaluated on rows of `s`. */
  private sessionFilter(): Sql {
    return and(this.plan.sessionFilters.map((f) => this.filter(f, (dim) => sessionDimColumn(dim))));
  }

  filter(node: FilterNode, expr: (dim: Dimension) => Sql): Sql {
    switch (node[0]) {
      case 'and':
        return and((node.slice(1) as FilterNode[]).map((n) => this.filter(n, expr)));
      case 'or':
        return or((node.slice(1) as FilterNode[]).map((n) => this.filter(n, expr)));
      case 'not':
        return sql`NOT (${this.filter(node[1] as FilterNode, expr)})`;
      default:
        return this.leaf(node as FilterLeaf, expr);
    }
  }

  private leaf([op, dim, values]: FilterLeaf, expr: (dim: Dimension) => Sql): Sql {
    if (dim === 'goal') {
      // Sessions that completed (is) or did not complete (is_not) any of the goals; build.ts allows no other op.
      const done = completedAny(goalIndexes(this.plan.goals, values));
      return op === 'is' ? done : sql`NOT ${done}`;
    }
    const e = expr(dim);
    const isIn = () =>
      values.length === 1 ? sql`${e} = ${bindString(values[0])}` : sql`${e} IN (${join(values.map((v) => bindString(v)))})`;
    switch (op) {
      case 'is':
        return isIn();
      case 'is_not':
        return sql`NOT (${isIn()})`;
      case 'contains':
        return or(values.map((v) => this.d.containsInsensitive(e, bindString(v))));
      case 'matches':
        return or(values.map((v) => this.d.regexMatch(e, bindString(v))));
    }
  }

  private sessionRef(): Sql {
    const rows = this.d.supportsCte ? ident('s') : sql`(${this.sessionSubquery()})`;
    if (!this.plan.dimensions.includes('goal')) return this.d.supportsCte ? rows : sql`${rows} AS s`;
    // The goal dimension: one row per (session, completed goal); sessions without a goal drop out.
    const goals = this.plan.goals;
    const expanded = goals.length
      ? sql`SELECT *, ${expandGoals(this.d, goals)} AS ${sessionDimColumn('goal')} FROM ${rows} AS sg`
      : sql`SELECT *, '' AS ${sessionDimColumn('goal')} FROM ${rows} AS sg WHERE 1 = 0`;
    return sql`(${expanded}) AS s`;
  }

  /** Whether page-view rows need the session rows: session-level dimensions or filters (goals too). */
  private pageViewsNeedSessions(): boolean {
    return this.sessionDims().length > 0 || this.plan.sessionFilters.length > 0 || this.plan.dimensions.includes('goal');
  }

  /** Session-level dimensions needed anywhere: as dimensions or in session filters. */
  sessionDims(): string[] {
    if (this.shared) return this.shared.sessionDims;
    const names = new Set<string>();
    for (const dim of this.plan.dimensions) if (dimensionDef(dim).level === 'session') names.add(dim);
    const visit = (n: FilterNode): void => {
      if (n[0] === 'and' || n[0] === 'or' || n[0] === 'not') (n.slice(1) as FilterNode[]).forEach(visit);
      else names.add(n[1]);
    };
    this.plan.sessionFilters.forEach(visit);
    // Goals are columns of their own (g_<i>), not a value per session.
    return [...names].filter((n) => !dimensionDef(n).goal);
  }

  /**
   * The events table, or with unit=people the site's events of the look-around read as people
   * (people.ts: visitor_id holds the person), so every visitor-counting aggregate counts people.
   */
  events(): Sql {
    const traits = traitKeysOf(this.plan.dimensions, this.plan.eventFilters);
    const labels = labelsUsed(this.plan.dimensions, this.plan.eventFilters);
    if (!this.plan.people && !traits.length && !labels) return ident('events');
    const { startMs, endMs } = this.range;
    const window = and([
      this.site(),
      sql`ts >= ${this.d.timestampFromMs(startMs - this.plan.lookaroundMs)}`,
      sql`ts < ${this.d.timestampFromMs(endMs + this.plan.lookaroundMs)}`,
    ]);
    // segment and score dimensions and filters read the visitor id's person labels as columns (labels.ts),
    // joined before the person rule replaces visitor_id.
    const source = labels
      ? { from: sql`${labelledEvents(this.d, this.plan.siteId, window)} AS lev`, carry: Object.values(LABEL_COLUMNS) }
      : undefined;
    // trait:<key> dimensions and filters read the person's traits as columns of the event rows.
    if (traits.length) return sql`${traitEvents(this.d, this.plan.siteId, window, traits, this.plan.people, source)} AS events`;
    if (this.plan.people) return sql`${peopleEvents(this.d, window, source)} AS events`;
    return sql`${labelledEvents(this.d, this.plan.siteId, window)} AS events`;
  }

  /** Rows standing for the events in the period (or the look-around): events, or fragments. */
  private eventRows(window: 'period' | 'lookaround', where: Sql): Sql {
    if (!this.parts)
      return sql`${this.events()} WHERE ${and([this.site(), window === 'period' ? this.inPeriod(ident('ts')) : this.inLookaround(ident('ts')), where])}`;
    const around = window === 'period' ? 0 : this.plan.lookaroundMs;
    const page = this.plan.dimensions.includes('page');
    return sql`(${partsEventRows(this.d, this.plan.siteId, this.range.startMs - around, this.range.endMs + around, page, this.fragmentVisitors())}) AS e`;
  }

  /** The event-level aggregate `a` over event rows (or fragments). */
  private overEvents(a: AggName): Sql | null {
    const def = AGGREGATES[a];
    if (def.level !== 'event') return null;
    return this.parts ? def.overParts!(this.d) : def.overEvents!(this.d, this.aggContext());
  }

  /**
   * Returning visitors: the site has an event of theirs before the period (the events table itself:
   * events() may cut it to the look-around). With people (people.ts returningPeople): an event before the
   * period carried their user id, or one of their visitor ids has one.
   */
  private aggContext(): AggContext {
    const earlier = sql`ts < ${this.d.timestampFromMs(this.range.startMs)}`;
    const converted = completedAny(this.plan.conversionGoals);
    if (this.plan.people) {
      const window = and([this.site(), this.inLookaround(ident('ts'))]);
      return { seenBefore: returningPeople(this.d, window, and([this.site(), earlier])), converted };
    }
    const before = sql`SELECT visitor_id FROM events WHERE ${this.site()} AND ${earlier}`;
    return { seenBefore: sql`visitor_id IN (${before})`, converted };
  }

  /** Event time for buckets: `ts`, or a fragment's hour (same bucket when buckets are whole hours). */
  private eventTime(): Sql {
    return ident(this.parts ? 'hour' : 'ts');
  }

  sessionSubquery(): Sql {
    const { d, plan } = this;
    if (this.parts) {
      return partsSessionSubquery(d, {
        siteId: plan.siteId,
        range: this.range,
        lookaroundMs: plan.lookaroundMs,
        sessionDims: this.sessionDims(),
        eventCounts: this.shared ? this.shared.eventCounts : plan.eventSource === 'sessions',
        visitors: this.fragmentVisitors(),
      });
    }
    const ts = ident('ts');
    const eventFilter = this.eventFilter();
    const cols: Sql[] = [
      ident('session_id'),
      ident('visitor_id'),
      sql`min(ts) AS s_start`,
      sql`${d.timestampToMs(sql`max(ts)`)} - ${d.timestampToMs(sql`min(ts)`)} AS s_duration_ms`,
      sql`${d.countIf(sql`name = 'page_view'`)} AS s_pageviews`,
      sql`${d.countIf(isInteractive())} AS s_interactive`,
    ];
    if (this.shared ? this.shared.eventCounts : plan.eventSource === 'sessions') {
      cols.push(sql`${d.countIf(and([this.inPeriod(ts), eventFilter]))} AS s_ev_in`);
      cols.push(sql`${d.countIf(and([this.inPeriod(ts), eventFilter, sql`name = 'page_view'`]))} AS s_pv_in`);
      for (const [name, column] of FRUSTRATION_COUNTS)
        cols.push(sql`${d.countIf(and([this.inPeriod(ts), eventFilter, sql`name = ${bindString(name)}`]))} AS ${ident(column)}`);
    }
    if (this.shared ? this.shared.matched : plan.sessionSource === 'sessions' && plan.eventFilters.length)
      cols.push(sql`${d.countIf(eventFilter)} AS s_matched`);
    for (const name of this.sessionDims()) {
      const def = dimensionDef(name);
      if (!def.session) throw new Error(`dimension ${name} is not session-level`);
      cols.push(sql`${def.session(d)} AS ${sessionDimColumn(name)}`);
    }
    for (const i of plan.goalColumns) cols.push(sql`${goalCompletion(d, plan.goals[i])} AS ${goalColumn(i)}`);
    return sql`SELECT ${join(cols)} FROM ${this.events()} WHERE ${this.site()} AND ${this.inLookaround(ts)} GROUP BY session_id, visitor_id`;
  }

  /** See matchingSessions(). */
  matchingSessions(): Sql {
    const cols = [ident('session_id'), ident('visitor_id'), ...this.sessionDims().map((n) => sessionDimColumn(n))];
    const where = and([this.sessionFilter(), this.plan.eventFilters.length ? sql`s_matched > 0` : empty]);
    return sql`SELECT ${join(cols)} FROM (${this.sessionSubquery()}) AS s WHERE ${where}`;
  }

  /** Sessions that count for the session half: started in the period (and matched the event filters). */
  private sessionStarts(withMatched: boolean): Sql {
    const parts = [this.inPeriod(ident('s_start'))];
    if (withMatched && this.plan.eventFilters.length) parts.push(sql`s_matched > 0`);
    return and(parts);
  }

  private groupBy(keys: Sql[]): Sql {
    return keys.length ? sql` GROUP BY ${join(keys)}` : empty;
  }

  /** The aggregate columns of a part: the ones it computes, zeros for the other half's. */
  private aggColumns(compute: (a: AggName) => Sql | null): Sql[] {
    return this.plan.aggs.map((a) => sql`${compute(a) ?? zero} AS ${aggAlias(a)}`);
  }

  // --- parts ----------------------------------------------------------------------------------------

  /** Event half from a plain scan of events in the period. */
  private eventsPart(): Sql {
    const { d, plan } = this;
    const keys: Sql[] = [];
    const cols = plan.dimensions.map((dim, i) => {
      keys.push(dimAlias(i));
      return sql`${this.eventDimExpr(dim)} AS ${dimAlias(i)}`;
    });
    if (plan.interval) {
      cols.push(sql`${d.timeBucket(this.eventTime(), plan.interval, plan.timezone, this.range)} AS bucket`);
      keys.push(ident('bucket'));
    }
    cols.push(...this.aggColumns((a) => this.overEvents(a)));
    return sql`SELECT ${join(cols)} FROM ${this.eventRows('period', this.eventFilter())}${this.groupBy(keys)}`;
  }

  /** Event half over events joined with their session's attributes. */
  private eventJoinPart(): Sql {
    const { d, plan } = this;
    const left: Sql[] = [
      ident('session_id'),
      ident('visitor_id'),
      ...(this.parts ? [ident('events'), ident('pageviews')] : [ident('name')]),
    ];
    const right: Sql[] = [ident('session_id'), ident('visitor_id')];
    plan.dimensions.forEach((dim, i) => {
      if (dimensionDef(dim).level === 'event') left.push(sql`${this.eventDimExpr(dim)} AS ${dimAlias(i)}`);
      else right.push(sql`${sessionDimColumn(dim)} AS ${dimAlias(i)}`);
    });
    if (plan.interval) left.push(sql`${d.timeBucket(this.eventTime(), plan.interval, plan.timezone, this.range)} AS bucket`);
    const eventsSide = sql`SELECT ${join(left)} FROM ${this.eventRows('period', this.eventFilter())}`;
    const sessionsSide = sql`SELECT ${join(right)} FROM ${this.sessionRef()} WHERE ${this.sessionFilter()}`;
    const keys = this.outputKeys();
    const cols = [...keys, ...this.aggColumns((a) => this.overEvents(a))];
    return sql`SELECT ${join(cols)} FROM ${d.joinUsing(eventsSide, sessionsSide, SESSION_KEYS)}${this.groupBy(keys)}`;
  }

  /**
   * Rows of `s`. Session half: sessions that start in the period. When `merged`, the event half is
   * computed in the same pass from the per-session in-period counts.
   */
  sessionRowsPart(merged: boolean): Sql {
    const { d, plan } = this;
    const keys: Sql[] = [];
    const cols = plan.dimensions.map((dim, i) => {
      keys.push(dimAlias(i));
      return sql`${sessionDimColumn(dim)} AS ${dimAlias(i)}`;
    });
    if (plan.interval) {
      cols.push(sql`${d.timeBucket(ident('s_start'), plan.interval, plan.timezone, this.range)} AS bucket`);
      keys.push(ident('bucket'));
    }
    const starts = this.sessionStarts(true);
    const hasSessionHalf = plan.sessionSource !== null;
    let where: Sql;
    let sessionCond: Sql;
    if (!merged) {
      where = and([starts, this.sessionFilter()]);
      sessionCond = keyword('TRUE');
    } else {
      const rows = hasSessionHalf ? or([sql`s_ev_in > 0`, starts]) : sql`s_ev_in > 0`;
      where = and([rows, this.sessionFilter()]);
      sessionCond = starts;
    }
    cols.push(
      ...this.aggColumns((a) => {
        const def = AGGREGATES[a];
        if (def.level === 'session') return def.overSessions!(d, sessionCond, this.aggContext());
        return merged && def.level === 'event' ? def.overSessions!(d, keyword('TRUE'), this.aggContext()) : null;
      }),
    );
    return sql`SELECT ${join(cols)} FROM ${this.sessionRef()} WHERE ${where}${this.groupBy(keys)}`;
  }

  /** Session half broken down by event-level dimensions: sessions × the distinct values their events carry. */
  private sessionJoinPart(): Sql {
    const { d, plan } = this;
    const left: Sql[] = [ident('session_id'), ident('visitor_id')];
    const right: Sql[] = [ident('session_id'), ident('visitor_id'), ident('s_pageviews'), ident('s_interactive'), ident('s_duration_ms')];
    for (const i of plan.goalColumns) right.push(goalColumn(i));
    plan.dimensions.forEach((dim, i) => {
      if (dimensionDef(dim).level === 'event') left.push(sql`${this.eventDimExpr(dim)} AS ${dimAlias(i)}`);
      else right.push(sql`${sessionDimColumn(dim)} AS ${dimAlias(i)}`);
    });
    if (plan.interval) right.push(sql`${d.timeBucket(ident('s_start'), plan.interval, plan.timezone, this.range)} AS bucket`);
    const eventsSide = sql`SELECT DISTINCT ${join(left)} FROM ${this.eventRows('lookaround', this.eventFilter())}`;
    const sessionsSide = sql`SELECT ${join(right)} FROM ${this.sessionRef()} WHERE ${and([this.sessionStarts(false), this.sessionFilter()])}`;
    const keys = this.outputKeys();
    const cols = [
      ...keys,
      ...this.aggColumns((a) =>
        AGGREGATES[a].level === 'session' ? AGGREGATES[a].overSessions!(d, keyword('TRUE'), this.aggContext()) : null,
      ),
    ];
    return sql`SELECT ${join(cols)} FROM ${d.joinUsing(eventsSide, sessionsSide, SESSION_KEYS)}${this.groupBy(keys)}`;
  }

  /** Page-view half (time on page, scroll depth): page views in the period matching the filters. */
  private pageViewsPart(): Sql {
    const { d, plan } = this;
    const source = pageViewRows(d, sql`${this.events()} WHERE ${and([this.site(), this.inLookaround(ident('ts'))])}`);
    const rows = sql`(${source}) AS pv WHERE ${and([this.inPeriod(ident('ts')), this.eventFilter()])}`;
    const keys = this.outputKeys();
    const aggs = this.aggColumns((a) => AGGREGATES[a].overPageViews?.(d) ?? null);
    const own: Sql[] = [];
    const fromSession: Sql[] = [];
    plan.dimensions.forEach((dim, i) => {
      if (dimensionDef(dim).level === 'event') own.push(sql`${this.eventDimExpr(dim)} AS ${dimAlias(i)}`);
      else fromSession.push(sql`${sessionDimColumn(dim)} AS ${dimAlias(i)}`);
    });
    if (plan.interval) own.push(sql`${d.timeBucket(ident('ts'), plan.interval, plan.timezone, this.range)} AS bucket`);
    if (!this.pageViewsNeedSessions()) return sql`SELECT ${join([...own, ...aggs])} FROM ${rows}${this.groupBy(keys)}`;
    const pageSide = sql`SELECT ${join([...SESSION_KEYS.map((k) => ident(k)), ident('pv_ms'), ident('pv_scroll'), ...own])} FROM ${rows}`;
    const sessionsSide = sql`SELECT ${join([...SESSION_KEYS.map((k) => ident(k)), ...fromSession])} FROM ${this.sessionRef()} WHERE ${this.sessionFilter()}`;
    return sql`SELECT ${join([...keys, ...aggs])} FROM ${d.joinUsing(pageSide, sessionsSide, SESSION_KEYS)}${this.groupBy(keys)}`;
  }

  /** Web vitals half: quantiles over the page_performance events in the period matching the filters. */
  private vitalsPart(): Sql {
    const { d, plan } = this;
    const rows = this.eventRows('period', and([sql`name = 'page_performance'`, this.eventFilter()]));
    const keys = this.outputKeys();
    const aggs = this.aggColumns((a) => AGGREGATES[a].overVitals?.(d) ?? null);
    const own: Sql[] = [];
    const fromSession: Sql[] = [];
    plan.dimensions.forEach((dim, i) => {
      if (dimensionDef(dim).level === 'event') own.push(sql`${this.eventDimExpr(dim)} AS ${dimAlias(i)}`);
      else fromSession.push(sql`${sessionDimColumn(dim)} AS ${dimAlias(i)}`);
    });
    if (plan.interval) own.push(sql`${d.timeBucket(ident('ts'), plan.interval, plan.timezone, this.range)} AS bucket`);
    if (!this.pageViewsNeedSessions()) return sql`SELECT ${join([...own, ...aggs])} FROM ${rows}${this.groupBy(keys)}`;
    const vitalsSide = sql`SELECT ${join([...SESSION_KEYS.map((k) => ident(k)), ident('props'), ...own])} FROM ${rows}`;
    const sessionsSide = sql`SELECT ${join([...SESSION_KEYS.map((k) => ident(k)), ...fromSession])} FROM ${this.sessionRef()} WHERE ${this.sessionFilter()}`;
    return sql`SELECT ${join([...keys, ...aggs])} FROM ${d.joinUsing(vitalsSide, sessionsSide, SESSION_KEYS)}${this.groupBy(keys)}`;
  }

  /** ORDER BY terms over the output columns (d_i, bucket, a_*). */
  orderTerms(): Sql[] {
    const { plan } = this;
    return plan.order.map((t) => {
      const dir = keyword(t.dir === 'asc' ? 'ASC' : 'DESC');
      if (t.kind === 'date') return sql`bucket ${dir}`;
      if (t.kind === 'dimension') return sql`${dimAlias(plan.dimensions.indexOf(t.name as Dimension))} ${dir}`;
      // The rate's denominator is not in this statement (run.ts joins it): rows sharing it order alike.
      if (t.name === 'conversion_rate' && plan.ratePlan) return sql`coalesce(${aggAlias('converting_visitors')}, 0) ${dir}`;
      return sql`coalesce(${METRIC_DEFS[t.name as keyof typeof METRIC_DEFS].order()}, 0) ${dir}`;
    });
  }

  private orderAndLimit(): Sql {
    const { plan } = this;
    const terms = this.orderTerms();
    const orderBy = terms.length ? sql` ORDER BY ${join(terms)}` : empty;
    if (plan.zeroFill) return orderBy;
    return sql`${orderBy} LIMIT ${bindInt(plan.limit)} OFFSET ${bindInt(plan.offset)}`;
  }
}

export { AGG_ORDER };

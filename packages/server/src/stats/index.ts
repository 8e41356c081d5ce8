export type { Dialect, Interval } from './dialect';
export { sql, ident, keyword, empty, bindString, bindInt, bindFloat, bindBool, join, and, or, render, Sql } from './sql';
export type { BoundValue, ParamType, Placeholders, CompiledSql } from './sql';
export { duckdbDialect } from './dialects/duckdb';
export { clickhouseDialect } from './dialects/clickhouse';
export { dialectFor, registerDialect } from './dialects';
export { build, type ResolvedQuery, type BuildContext, type OrderTerm } from './build';
export { checkRegex } from './regex';
export { checkGoalDefinition, MAX_GOALS_PER_SITE } from './goals';
export { compilePathPattern, pathMatches, wildcardToRegex, type PathPattern } from './path-pattern';
export {
  optimize,
  simplify,
  chooseSource,
  withSharedSource,
  tracePlan,
  SESSION_LOOKAROUND_MS,
  type Plan,
  type EventSource,
  type SessionSource,
  type RowSource,
  type AvailableRollups,
  type PlanTrace,
} from './optimize';
export { compile, Compiler, type CompiledQuery, type SharedSessionNeeds } from './compile';
export {
  compilePartsBuild,
  openSessionParts,
  openPathSessions,
  openVisitorHours,
  storeHasRollups,
  SessionPartsRollup,
  type SessionPartsOptions,
  type SessionPartsRun,
  type SessionZones,
} from './rollups';
export { compileBatch, canShareSessionRows, type CompiledBatch } from './batch';
export {
  planQuery,
  compilePlan,
  runPlan,
  runRange,
  runBatch,
  resultOf,
  percentChange,
  type QueryResult,
  type RangeResult,
  type ResultRow,
} from './run';
export {
  StatsService,
  type StatsSite,
  type StatsServiceOptions,
  type StatsCallOptions,
  type DashboardDebug,
  type DashboardPlanTrace,
} from './service';
export {
  dashboardParamsSchema,
  parseDashboardParams,
  parseFilterParam,
  defaultInterval,
  breakdownKey,
  breakdownValueKey,
  valueKey,
  DEFAULT_DASHBOARD_METRICS,
  type DashboardParams,
  type DashboardRequest,
  type DashboardStats,
  type MetricValue,
} from './dashboard';
export { StoreRealtimeSource, type RealtimeSource } from './realtime-source';
export { compileRealtime, shapeRealtime, ACTIVE_WINDOW_MS, type RealtimeSnapshot, type ActiveVisitor } from './realtime';
export {
  rawEventsParamsSchema,
  parseRawEventsParams,
  compileRawEvents,
  shapeRawEvents,
  encodeCursor,
  decodeCursor,
  type RawEventsPage,
  type RawEventsRequest,
} from './raw-events';
export { resolvePeriod, previousRange, bucketKeys, startOfLocalDay, localDate, wallClock, addDays, type DateRange } from './period';
export { DIMENSION_DEFS, METRIC_DEFS, AGGREGATES, dimensionDef, type DimensionDef, type MetricDef, type Level } from './registry';
export {
  checkSteps,
  parseFunnelParams,
  funnelParamsSchema,
  compileFunnelSteps,
  compileFunnelNext,
  EXIT_LABEL,
  type FunnelQuery,
} from './funnels';
export { parsePathsParams, parseNeighboursParams, pathsParamsSchema, neighboursParamsSchema, compilePaths } from './paths';
export { journeyParamsSchema } from './journeys';
export { parseCohortParams, cohortParamsSchema, compileCohorts } from './cohorts';
export { universalAnalytics, type UniversalAnalytics } from './universal';
export { profileListParamsSchema, profileTimelineParamsSchema } from './profiles';
export { parseQueryParams } from './query-params';
export type {
  PersonFeatures,
  PersonFeatureRow,
  ProfileScore,
  ProfileScorer,
  ProfileScoreRow,
  AudienceRow,
  AudienceRows,
  AudienceRowsRequest,
  LeadExample,
} from './profiles';
export type { LifetimeDay, LifetimeDays } from './lifetime';
export type { ExperimentCountsQuery, ExperimentVariantCounts } from './experiments';
export {
  compileTriggerEvents,
  compileVisitorFacts,
  compileUserVisitors,
  compileLastSeenIn,
  type TriggerEventsPage,
} from './trigger-events';

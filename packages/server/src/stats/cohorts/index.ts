export { runCohorts, periodsBetween, bucketOf, FIRST_SEEN_LOOKBACK_DAYS } from './run';
export { parseCohortParams, cohortParamsSchema, type CohortRequest } from './params';
export { compileCohorts, type CohortQuery } from './compile';

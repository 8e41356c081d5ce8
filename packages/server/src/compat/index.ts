export { parsePlausibleQuery, runPlausibleQuery, type PlausibleResponse, type PlausibleSite } from './plausible-query';
export {
  plausibleQuerySchema,
  plausibleResponseSchema,
  PLAUSIBLE_DIMENSIONS,
  PLAUSIBLE_METRICS,
  type PlausibleQuery,
} from './plausible-request';
export { dropinSnippets } from './snippets';

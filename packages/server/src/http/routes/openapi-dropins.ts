import { plausibleQuerySchema, plausibleResponseSchema, PLAUSIBLE_DIMENSIONS, PLAUSIBLE_METRICS } from '../../compat';
import type { OpenApiSection } from './openapi-document';

/** The Plausible-compatible Stats API (the drop-in collectors answer their own clients and are not part of this document). */
export const dropinsOpenApi: OpenApiSection = (t) => ({
  '/api/v2/query': {
    post: {
      tags: ['Plausible-compatible API'],
      summary: 'Plausible Stats API v2 query',
      description:
        "Plausible's request and response, so scripts written for Plausible's Stats API work with only the host changed. `site_id` is the domain of a " +
        'site the key may read (or its id / tracking id). ' +
        `Metrics: ${Object.entries(PLAUSIBLE_METRICS)
          .map(([p, o]) => (p === o ? p : `${p} (our ${o})`))
          .join(', ')}, percentage (with a dimension). ` +
        `Dimensions: ${Object.keys(PLAUSIBLE_DIMENSIONS).join(', ')}, event:props:<key>, time, time:hour|day|week|month (at most 3 besides time). ` +
        'Filters: is, is_not, contains, contains_not, matches, matches_not; and, or, not. date_range: day, 7d, 28d, 30d, 91d, month, 6mo, 12mo, year, all, or [date, date]. ' +
        'Goals are named as in Plausible (event:goal values are goal names). Anything else (segments, has_done, group_conversion_rate, revenue metrics, date-time ranges, case-insensitive modifiers) answers 400 naming it. ' +
        'Time series leave out buckets without data; include.time_labels lists them all.',
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: t.schema('PlausibleQuery', plausibleQuerySchema, 'input') } },
      },
      responses: {
        200: t.json(t.schema('PlausibleQueryResponse', plausibleResponseSchema, 'output')),
        ...t.errors(400, 401, 403, 404, 429),
      },
    },
  },
});

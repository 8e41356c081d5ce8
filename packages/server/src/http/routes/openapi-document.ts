import { z } from 'zod';
import {
  dashboardStatsSchema,
  errorBodySchema,
  querySchema,
  queryResultSchema,
  rawEventsPageSchema,
  realtimeSnapshotSchema,
} from '@tidemark/core';
import { SESSION_COOKIE } from '../../auth';
import { dashboardParamsSchema, rawEventsParamsSchema } from '../../stats';
import { dropCountsSchema, quarantinePageSchema } from './collect-drops';

/**
 * The OpenAPI 3.1 document of the read API, generated from the same zod schemas that validate the
 * requests (and, in the tests, the responses). JSON Schema 2020-12 is OpenAPI 3.1's schema dialect,
 * so zod's output is used as is; nested `$defs` are hoisted into components.
 */

export type Json = Record<string, unknown>;

/** What a section of the document builds its paths with. */
export interface OpenApiTools {
  /** Registers a zod schema as a component and returns its $ref. */
  schema(name: string, schema: z.ZodType, io: 'input' | 'output'): Json;
  /** Query-string parameters from a zod object. */
  parameters(schema: z.ZodObject): Json[];
  /** Error responses for the given status codes, with the shared error body. */
  errors(...codes: number[]): Json;
  /** A JSON response with the given schema. */
  json(schema: Json, description?: string): Json;
  /** The `{id}` path parameter of a site. */
  siteParam: Json;
}

/** A capability's paths: one file per area (`openapi-<area>.ts`), listed in `OPENAPI_SECTIONS`. */
export type OpenApiSection = (t: OpenApiTools) => Json;

const publicSiteSchema = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string(),
  timezone: z.string(),
  tracking_id: z.string(),
  created_at: z.string(),
});
const sitesListSchema = z.object({ sites: z.array(publicSiteSchema) }).meta({ id: 'SiteList' });

class Components {
  readonly schemas: Record<string, Json> = {};

  /** Adds a schema (and whatever it defines) and returns a $ref to it. */
  add(name: string, schema: z.ZodType, io: 'input' | 'output'): Json {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    const text = JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/');
    const doc = JSON.parse(text) as Json;
    const defs = (doc.$defs ?? {}) as Record<string, Json>;
    delete doc.$defs;
    delete doc.$schema;
    for (const [k, v] of Object.entries(defs)) this.schemas[k] = v;
    if (doc.$ref === `#/components/schemas/${name}` && Object.keys(doc).length === 1) return { $ref: doc.$ref };
    this.schemas[name] = doc;
    return { $ref: `#/components/schemas/${name}` };
  }

  /** Query-string parameters from a zod object. */
  parameters(schema: z.ZodObject): Json[] {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    return Object.entries(json.properties ?? {}).map(([name, s]) => {
      const { description, ...rest } = s;
      return { name, in: 'query', required: (json.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
    });
  }
}

/** `format` on the stats endpoints (exports/): the answer as a download instead. */
export const EXPORT_FORMAT_PARAM = {
  name: 'format',
  in: 'query',
  required: false,
  description: 'csv: the table (breakdown rows, or the timeseries); json, xml: the whole answer — sent as an attachment',
  schema: { type: 'string', enum: ['csv', 'json', 'xml'] },
};

/** A JSON answer that may also come as a CSV or XML download. */
export function withDownloads(response: { description: string; content: Json }): Json {
  return {
    ...response,
    content: { ...response.content, 'text/csv': { schema: { type: 'string' } }, 'application/xml': { schema: { type: 'string' } } },
  };
}

const siteParam = { name: 'id', in: 'path', required: true, description: 'Site id', schema: { type: 'string' } };

export function buildOpenApiDocument(version = '0.1.0', sections: readonly OpenApiSection[] = []): Json {
  const c = new Components();
  const error = c.add('Error', errorBodySchema, 'output');
  const errors = (...codes: number[]) =>
    Object.fromEntries(
      codes.map((code) => [String(code), { description: ERROR_TEXT[code], content: { 'application/json': { schema: error } } }]),
    );
  const json = (schema: Json, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
  const statsParams = c.parameters(dashboardParamsSchema);
  const dashboard = c.add('DashboardStats', dashboardStatsSchema, 'output');
  const realtime = c.add('RealtimeSnapshot', realtimeSnapshotSchema, 'output');
  const statsOp = (tag: string) => ({
    tags: [tag],
    summary: 'KPIs with change, timeseries and breakdowns',
    description:
      'Periods are in the site timezone. `metrics`, `dimensions`: comma-separated. `filters`: JSON — a tree [op, dimension, [values]] / ["and"|"or", ...] / ["not", f], a list of trees, or {dimension: value(s)}. ' +
      'The timeseries (every requested metric per bucket of `interval`) is always returned, also beside breakdowns. ' +
      'Breakdown rows carry the requested metrics: page rows with avg_time (seconds on page) and scroll_depth (%), any row with new_visitors/returning_visitors.',
    parameters: [siteParam, ...statsParams, EXPORT_FORMAT_PARAM],
    responses: { 200: withDownloads(json(dashboard)), ...errors(400, 401, 403, 404, 429) },
  });
  const realtimeOp = (tag: string) => ({
    tags: [tag],
    summary: 'Visitors active in the last 5 minutes',
    parameters: [siteParam],
    responses: { 200: json(realtime), ...errors(401, 403, 404, 429) },
  });

  const paths: Json = {
    '/api/sites/{id}/stats': { get: { operationId: 'dashboardStats', ...statsOp('Dashboard') } },
    '/api/sites/{id}/realtime': { get: { operationId: 'dashboardRealtime', ...realtimeOp('Dashboard') } },
    '/api/sites/{id}/realtime/stream': {
      get: {
        operationId: 'dashboardRealtimeStream',
        tags: ['Dashboard'],
        summary: 'Server-Sent Events: a RealtimeSnapshot (event "realtime") at once and every 2 s',
        description:
          'Access is re-checked before every push: when the session ends (sign-out, a new sign-in, idle or password change), the member leaves the organization or the key is revoked, ' +
          'the stream sends `event: error` with `{"code":"unauthorized"}` and ends; reconnecting then answers 401/404.',
        parameters: [siteParam],
        responses: {
          200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          ...errors(401, 403, 404),
        },
      },
    },
    '/api/sites/{id}/ingest/drops': {
      get: {
        operationId: 'ingestDrops',
        tags: ['Dashboard'],
        summary: 'Events the collector dropped, by UTC day and reason (default: the last 30 days)',
        parameters: [
          siteParam,
          { name: 'from', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
          { name: 'to', in: 'query', required: false, schema: { type: 'string', format: 'date' } },
        ],
        responses: { 200: json(c.add('IngestDrops', dropCountsSchema, 'output')), ...errors(400, 401, 403, 404, 429) },
      },
    },
    '/api/sites/{id}/ingest/quarantine': {
      get: {
        operationId: 'ingestQuarantine',
        tags: ['Dashboard'],
        summary: 'Events refused as invalid, newest first, with their errors',
        parameters: [
          siteParam,
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          {
            name: 'before',
            in: 'query',
            required: false,
            description: 'Only events received before this time (ms): `next_before` of the previous page',
            schema: { type: 'integer', minimum: 0 },
          },
        ],
        responses: { 200: json(c.add('QuarantinePage', quarantinePageSchema, 'output')), ...errors(400, 401, 403, 404, 429) },
      },
    },
    '/v1/sites': {
      get: {
        operationId: 'listSites',
        tags: ['Public API'],
        summary: 'Sites the key (or user) can read',
        responses: { 200: json(c.add('SiteList', sitesListSchema, 'output')), ...errors(401, 403, 429) },
      },
    },
    '/v1/sites/{id}/stats': { get: { operationId: 'siteStats', ...statsOp('Public API') } },
    '/v1/sites/{id}/realtime': { get: { operationId: 'siteRealtime', ...realtimeOp('Public API') } },
    '/v1/sites/{id}/events': {
      get: {
        operationId: 'siteEvents',
        tags: ['Public API'],
        summary: 'Raw events, oldest first, paginated by cursor',
        description: 'Pass `next_cursor` as `cursor` for the next page; the range and limit must stay the same.',
        parameters: [siteParam, ...c.parameters(rawEventsParamsSchema)],
        responses: { 200: json(c.add('RawEventsPage', rawEventsPageSchema, 'output')), ...errors(400, 401, 403, 404, 429) },
      },
    },
    '/v1/query': {
      post: {
        operationId: 'query',
        tags: ['Public API'],
        summary: 'Run a stats Query',
        requestBody: { required: true, content: { 'application/json': { schema: c.add('Query', querySchema, 'input') } } },
        responses: { 200: json(c.add('QueryResult', queryResultSchema, 'output')), ...errors(400, 401, 403, 404, 429) },
      },
    },
  };

  const tools: OpenApiTools = {
    schema: (name, schema, io) => c.add(name, schema, io),
    parameters: (schema) => c.parameters(schema),
    errors,
    json,
    siteParam,
  };
  for (const section of sections) Object.assign(paths, section(tools));

  return {
    openapi: '3.1.0',
    info: {
      title: 'Tidemark API',
      version,
      description:
        'Read API of Tidemark: stats, realtime and raw events. Authenticate with `Authorization: Bearer <API key>`; keys never go in URLs.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [{ name: 'Public API' }, { name: 'Dashboard' }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key with the "read" permission' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'A signed-in dashboard session' },
      },
      schemas: c.schemas,
    },
  };
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (the code names the parameter: invalid_metric, invalid_filter, invalid_timezone …; invalid_query_input: a value the engine cannot evaluate)',
  401: 'Missing or invalid credentials',
  403: 'Not allowed (role or key permission)',
  404: 'No such site, or not visible to the caller',
  429: 'Rate limit exceeded',
  502: 'Something outside this server the request needs failed (screenshot_failed: the page did not resolve, load or render)',
};

import { z } from 'zod';
import { badRequest, isoDateSchema, PATHS_DEFAULT_DEPTH, PATHS_MAX_DEPTH, PERIODS } from '@tidemark/core';
import { parseDashboardParams, type DashboardRequest } from '../dashboard';
import { DATE_RANGE_CODES, parseQueryParams } from '../query-params';

const page = z.string().min(1).max(2000).startsWith('/', 'a page is a path starting with /');
const eventName = z.string().min(1).max(200);
const flag = z.enum(['true', 'false']);
const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,3}$/, 'an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const common = {
  period: z.enum([...PERIODS, 'custom']).optional(),
  start_date: isoDateSchema.optional(),
  end_date: isoDateSchema.optional(),
  filters: z.string().max(8000).optional().meta({ description: 'As for the stats endpoint; they choose the sessions whose paths count' }),
  events: flag.optional().meta({ description: 'true: interactive custom events are steps too (by name); default false' }),
};

/** `GET …/paths`: the stats endpoint's period and filters, an anchor (at most one), the depth. */
export const pathsParamsSchema = z
  .object({
    ...common,
    start_page: page.optional().meta({ description: 'Paths from the first view of this page (default: from the entry page)' }),
    start_event: eventName.optional().meta({ description: 'Paths from the first occurrence of this event' }),
    end_page: page.optional().meta({ description: 'Paths leading to the first view of this page' }),
    end_event: eventName.optional().meta({ description: 'Paths leading to the first occurrence of this event (a conversion)' }),
    depth: intIn(2, PATHS_MAX_DEPTH)
      .optional()
      .meta({ description: `Steps, the anchor included (default ${PATHS_DEFAULT_DEPTH})` }),
    nodes_per_step: intIn(1, 25)
      .optional()
      .meta({ description: 'Largest values kept per step (default 8); the others are one "(other)" node' }),
  })
  .strict();

/** `GET …/paths/pages`: what comes right before and after a page. */
export const neighboursParamsSchema = z
  .object({
    ...common,
    page: page.meta({ description: 'The page (path)' }),
    limit: intIn(1, 50).optional().meta({ description: 'Rows per list (default 10)' }),
  })
  .strict();

export type PathAnchor = { position: 'start' | 'end'; kind: 'entry' | 'page' | 'event'; name: string | null };

export interface PathsRequest {
  dateRange: DashboardRequest['dateRange'];
  filters: DashboardRequest['filters'];
  anchor: PathAnchor;
  events: boolean;
  depth: number;
  nodesPerStep: number;
}

export interface NeighboursRequest {
  dateRange: DashboardRequest['dateRange'];
  filters: DashboardRequest['filters'];
  page: string;
  events: boolean;
  limit: number;
}

/** The paths routes' codes: filters and the date range named as the stats endpoint names them. */
const CODES = { ...DATE_RANGE_CODES, filters: 'invalid_filter' };

/** Period and filters exactly as the stats endpoint reads them. */
function periodOf(p: { period?: string; start_date?: string; end_date?: string; filters?: string }) {
  const req = parseDashboardParams({
    period: p.period,
    start_date: p.start_date,
    end_date: p.end_date,
    filters: p.filters,
    compare: 'false',
  });
  return { dateRange: req.dateRange, filters: req.filters };
}

export function parsePathsParams(raw: unknown): PathsRequest {
  const p = parseQueryParams(pathsParamsSchema, raw, CODES);
  const given = (['start_page', 'start_event', 'end_page', 'end_event'] as const).filter((k) => p[k] !== undefined);
  if (given.length > 1)
    throw badRequest('invalid_anchor', `At most one of start_page, start_event, end_page, end_event (got ${given.join(', ')})`);
  const key = given[0];
  const anchor: PathAnchor = key
    ? { position: key.startsWith('start') ? 'start' : 'end', kind: key.endsWith('page') ? 'page' : 'event', name: p[key]! }
    : { position: 'start', kind: 'entry', name: null };
  return {
    ...periodOf(p),
    anchor,
    // An event anchor is a step, so events are.
    events: p.events === 'true' || anchor.kind === 'event',
    depth: p.depth ?? PATHS_DEFAULT_DEPTH,
    nodesPerStep: p.nodes_per_step ?? 8,
  };
}

export function parseNeighboursParams(raw: unknown): NeighboursRequest {
  const p = parseQueryParams(neighboursParamsSchema, raw, CODES);
  return { ...periodOf(p), page: p.page, events: p.events === 'true', limit: p.limit ?? 10 };
}

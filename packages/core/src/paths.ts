import { z } from 'zod';

/**
 * Paths (InsightHub §4.6.2, TechStore §10.2): the ways visitors walk through a site, shaped for a
 * Sankey. A visitor's path is the steps (page views by path; with `events`, interactive custom
 * events by name) of one session in time order, consecutive repeats collapsed, from its anchor: the
 * session's entry, or its first occurrence of a chosen page or event. Each visitor counts once, with
 * the earliest anchored session whose anchor falls in the period (docs/paths.md).
 */

export const PATHS_DEFAULT_DEPTH = 5;
export const PATHS_MAX_DEPTH = 10;
export const PATH_STEP_KINDS = ['page', 'event', 'other', 'exit', 'entrance'] as const;

const int = z.number().int();
const kind = z.enum(PATH_STEP_KINDS).meta({
  description:
    "page (name = path), event (name = event name), other (the step's smaller nodes together), exit / entrance (nothing after / before)",
});

export const pathNodeSchema = z.object({
  id: z.string().meta({ description: 'Unique in the answer: step and step value' }),
  step: int.meta({ description: '1 = the anchor; forward: k-th step after it, backward: k-th step before it' }),
  kind,
  name: z.string(),
  visitors: int,
  drop_off: int.meta({ description: 'Visitors whose path stops here (backward: whose path begins here)' }),
});

export const pathLinkSchema = z.object({ source: z.string(), target: z.string(), visitors: int });

export const pathsSchema = z
  .object({
    period: z.object({ start: z.string(), end: z.string() }),
    anchor: z.object({
      position: z.enum(['start', 'end']),
      kind: z.enum(['entry', 'page', 'event']).meta({ description: "entry: the session's first step" }),
      name: z.string().nullable(),
    }),
    direction: z.enum(['forward', 'backward']),
    depth: int,
    visitors: int.meta({ description: 'Visitors with an anchored path (each counted once)' }),
    steps: z.array(z.object({ step: int, visitors: int, drop_off: int, drop_off_rate: z.number() })),
    nodes: z.array(pathNodeSchema),
    links: z.array(pathLinkSchema).meta({ description: 'From a node of step k to one of step k+1' }),
  })
  .meta({ id: 'Paths' });
export type Paths = z.infer<typeof pathsSchema>;
export type PathNode = z.infer<typeof pathNodeSchema>;
export type PathLink = z.infer<typeof pathLinkSchema>;

const neighbour = z.object({ kind, name: z.string(), visitors: int, share: z.number().meta({ description: "% of the page's visitors" }) });

export const pageNeighboursSchema = z
  .object({
    period: z.object({ start: z.string(), end: z.string() }),
    page: z.string(),
    visitors: int.meta({ description: 'Visitors who viewed the page in the period' }),
    next: z.array(neighbour).meta({ description: 'The step right after the first view of the page; exit when none' }),
    previous: z.array(neighbour).meta({ description: 'The step right before it; entrance when none' }),
  })
  .meta({ id: 'PageNeighbours' });
export type PageNeighbours = z.infer<typeof pageNeighboursSchema>;

import { z } from 'zod';
import { isoDateSchema, PERIODS } from './query';

/** Heatmaps and frustration signals (InsightHub PRD §4.5, §7.2.7): shared by server and dashboard. */

export const VIEWPORT_CLASSES = ['desktop', 'tablet', 'mobile'] as const;
export type ViewportClass = (typeof VIEWPORT_CLASSES)[number];

/** Viewport class of a viewport width: desktop ≥ 1024 px, tablet 768–1023, mobile < 768 (unknown: desktop). */
export function viewportClass(width: number | null | undefined): ViewportClass {
  if (width === null || width === undefined || width >= 1024) return 'desktop';
  return width >= 768 ? 'tablet' : 'mobile';
}

/** The width (CSS px) a viewport class's maps are drawn at: `data.clicks[].x` is in px of this width. */
export const VIEWPORT_REFERENCE: Record<ViewportClass, { width: number; height: number }> = {
  desktop: { width: 1440, height: 900 },
  tablet: { width: 820, height: 1180 },
  mobile: { width: 390, height: 844 },
};

/** Grid cells: x in hundredths of the document width, y in rows of this many CSS px; scroll in steps of 5 %. */
export const HEATMAP_X_CELLS = 100;
export const HEATMAP_Y_CELL_PX = 10;
export const SCROLL_STEP = 5;

/** Events the heatmap extension sends besides its samples (DESIGN §4 for rage and dead clicks). */
export const FRUSTRATION_EVENTS = ['rage_click', 'dead_click', 'error_click'] as const;

export const heatmapParamsSchema = z
  .object({
    page_url: z.string().min(1).max(2000).meta({ description: 'The page: a full URL (its path is used) or a path starting with /' }),
    viewport: z.enum(VIEWPORT_CLASSES).default('desktop'),
    type: z.enum(['click', 'move', 'scroll']).default('click').meta({ description: 'Which map `data` carries' }),
    period: z
      .enum([...PERIODS, 'custom'])
      .default('last_30_days')
      .meta({ description: 'Whole UTC days (the grid keeps UTC days); custom: start_date … end_date' }),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
  })
  .strict();
export type HeatmapParams = z.infer<typeof heatmapParamsSchema>;

const point = z.object({ x: z.number(), y: z.number(), count: z.number().int() });

export const heatmapReportSchema = z.object({
  page_url: z.string().meta({ description: 'The page path' }),
  screenshot_url: z.string().nullable().meta({ description: 'A captured screenshot of the page, when there is one' }),
  viewport: z.object({ width: z.number().int(), height: z.number().int() }),
  viewport_class: z.enum(VIEWPORT_CLASSES),
  type: z.enum(['click', 'move', 'scroll']),
  period: z.object({ start_date: z.string(), end_date: z.string() }),
  data: z.object({
    clicks: z.array(point).optional().meta({ description: 'Cell centres in px of the reference width, y in px from the top' }),
    moves: z.array(point).optional(),
    scroll: z
      .array(z.object({ depth: z.number().int(), percentage: z.number() }))
      .optional()
      .meta({ description: 'Share (%) of page views that reached each depth, in 5 % steps' }),
  }),
  totals: z.object({ clicks: z.number().int(), moves: z.number().int(), scroll_views: z.number().int() }),
  top_elements: z.array(
    z.object({
      selector: z.string(),
      clicks: z.number().int(),
      rage_clicks: z.number().int(),
      dead_clicks: z.number().int(),
      error_clicks: z.number().int(),
    }),
  ),
});
export type HeatmapReport = z.infer<typeof heatmapReportSchema>;

export const frustrationParamsSchema = z
  .object({
    period: z.enum([...PERIODS, 'custom']).default('last_30_days'),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(10),
  })
  .strict();
export type FrustrationParams = z.infer<typeof frustrationParamsSchema>;

export const frustrationReportSchema = z.object({
  period: z.object({ start_date: z.string(), end_date: z.string() }),
  totals: z.object({ rage_clicks: z.number().int(), dead_clicks: z.number().int(), error_clicks: z.number().int() }),
  pages: z.array(
    z.object({ page: z.string(), rage_clicks: z.number().int(), dead_clicks: z.number().int(), error_clicks: z.number().int() }),
  ),
});
export type FrustrationReport = z.infer<typeof frustrationReportSchema>;

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

export const screenshotParamsSchema = z
  .object({
    page_url: z.string().min(1).max(2000).meta({ description: "A URL on the site's domain or allowed hosts, or a path" }),
    viewport: z.enum(VIEWPORT_CLASSES).default('desktop'),
    refresh: z.enum(['true', 'false', '1', '0']).optional().meta({ description: 'Take it again now (members and up)' }),
  })
  .strict();

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
  totals: z
    .object({ clicks: z.number().int(), moves: z.number().int(), scroll_views: z.number().int() })
    .meta({ description: 'Samples of the map asked for (`type`); the other two maps are not read and count 0' }),
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

// ---------------------------------------------------------------------------------------------
// Web vitals (page_performance events of t.vitals.js)
// ---------------------------------------------------------------------------------------------

export const VITALS = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'] as const;
export type Vital = (typeof VITALS)[number];

/** web.dev thresholds: good ≤ good, poor > poor, needs improvement between (ms; CLS unitless). */
export const VITAL_THRESHOLDS: Record<Vital, { good: number; poor: number; unit: 'ms' | '' }> = {
  lcp: { good: 2500, poor: 4000, unit: 'ms' },
  inp: { good: 200, poor: 500, unit: 'ms' },
  cls: { good: 0.1, poor: 0.25, unit: '' },
  fcp: { good: 1800, poor: 3000, unit: 'ms' },
  ttfb: { good: 800, poor: 1800, unit: 'ms' },
};

export type VitalRating = 'good' | 'needs-improvement' | 'poor';

export function vitalRating(vital: Vital, value: number): VitalRating {
  const t = VITAL_THRESHOLDS[vital];
  return value <= t.good ? 'good' : value <= t.poor ? 'needs-improvement' : 'poor';
}

export const vitalsParamsSchema = z
  .object({
    period: z.enum([...PERIODS, 'custom']).default('last_30_days'),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
    page: z.string().min(1).max(2000).optional().meta({ description: 'Only this page path' }),
    limit: z.coerce.number().int().min(1).max(100).default(10).meta({ description: 'Rows of pages, devices and countries' }),
  })
  .strict();
export type VitalsParams = z.infer<typeof vitalsParamsSchema>;

const vitalStat = z.object({
  samples: z.number().int().meta({ description: 'Page loads that reported this metric' }),
  p50: z.number().nullable(),
  p75: z.number().nullable(),
  p95: z.number().nullable(),
  rating: z.enum(['good', 'needs-improvement', 'poor']).nullable().meta({ description: 'Of the p75 (web.dev thresholds)' }),
  good: z.number().meta({ description: '% of samples rated good' }),
  poor: z.number().meta({ description: '% of samples rated poor' }),
});
export type VitalStat = z.infer<typeof vitalStat>;
const vitalRow = z.object({ samples: z.number().int(), lcp: vitalStat, inp: vitalStat, cls: vitalStat, fcp: vitalStat, ttfb: vitalStat });
export type VitalRow = z.infer<typeof vitalRow>;

export const vitalsReportSchema = z.object({
  period: z.object({ start_date: z.string(), end_date: z.string() }),
  thresholds: z.record(z.string(), z.object({ good: z.number(), poor: z.number(), unit: z.string() })),
  totals: vitalRow,
  timeseries: z.array(vitalRow.extend({ date: z.string() })),
  pages: z.array(vitalRow.extend({ page: z.string() })).meta({ description: 'Worst first: highest LCP p75' }),
  devices: z.array(vitalRow.extend({ device: z.string() })),
  countries: z.array(vitalRow.extend({ country: z.string() })),
});
export type VitalsReport = z.infer<typeof vitalsReportSchema>;

// ---------------------------------------------------------------------------------------------
// JavaScript errors (error_occurred events of t.errors.js)
// ---------------------------------------------------------------------------------------------

export const errorsParamsSchema = z
  .object({
    period: z.enum([...PERIODS, 'custom']).default('last_30_days'),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ErrorsParams = z.infer<typeof errorsParamsSchema>;

const countBy = (key: string) => z.array(z.object({ [key]: z.string(), count: z.number().int() }));

export const errorsReportSchema = z.object({
  period: z.object({ start_date: z.string(), end_date: z.string() }),
  totals: z.object({ occurrences: z.number().int(), visitors: z.number().int(), errors: z.number().int() }),
  timeseries: z.array(z.object({ date: z.string(), occurrences: z.number().int() })),
  errors: z.array(
    z.object({
      fingerprint: z.string(),
      message: z.string(),
      source: z.string(),
      occurrences: z.number().int(),
      visitors: z.number().int().meta({ description: 'Distinct visitors affected' }),
      first_seen: z.number().int().meta({ description: 'ms since the epoch' }),
      last_seen: z.number().int(),
      pages: countBy('page'),
      browsers: countBy('browser'),
      trend: z.array(z.number().int()).meta({ description: 'Occurrences per day of the period' }),
    }),
  ),
});
export type ErrorsReport = z.infer<typeof errorsReportSchema>;

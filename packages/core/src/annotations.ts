import { z } from 'zod';

/**
 * Annotations (InsightHub PRD §4.6.4): dated notes on a site (a release, a campaign, an incident) shown
 * as markers on every time chart and returned with the stats timeseries.
 */

export const ANNOTATION_CATEGORIES = ['release', 'campaign', 'incident', 'other'] as const;
export type AnnotationCategory = (typeof ANNOTATION_CATEGORIES)[number];

/** A calendar day (the site's local midnight) or an instant with an offset. */
const DATE_OR_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

const annotationDate = z
  .string()
  .regex(DATE_OR_INSTANT, 'expected YYYY-MM-DD (the site’s local day) or an ISO date-time with offset')
  .refine((s) => !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)), 'not a real date')
  .refine((s) => s.slice(0, 4) >= '1970' && s.slice(0, 4) <= '2099', 'year must be 1970-2099')
  .meta({ description: 'YYYY-MM-DD (midnight in the site’s time zone) or an ISO 8601 date-time with offset' });

const title = z.string().trim().min(1, 'title must not be empty').max(200);
const description = z.string().max(2000);

export const annotationInputSchema = z
  .object({
    date: annotationDate,
    title,
    description: description.nullable().optional(),
    category: z.enum(ANNOTATION_CATEGORIES).default('other'),
  })
  .strict()
  .meta({ id: 'AnnotationInput' });
export type AnnotationInput = z.input<typeof annotationInputSchema>;

export const annotationPatchSchema = z
  .object({
    date: annotationDate.optional(),
    title: title.optional(),
    description: description.nullable().optional(),
    category: z.enum(ANNOTATION_CATEGORIES).optional(),
  })
  .strict()
  .meta({ id: 'AnnotationPatch' });
export type AnnotationPatch = z.infer<typeof annotationPatchSchema>;

export const annotationSchema = z
  .object({
    id: z.string(),
    site_id: z.string(),
    date: z.string().meta({ description: 'The instant, ISO 8601 in UTC' }),
    title: z.string(),
    description: z.string().nullable(),
    category: z.enum(ANNOTATION_CATEGORIES),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Annotation' });
export type Annotation = z.infer<typeof annotationSchema>;

export const annotationListSchema = z.object({ annotations: z.array(annotationSchema) }).meta({ id: 'AnnotationList' });

/** An annotation as the stats timeseries carries it: with the bucket (`date` of a timeseries row) it falls in. */
export const timeseriesAnnotationSchema = z
  .object({
    id: z.string(),
    date: z.string(),
    bucket: z.string().meta({ description: 'The `date` of the timeseries row this annotation falls in' }),
    title: z.string(),
    description: z.string().nullable(),
    category: z.enum(ANNOTATION_CATEGORIES),
  })
  .meta({ id: 'TimeseriesAnnotation' });
export type TimeseriesAnnotation = z.infer<typeof timeseriesAnnotationSchema>;

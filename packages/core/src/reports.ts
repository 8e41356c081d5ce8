import { z } from 'zod';
import { DIMENSIONS, filterSchema, METRICS } from './query';

/** Scheduled email reports (InsightHub PRD §4.7.1): a site's summary mailed daily or weekly to a list of people. */
export const REPORT_FREQUENCIES = ['daily', 'weekly'] as const;
export type ReportFrequency = (typeof REPORT_FREQUENCIES)[number];

/** Custom reports: a saved query whose answer is attached to the mail as a file. */
export const REPORT_ATTACHMENTS = ['csv', 'json'] as const;
export type ReportAttachment = (typeof REPORT_ATTACHMENTS)[number];

export const reportQuerySchema = z
  .object({
    metrics: z.array(z.enum(METRICS)).min(1).max(10),
    dimensions: z.array(z.enum(DIMENSIONS)).max(3).optional().meta({ description: 'Breakdowns; without any, the timeseries' }),
    filters: z.array(filterSchema).max(10).optional().meta({ description: 'As the stats endpoint takes them' }),
    days: z.number().int().min(1).max(366).optional().meta({
      description: "The last N whole days up to yesterday (site's zone); default: the report's own period (yesterday, or last week)",
    }),
    limit: z.number().int().min(1).max(1000).optional().meta({ description: 'Rows per breakdown (default 100)' }),
  })
  .strict()
  .meta({ id: 'ReportQuery' });
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export const reportInputSchema = z
  .object({
    frequency: z.enum(REPORT_FREQUENCIES),
    name: z.string().trim().min(1).max(100).optional().meta({ description: "A custom report's name (its mail's subject)" }),
    query: reportQuerySchema.optional().meta({ description: 'Makes it a custom report: this query, attached as `attachment`' }),
    attachment: z.enum(REPORT_ATTACHMENTS).optional().meta({ description: 'csv (default) or json; custom reports only' }),
    recipients: z
      .array(z.string().trim().toLowerCase().email().max(320))
      .min(1)
      .max(20)
      .meta({ description: 'Anyone, inside the organization or not' }),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!r.query && (r.name !== undefined || r.attachment !== undefined))
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'name and attachment belong to custom reports (with a query)' });
    if (r.query && r.name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: 'a custom report needs a name' });
  })
  .meta({ id: 'ReportInput' });
export type ReportInput = z.input<typeof reportInputSchema>;

export const reportSchema = z
  .object({
    id: z.string(),
    site_id: z.string(),
    frequency: z.enum(REPORT_FREQUENCIES),
    name: z.string().nullable(),
    query: reportQuerySchema.nullable().meta({ description: 'A custom report’s saved query; null for the summary mail' }),
    attachment: z.enum(REPORT_ATTACHMENTS).nullable(),
    recipients: z.array(z.string()),
    last_period: z.string().nullable().meta({ description: 'First day of the last period sent' }),
    created_at: z.string(),
  })
  .meta({ id: 'Report' });
export type Report = z.infer<typeof reportSchema>;

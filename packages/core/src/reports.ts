import { z } from 'zod';

/** Scheduled email reports (InsightHub PRD §4.7.1): a site's summary mailed daily or weekly to a list of people. */
export const REPORT_FREQUENCIES = ['daily', 'weekly'] as const;
export type ReportFrequency = (typeof REPORT_FREQUENCIES)[number];

export const reportInputSchema = z
  .object({
    frequency: z.enum(REPORT_FREQUENCIES),
    recipients: z
      .array(z.string().trim().toLowerCase().email().max(320))
      .min(1)
      .max(20)
      .meta({ description: 'Anyone, inside the organization or not' }),
  })
  .strict()
  .meta({ id: 'ReportInput' });
export type ReportInput = z.input<typeof reportInputSchema>;

export const reportSchema = z
  .object({
    id: z.string(),
    site_id: z.string(),
    frequency: z.enum(REPORT_FREQUENCIES),
    recipients: z.array(z.string()),
    last_period: z.string().nullable().meta({ description: 'First day of the last period sent' }),
    created_at: z.string(),
  })
  .meta({ id: 'Report' });
export type Report = z.infer<typeof reportSchema>;

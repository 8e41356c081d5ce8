import { z } from 'zod';

/** Where an import comes from: Plausible's CSV export zip, Umami's export, or a generic events CSV. */
export const IMPORT_SOURCES = ['plausible', 'umami', 'csv'] as const;
export type ImportSourceName = (typeof IMPORT_SOURCES)[number];

/** An import of a file into a site, as `GET /api/sites/{id}/imports` lists it. */
export const importJobSchema = z
  .object({
    id: z.string().meta({
      description: 'Derived from the site, the source and the file content: the same file imported again has the same id and replaces it',
    }),
    site_id: z.string(),
    source: z.enum(IMPORT_SOURCES),
    file_name: z.string(),
    file_bytes: z.number().int(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    progress: z.number().int().min(0).max(100),
    rows: z.number().int().meta({ description: 'Aggregate rows (plausible) or events (umami, csv) stored' }),
    skipped: z.number().int().meta({ description: 'Rows of the file left out (no valid time)' }),
    start_day: z.string().nullable().meta({ description: 'First day with data (YYYY-MM-DD)' }),
    end_day: z.string().nullable(),
    error: z.string().nullable().meta({ description: 'Why the import failed (or what was skipped)' }),
    created_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'ImportJob' });
export type ImportJob = z.infer<typeof importJobSchema>;

export const importJobListSchema = z.object({ success: z.literal(true), data: z.array(importJobSchema) }).meta({ id: 'ImportJobList' });

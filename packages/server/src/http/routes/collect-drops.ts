import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requireSiteAccess } from '../../auth';
import { DROP_REASONS, utcDay } from '../../ingest';
import { parseInput } from '../errors';

const DAY_MS = 86_400_000;
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a date');

const dropsQuery = z.object({ from: day.optional(), to: day.optional() }).strict();
const quarantineQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    before: z.coerce.number().int().min(0).optional(),
  })
  .strict();

/** Responses, as the OpenAPI document describes them. */
export const dropCountsSchema = z
  .object({
    site_id: z.string(),
    from: z.string(),
    to: z.string(),
    totals: z.record(z.string(), z.number().int()).describe('Events dropped in the range, by reason'),
    drops: z.array(
      z.object({
        day: z.string(),
        reason: z
          .string()
          .describe(
            'Typed drop reason: bot, dnt, invalid_event …, rate_limited (answered 429), quarantine_full (invalid, over the daily quarantine cap)',
          ),
        kind: z
          .enum(['invalid', 'filtered'])
          .describe("invalid: refused as invalid (quarantined, unless the day's quarantine was full); filtered: dropped on purpose"),
        count: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'IngestDrops' });

export const quarantinePageSchema = z
  .object({
    site_id: z.string(),
    events: z.array(
      z.object({
        id: z.string(),
        received_at: z.number().int(),
        contract: z.string(),
        reason: z.string(),
        errors: z.unknown().describe('The validation issues, [{path, message}]'),
        payload: z
          .unknown()
          .describe('The event as received (JSON), redacted; when payload_truncated, the first bytes of its JSON text only'),
        payload_truncated: z.boolean(),
        payload_bytes: z.number().int().nullable().describe('Size of the whole event as JSON text when payload_truncated, else null'),
      }),
    ),
    next_before: z.number().int().nullable().describe('Pass as `before` for the next page'),
  })
  .meta({ id: 'QuarantinePage' });

function parseJsonText(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/**
 * What the collector refused, per site: drop counts by day and reason (bots, privacy signals,
 * exclusions, invalid events …) and the quarantined events with their validation errors.
 * Readable by the site's members and by keys with read permission on it.
 */
export function collectDropsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: string } }>('/api/sites/:id/ingest/drops', async (req) => {
    const site = await requireSiteAccess(ctx, req, req.params.id, 'read');
    const q = parseInput(dropsQuery, req.query ?? {});
    const to = q.to ?? utcDay(Date.now());
    const from = q.from ?? utcDay(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS);
    if (from > to) throw badRequest('invalid_range', '`from` must not be after `to`');
    if (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`) > 366 * DAY_MS)
      throw badRequest('invalid_range', 'At most 366 days at a time');
    const rows = await ctx.events.dropCounts(site.id, from, to);
    const totals: Record<string, number> = {};
    for (const r of rows) totals[r.reason] = (totals[r.reason] ?? 0) + r.count;
    return {
      site_id: site.id,
      from,
      to,
      totals,
      drops: rows.map((r) => ({
        day: r.day,
        reason: r.reason,
        kind: DROP_REASONS[r.reason as keyof typeof DROP_REASONS] ?? 'filtered',
        count: r.count,
      })),
    };
  });

  app.get<{ Params: { id: string } }>('/api/sites/:id/ingest/quarantine', async (req) => {
    const site = await requireSiteAccess(ctx, req, req.params.id, 'read');
    const q = parseInput(quarantineQuery, req.query ?? {});
    const limit = q.limit ?? 100;
    const rows = await ctx.events.listQuarantine(site.id, { limit, before: q.before });
    return {
      site_id: site.id,
      events: rows.map((r) => ({
        id: r.id,
        received_at: r.received_at,
        contract: r.contract,
        reason: r.reason,
        errors: parseJsonText(r.errors),
        // A payload over the quarantine's prefix size is kept cut (not JSON then): say so, with its full size.
        payload: r.original_bytes ? r.payload : parseJsonText(r.payload),
        payload_truncated: Boolean(r.original_bytes),
        payload_bytes: r.original_bytes || null,
      })),
      next_before: rows.length === limit ? rows[rows.length - 1].received_at : null,
    };
  });
}

import { z } from 'zod';
import { ATTRIBUTION_MODEL_NAMES, isoDateSchema, PERIODS } from './query';

/** Revenue page and API (`GET /api/sites/{id}/revenue`, `/v1/sites/{id}/revenue`): shared by server and dashboard. */

const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

export const revenueParamsSchema = z
  .object({
    period: z.enum([...PERIODS, 'custom']).default('last_30_days'),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
    attribution_model: z
      .enum(ATTRIBUTION_MODEL_NAMES)
      .default('last_touch')
      .meta({ description: 'last_touch credits the last non-direct session when there is one' }),
    lookback_days: z.coerce
      .number()
      .int()
      .min(1)
      .max(365)
      .default(30)
      .meta({ description: 'Sessions started this many days before a payment count as its touchpoints' }),
    half_life_days: z.coerce
      .number()
      .min(0.1)
      .max(365)
      .default(7)
      .meta({ description: 'time_decay: a touch this many days before the payment weighs half' }),
    compare_models: flag.meta({ description: 'Also return by_source under all five models (`models`)' }),
    limit: z.coerce.number().int().min(1).max(500).default(50).meta({ description: 'Transactions listed, newest first' }),
  })
  .strict();
export type RevenueParams = z.infer<typeof revenueParamsSchema>;

const money = z.number();
const attributedRow = { revenue: money, transactions: z.number().int() };

export const revenueReportSchema = z
  .object({
    currency: z.string(),
    period: z.object({ start_date: z.string(), end_date: z.string() }),
    attribution_model: z.enum(ATTRIBUTION_MODEL_NAMES),
    lookback_days: z.number(),
    total_revenue: money.meta({ description: 'Payments less refunds, in the reporting currency (major units)' }),
    gross_revenue: money,
    refunds: money,
    transactions_count: z.number().int(),
    paying_visitors: z.number().int(),
    visitors: z.number().int(),
    sessions: z.number().int(),
    mrr: money,
    arr: money,
    revenue_per_visitor: money,
    revenue_per_session: money,
    average_order_value: money,
    conversion_rate: z.number().meta({ description: 'Paying visitors / visitors, in %' }),
    ltv: money.meta({ description: 'Revenue to date per paying customer' }),
    by_source: z.array(z.object({ source: z.string(), medium: z.string(), visitors: z.number().int(), ...attributedRow })),
    by_campaign: z.array(z.object({ campaign: z.string(), ...attributedRow })),
    by_landing_page: z.array(z.object({ landing_page: z.string(), ...attributedRow })),
    by_channel: z.array(z.object({ channel: z.string(), ...attributedRow })),
    models: z
      .record(z.string(), z.array(z.object({ source: z.string(), medium: z.string(), visitors: z.number().int(), ...attributedRow })))
      .optional(),
    timeseries: z.array(z.object({ date: z.string(), revenue: money, transactions: z.number().int() })),
    mrr_movements: z.array(
      z.object({
        month: z.string(),
        currency: z.string(),
        converted: z.boolean(),
        new: money,
        expansion: money,
        contraction: money,
        churned: money,
        reactivated: money,
        mrr: money,
      }),
    ),
    unconverted: z
      .record(z.string(), money)
      .meta({ description: 'Amounts in currencies without an exchange rate, apart from every total' }),
    transactions: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        amount: money,
        product: z.string(),
        customer_email: z.string().meta({ description: 'Masked (j***@example.com)' }),
        attributed_source: z.string(),
        attributed_campaign: z.string(),
        visitor_id: z.string().nullable(),
        profile_id: z.string().nullable().meta({
          description:
            "The payer's profile (GET /api/sites/{id}/profiles/{profile_id}): u<user id> once the payer's visitor id identified, else v<visitor id>; null when no visitor is known",
        }),
        refund_of: z.string().nullable(),
        is_subscription: z.boolean(),
        timestamp: z.string(),
      }),
    ),
  })
  .meta({ id: 'RevenueReport' });
export type RevenueReportBody = z.infer<typeof revenueReportSchema>;

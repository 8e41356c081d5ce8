import { z } from 'zod';

/**
 * Consent (docs/consent.md): per site a mode and the categories it uses, the banner's texts per language,
 * and the consent log's entries. Shared by the server, the dashboard and (as types) t.consent.js.
 */
export const CONSENT_MODES = ['none', 'required', 'optional-upgrade'] as const;
export type ConsentMode = (typeof CONSENT_MODES)[number];
export const CONSENT_CATEGORIES = ['analytics', 'replay', 'heatmaps', 'marketing'] as const;
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number];
export const CONSENT_SOURCES = ['banner', 'api', 'tcf', 'gcm'] as const;

/** The banner's texts; every key has an English default (t.consent.js), a site overrides any per language. */
export const CONSENT_TEXT_KEYS = [
  'title',
  'body',
  'accept_all',
  'reject_all',
  'customize',
  'save',
  'close',
  'analytics',
  'analytics_help',
  'replay',
  'replay_help',
  'heatmaps',
  'heatmaps_help',
  'marketing',
  'marketing_help',
  'policy',
] as const;

const text = z.string().trim().max(1000);
const textsSchema = z.partialRecord(z.enum(CONSENT_TEXT_KEYS), text);
const language = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'a language tag such as en or pt-BR')
  .max(16);

export const consentSettingsSchema = z
  .object({
    mode: z.enum(CONSENT_MODES),
    /** Categories the site asks for; analytics is always one of them. */
    categories: z
      .array(z.enum(CONSENT_CATEGORIES))
      .max(4)
      .transform((c) => [...new Set<ConsentCategory>(['analytics', ...c])]),
    texts: z.record(language, textsSchema).refine((t) => Object.keys(t).length <= 30, 'at most 30 languages'),
    default_language: language,
    privacy_policy_url: z.union([z.literal(''), z.url({ protocol: /^https?$/ }).max(500)]),
    /** Banner colours: the site's own look (hex colours). */
    theme: z
      .object({
        primary: z.string().regex(/^#[0-9a-fA-F]{6}$/),
        background: z.string().regex(/^#[0-9a-fA-F]{6}$/),
        text: z.string().regex(/^#[0-9a-fA-F]{6}$/),
      })
      .strict(),
  })
  .strict();
export type ConsentSettingsInput = z.input<typeof consentSettingsSchema>;

export const consentSettingsPatchSchema = consentSettingsSchema.partial();

export const DEFAULT_CONSENT_SETTINGS: z.output<typeof consentSettingsSchema> = {
  mode: 'none',
  categories: ['analytics'],
  texts: {},
  default_language: 'en',
  privacy_policy_url: '',
  theme: { primary: '#1d4ed8', background: '#ffffff', text: '#111827' },
};

/** The settings with their text version: a short hash of the texts, recorded with every decision. */
export type ConsentSettings = z.output<typeof consentSettingsSchema> & { text_version: string };

export const consentChoiceSchema = z
  .object({
    analytics: z.boolean(),
    replay: z.boolean(),
    heatmaps: z.boolean(),
    marketing: z.boolean(),
  })
  .strict();
export type ConsentChoice = z.infer<typeof consentChoiceSchema>;

/** POST /api/consent: one decision, sent by t.consent.js (public, like collection). */
export const consentDecisionSchema = z
  .object({
    site_id: z.string().min(1).max(64),
    /** The pseudonymous id t.consent.js keeps with the choice (not the analytics visitor id). */
    subject: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
    choice: consentChoiceSchema,
    text_version: z.string().regex(/^[0-9a-f]{1,40}$/),
    source: z.enum(CONSENT_SOURCES),
  })
  .strict();
export type ConsentDecision = z.infer<typeof consentDecisionSchema>;

export const consentLogEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  subject: z.string(),
  categories: z.array(z.string()).meta({ description: 'Categories granted; the others were refused' }),
  text_version: z.string(),
  source: z.enum(CONSENT_SOURCES),
  prev_hash: z.string(),
  hash: z.string(),
});
export type ConsentLogEntry = z.infer<typeof consentLogEntrySchema>;

export const consentLogQuerySchema = z
  .object({
    subject: z.string().max(64).optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    before_seq: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const consentVerifySchema = z.object({
  ok: z.boolean(),
  entries: z.number(),
  /** The first entry whose hash does not match its content and predecessor. */
  first_bad_seq: z.number().nullable(),
});

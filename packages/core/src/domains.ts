import { z } from 'zod';
import { STOCK_PRIMARY_COLOR } from './rules';

/** Custom domains of an organization (docs/domains.md): the dashboard's own host or a first-party tracking host. */
export const DOMAIN_KINDS = ['app', 'tracking'] as const;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

export const orgDomainInputSchema = z
  .object({
    host: z
      .string()
      .trim()
      .toLowerCase()
      .max(253)
      .transform((h) => h.replace(/\.$/, ''))
      .refine((h) => HOST.test(h), 'a host name such as analytics.example.com'),
    kind: z.enum(DOMAIN_KINDS),
  })
  .strict();

export const orgDomainSchema = z.object({
  id: z.string(),
  host: z.string(),
  kind: z.enum(DOMAIN_KINDS),
  verified: z.boolean(),
  verified_at: z.string().nullable(),
  method: z.enum(['txt', 'http']).nullable(),
  checked_at: z.string().nullable(),
  last_error: z.string().nullable(),
  instructions: z.object({
    txt_name: z.string(),
    txt_value: z.string(),
    http_url: z.string().meta({ description: 'Answered by Tidemark itself once the host routes to it' }),
  }),
});
export type OrgDomain = z.infer<typeof orgDomainSchema>;

/** White-label branding of an organization: applied to its dashboard (and on its app hosts). */
export const orgBrandingSchema = z
  .object({
    product_name: z.string().trim().min(1).max(60),
    logo_url: z.union([z.literal(''), z.url({ protocol: /^https$/ }).max(500)]),
    favicon_url: z.union([z.literal(''), z.url({ protocol: /^https$/ }).max(500)]),
    primary_color: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    theme_default: z.enum(['light', 'dark', 'system']),
    email_sender_name: z.string().trim().max(80),
    /** Closing text of every e-mail sent for the organization (sign-up, invitations, reports): its template's signature. */
    email_footer: z.string().trim().max(1000),
  })
  .strict();
export type OrgBranding = z.infer<typeof orgBrandingSchema>;

/** What of a branding e-mails use: the product named in subjects and texts, the sender's name, the closing text. */
export type MailBrand = Pick<OrgBranding, 'product_name' | 'email_sender_name' | 'email_footer'>;

export const DEFAULT_BRANDING: OrgBranding = {
  product_name: 'Tidemark',
  logo_url: '',
  favicon_url: '',
  primary_color: STOCK_PRIMARY_COLOR,
  theme_default: 'system',
  email_sender_name: '',
  email_footer: '',
};

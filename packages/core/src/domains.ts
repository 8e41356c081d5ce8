import { z } from 'zod';

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

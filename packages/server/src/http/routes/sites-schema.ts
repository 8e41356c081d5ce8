import net from 'node:net';
import { z } from 'zod';
import { PROP_KEY_PATTERN } from '@tidemark/core';

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^(?=.{1,253}$)${HOST_LABEL}(?:\\.${HOST_LABEL})*$`);

/** "https://Www.Example.com:443/path" -> "www.example.com"; people paste URLs into the domain field. */
export function normalizeDomain(input: string): string {
  let s = input.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  s = s.split(/[/?#]/)[0] ?? '';
  s = s.replace(/:\d+$/, '').replace(/\.$/, '');
  return s;
}

const domain = z
  .string()
  .max(300)
  .transform(normalizeDomain)
  .refine((d) => HOSTNAME.test(d), 'must be a host name such as example.com');

/** Extra hosts the tracker may report from; "*.example.com" covers every subdomain. */
const hostPattern = z
  .string()
  .max(300)
  .transform((h) => {
    const wild = h.trim().startsWith('*.');
    return (wild ? '*.' : '') + normalizeDomain(wild ? h.trim().slice(2) : h);
  })
  .refine((h) => HOSTNAME.test(h.replace(/^\*\./, '')), 'must be a host name, optionally starting with *.');

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const timezone = z.string().min(1).max(64).refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin');

export function isIpOrCidr(value: string): boolean {
  const [ip, bits, extra] = value.split('/');
  if (extra !== undefined || !ip) return false;
  const family = net.isIP(ip);
  if (!family) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

const ipOrCidr = z.string().trim().max(64).refine(isIpOrCidr, 'must be an IP address or CIDR range such as 10.0.0.0/8');
const pathPattern = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .refine((p) => p.startsWith('/'), 'must start with /');

const settings = {
  name: z.string().trim().min(1).max(255),
  domain,
  allowed_hosts: z.array(hostPattern).max(50),
  timezone,
  session_timeout_min: z.number().int().min(1).max(1440),
  respect_dnt: z.boolean(),
  cookieless: z.boolean(),
  retention_days: z.number().int().min(0).max(3650),
  excluded_paths: z.array(pathPattern).max(100),
  excluded_ips: z.array(ipOrCidr).max(100),
  enabled: z.boolean(),
  heatmaps_enabled: z.boolean(),
  heatmap_sample_rate: z.number().finite().min(0).max(1),
  vitals_enabled: z.boolean(),
  errors_enabled: z.boolean(),
};

/** POST /api/sites: name and domain required (name defaults to the domain), the rest optional. */
export const siteCreateSchema = z.object({
  ...settings,
  name: settings.name.optional(),
  allowed_hosts: settings.allowed_hosts.optional(),
  timezone: settings.timezone.optional(),
  session_timeout_min: settings.session_timeout_min.optional(),
  respect_dnt: settings.respect_dnt.optional(),
  cookieless: settings.cookieless.optional(),
  retention_days: settings.retention_days.optional(),
  excluded_paths: settings.excluded_paths.optional(),
  excluded_ips: settings.excluded_ips.optional(),
  enabled: settings.enabled.optional(),
  heatmaps_enabled: settings.heatmaps_enabled.optional(),
  heatmap_sample_rate: settings.heatmap_sample_rate.optional(),
  vitals_enabled: settings.vitals_enabled.optional(),
  errors_enabled: settings.errors_enabled.optional(),
});

/** A CSS selector the recorder masks or blocks; the browser validates it (an invalid one is skipped there). */
const cssSelector = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !/[{};<>]/.test(s), 'must be a CSS selector');

/** Session replay (replay/, docs/session-replay.md): flat fields of the site. */
const replaySettings = {
  replay_enabled: z.boolean(),
  replay_sample_rate: z.number().min(0).max(1),
  replay_requires_consent: z.boolean(),
  replay_mask_all_text: z.boolean(),
  replay_mask_selectors: z.array(cssSelector).max(50),
  replay_block_selectors: z.array(cssSelector).max(50),
  replay_excluded_paths: z.array(pathPattern).max(100),
  replay_monthly_quota: z.number().int().min(0).max(100_000_000),
  replay_max_bytes: z.number().int().min(100_000).max(200_000_000),
};

/** Traits of people (docs/people.md): flat fields of the site. */
const peopleSettings = {
  trait_privacy: z.boolean().meta({ description: 'E-mail and phone traits stored as keyed hashes and shown masked' }),
  trait_allowlist: z
    .array(z.string().regex(PROP_KEY_PATTERN, 'a trait key: letters, digits, _ . : - space'))
    .max(100)
    .meta({ description: 'Trait keys kept at ingestion (others are dropped); empty = every trait kept' }),
};

/** PATCH /api/sites/{id}: any subset of the settings. */
export const sitePatchSchema = z.object({ ...settings, ...replaySettings, ...peopleSettings }).partial();

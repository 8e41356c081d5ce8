import { DEFAULT_BRANDING, orgBrandingSchema, type OrgBranding } from '@tidemark/core';
import type { MetaStore } from '../meta';

function stored(raw: string | null): Partial<OrgBranding> {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Partial<OrgBranding>;
  } catch {
    return {};
  }
}

/**
 * An organization's branding: what it set itself, over its reseller's (a client shows its reseller's
 * brand), over the default.
 */
export async function brandingFor(meta: MetaStore, orgId: string): Promise<OrgBranding> {
  const t = await meta.tenancy.get(orgId);
  const parent = t?.parent_org_id ? stored(await meta.orgBranding.get(t.parent_org_id)) : {};
  const own = stored(await meta.orgBranding.get(orgId));
  const parsed = orgBrandingSchema.safeParse({ ...DEFAULT_BRANDING, ...parent, ...own });
  if (parsed.success) return parsed.data;
  const fallback = orgBrandingSchema.safeParse({ ...DEFAULT_BRANDING, ...parent });
  return fallback.success ? fallback.data : DEFAULT_BRANDING;
}

/**
 * Where the snippet loads the tracker from: the organization's verified tracking host, else its
 * reseller's (a client's snippet is first-party to its reseller's brand), else null (the server's own).
 */
export async function trackingOrigin(meta: MetaStore, orgId: string): Promise<string | null> {
  const t = await meta.tenancy.get(orgId);
  for (const id of [orgId, t?.parent_org_id].filter((x): x is string => !!x)) {
    const host = (await meta.orgDomains.list(id)).find((d) => d.kind === 'tracking' && d.verified_at !== null);
    if (host) return `https://${host.host}`;
  }
  return null;
}

const escHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The top band of an HTML e-mail in the organization's brand: its primary colour, its logo (the one
 * remote image a mail carries, from the organization's own https address) or else its product name.
 */
export function brandBannerHtml(brand: OrgBranding): string {
  const name = escHtml(brand.product_name);
  const mark = brand.logo_url
    ? `<img src="${escHtml(brand.logo_url)}" alt="${name}" height="28" style="display:block;height:28px;border:0">`
    : `<span style="font:bold 16px Arial,sans-serif;color:#fff">${name}</span>`;
  return `<div data-brand="${name}" style="background:${brand.primary_color};padding:10px 18px">${mark}</div>`;
}

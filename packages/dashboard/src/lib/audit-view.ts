import type { AuditEntry } from '@tidemark/core';
import type { AuditFilters } from '../api/audit';

/** The audit page's filters live in the URL (?action=site&outcome=failure&from=…), so a view can be shared. */
export const AUDIT_FILTER_KEYS = ['action', 'actor', 'outcome', 'from', 'to'] as const;

export function readAuditFilters(search: string): AuditFilters {
  const q = new URLSearchParams(search);
  const out: AuditFilters = {};
  for (const k of AUDIT_FILTER_KEYS) {
    const v = q.get(k)?.trim();
    if (v) out[k] = v;
  }
  return out;
}

export function auditFiltersSearch(f: AuditFilters): string {
  const q = new URLSearchParams();
  for (const k of AUDIT_FILTER_KEYS) if (f[k]) q.set(k, f[k]!);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The areas offered in the filter (an area selects every action starting with it). */
export const AUDIT_AREAS = [
  ['', 'All actions'],
  ['auth', 'Sign-ins and passwords'],
  ['member', 'Members and roles'],
  ['invitation', 'Invitations'],
  ['api_key', 'API keys'],
  ['site', 'Sites'],
  ['goal', 'Goals'],
  ['funnel', 'Funnels'],
  ['experiment', 'Experiments'],
  ['audience', 'Audiences'],
  ['export', 'Exports'],
  ['privacy_request', 'Privacy requests'],
  ['org', 'Organization'],
  ['settings', 'Settings'],
  ['reseller', 'Clients (reseller)'],
] as const;

/** A short line about what the entry's details say, as text (never HTML). */
export function describeDetails(e: AuditEntry): string {
  const d = e.details;
  const parts: string[] = [];
  if (typeof d.previous_role === 'string' && typeof d.role === 'string') parts.push(`${d.previous_role} → ${d.role}`);
  else if (typeof d.role === 'string') parts.push(`role ${d.role}`);
  if (typeof d.email === 'string') parts.push(d.email);
  if (typeof d.name === 'string') parts.push(d.name);
  if (typeof d.key === 'string') parts.push(`key ${d.key}`);
  if (typeof d.variant === 'string') parts.push(`winner ${d.variant}`);
  if (typeof d.domain === 'string') parts.push(d.domain);
  if (Array.isArray(d.fields)) parts.push(`changed ${d.fields.join(', ')}`);
  if (Array.isArray(d.permissions)) parts.push(d.permissions.join(', '));
  if (typeof d.type === 'string') parts.push(d.type);
  if (typeof d.reason === 'string') parts.push(d.reason);
  return parts.join(' · ');
}

import { BlockList, isIP } from 'node:net';
import type { SiteRecord } from '../../meta';
import { unmapIPv4 } from './geo';

/** Lower-case host without port, trailing dot or leading "www.". */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.startsWith('www.')) h = h.slice(4);
  return h;
}

/** A site's settings compiled once into fast predicates. */
export interface SiteRules {
  /** The host belongs to the site: its domain, a subdomain of it, or one of allowed_hosts. */
  hostAllowed(host: string): boolean;
  pathExcluded(path: string): boolean;
  ipExcluded(ip: string): boolean;
}

/**
 * Path patterns as site owners write them: `*` matches within one path segment, `**` across
 * segments, anything else literally; a pattern matches the whole path.
 */
export function compilePathPattern(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function compileHostPattern(p: string): (host: string) => boolean {
  const h = normalizeHost(p);
  if (h.startsWith('*.')) {
    const base = h.slice(2);
    return (host) => host === base || host.endsWith(`.${base}`);
  }
  return (host) => host === h;
}

export function compileSiteRules(site: SiteRecord): SiteRules {
  const domain = normalizeHost(site.domain);
  const extraHosts = (site.allowed_hosts ?? []).filter(Boolean).map(compileHostPattern);
  const paths = (site.excluded_paths ?? []).filter(Boolean).map(compilePathPattern);
  const blocked = new BlockList();
  let anyBlocked = false;
  for (const entry of site.excluded_ips ?? []) {
    const [addr, bits] = entry.trim().split('/');
    const family = isIP(addr);
    if (!family) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    try {
      if (bits !== undefined) blocked.addSubnet(addr, Number(bits), type);
      else blocked.addAddress(addr, type);
      anyBlocked = true;
    } catch {
      // An invalid prefix length: the settings API validates; ignore rather than fail ingestion.
    }
  }
  return {
    hostAllowed(host) {
      const h = normalizeHost(host);
      if (!h) return false;
      if (h === domain || h.endsWith(`.${domain}`)) return true;
      for (const m of extraHosts) if (m(h)) return true;
      return false;
    },
    pathExcluded(path) {
      for (const re of paths) if (re.test(path)) return true;
      return false;
    },
    ipExcluded(ip) {
      if (!anyBlocked) return false;
      const addr = unmapIPv4(ip);
      const family = isIP(addr);
      if (!family) return false;
      return blocked.check(addr, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

// Site records are cached (and replaced on change) by the metadata store, so the record object
// itself is a fine cache key: a changed site arrives as a new object and is compiled afresh.
const compiled = new WeakMap<SiteRecord, SiteRules>();

export function siteRules(site: SiteRecord): SiteRules {
  let r = compiled.get(site);
  if (!r) {
    r = compileSiteRules(site);
    compiled.set(site, r);
  }
  return r;
}

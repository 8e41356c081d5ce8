import crypto from 'node:crypto';
import { HASHED_TRAIT_PREFIX } from '@tidemark/core';
import type { NamedStep } from '../types';

/**
 * Traits of people (docs/people.md): the properties of `identify` events. The site's allow-list keeps
 * only the listed keys (and `user_id`, the identity itself); with the site's trait privacy on, e-mail and
 * phone traits are stored as keyed hashes (HMAC-SHA256 under a key derived from the server secret),
 * so equal values still match and nothing readable is kept. Without a key such traits are removed.
 */

/** What happened to one trait on its way in. */
export type TraitStrip =
  | { key: string; action: 'dropped'; reason: 'not_allowed' | 'no_hash_key' }
  | { key: string; action: 'hashed'; kind: 'email' | 'phone' };

export interface TraitRules {
  /** Keys kept; empty = every key. */
  allowlist: readonly string[];
  privacy: boolean;
  /** The HMAC key for hashed traits (absent: e-mail and phone traits are dropped under privacy). */
  hashKey?: Buffer;
}

const EMAIL_KEYS = new Set(['email', 'emailaddress', 'mail', 'useremail']);
const PHONE_KEYS = new Set(['phone', 'phonenumber', 'mobile', 'mobilephone', 'mobilenumber', 'tel', 'telephone', 'cell', 'cellphone']);
const EMAIL_VALUE = /^\s*[^\s@]+@[^\s@]+\.[^\s@]+\s*$/;

/** Whether a trait is an e-mail address or a phone number, by its key or (e-mail) its value. */
export function personalKind(key: string, value: string): 'email' | 'phone' | null {
  const k = key.toLowerCase().replace(/[-_. ]/g, '');
  if (EMAIL_KEYS.has(k) || EMAIL_VALUE.test(value)) return 'email';
  if (PHONE_KEYS.has(k)) return 'phone';
  return null;
}

/** The stored form of an e-mail or phone trait: the HMAC of its normalized value (case, blanks, punctuation). */
export function hashTrait(kind: 'email' | 'phone', value: string, hashKey: Buffer): string {
  const norm = kind === 'email' ? value.trim().toLowerCase() : value.replace(/[^\d+]/g, '');
  return HASHED_TRAIT_PREFIX + crypto.createHmac('sha256', hashKey).update(norm).digest('hex');
}

/** The traits as they may be stored, and what was changed. */
export function applyTraitRules(props: Record<string, string>, rules: TraitRules): { props: Record<string, string>; strips: TraitStrip[] } {
  const allow = rules.allowlist.length ? new Set(rules.allowlist) : null;
  const out: Record<string, string> = {};
  const strips: TraitStrip[] = [];
  for (const [key, value] of Object.entries(props)) {
    if (key === 'user_id') {
      out[key] = value;
      continue;
    }
    if (allow && !allow.has(key)) {
      strips.push({ key, action: 'dropped', reason: 'not_allowed' });
      continue;
    }
    const kind = rules.privacy && !value.startsWith(HASHED_TRAIT_PREFIX) ? personalKind(key, value) : null;
    if (!kind) out[key] = value;
    else if (!rules.hashKey) strips.push({ key, action: 'dropped', reason: 'no_hash_key' });
    else {
      out[key] = hashTrait(kind, value, rules.hashKey);
      strips.push({ key, action: 'hashed', kind });
    }
  }
  return { props: out, strips };
}

/** Request memo key: the trait keys the step dropped from the request's identify events. */
export const DROPPED_TRAITS = 'traits:dropped';

/** Where contracts carry traits and properties (Segment `traits`, `properties`; the tracker's `p`, …). */
const TRAIT_CONTAINERS = new Set(['traits', 'props', 'properties', 'p']);

/**
 * A request body (parsed JSON) without the dropped trait keys inside trait and property objects: what the
 * raw payload store keeps of a request whose identify events lost traits to the allow-list.
 */
export function withoutDroppedTraits(v: unknown, dropped: ReadonlySet<string>, inContainer = false, depth = 0): unknown {
  if (v === null || typeof v !== 'object' || depth > 64) return v;
  if (Array.isArray(v)) return v.map((x) => withoutDroppedTraits(x, dropped, false, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (inContainer && dropped.has(k)) continue;
    Object.defineProperty(out, k, {
      value: withoutDroppedTraits((v as Record<string, unknown>)[k], dropped, TRAIT_CONTAINERS.has(k), depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export const traitsStep: NamedStep = {
  name: 'traits',
  run: (ev, ctx) => {
    if (ev.name !== 'identify') return ev;
    const allowlist = ctx.site.trait_allowlist ?? [];
    const privacy = ctx.site.trait_privacy === true;
    if (!allowlist.length && !privacy) return ev;
    const r = applyTraitRules(ev.props, { allowlist, privacy, hashKey: ctx.services.traitKey });
    ev.props = r.props;
    // The request's raw payload loses them too (collector.ts).
    const dropped = r.strips.filter((x) => x.action === 'dropped').map((x) => x.key);
    if (dropped.length) {
      const seen = (ctx.memo.get(DROPPED_TRAITS) as Set<string> | undefined) ?? new Set<string>();
      for (const k of dropped) seen.add(k);
      ctx.memo.set(DROPPED_TRAITS, seen);
    }
    return ev;
  },
};

/**
 * A request body (parsed JSON) with every e-mail or phone value hashed as a trait would be (removed
 * without a key): what the raw payload store and the quarantine keep of a site with trait privacy.
 */
export function hashPersonalValues(v: unknown, hashKey: Buffer | undefined, key = '', depth = 0): unknown {
  if (typeof v === 'string') {
    const kind = v.startsWith(HASHED_TRAIT_PREFIX) ? null : personalKind(key, v);
    if (!kind) return v;
    return hashKey ? hashTrait(kind, v, hashKey) : '';
  }
  if (v === null || typeof v !== 'object' || depth > 64) return v;
  if (Array.isArray(v)) return v.map((x) => hashPersonalValues(x, hashKey, key, depth + 1));
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v))
    Object.defineProperty(out, k, {
      value: hashPersonalValues((v as Record<string, unknown>)[k], hashKey, k, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

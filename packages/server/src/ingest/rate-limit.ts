import crypto from 'node:crypto';
import { TidemarkError } from '@tidemark/core';
import type { CounterStore, CounterWindow } from '../counters';

/** Per-minute budgets of collection; 0 turns one off. */
export interface CollectLimits {
  /** Browser requests per client address: generous, as a whole office or mobile carrier may share one. */
  perAddress: number;
  /** Browser events per site: far above what a busy real site sends, so only a flood reaches it. */
  perSite: number;
  /** Server-side events per API key and site (never per address: one backend sends for everyone). */
  perKey: number;
}

const MINUTE_MS = 60_000;

/** Counters out of reach (Redis down): 503, which clients retry, like the stream's own outage answer. */
export async function counted<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TidemarkError) throw err;
    throw new TidemarkError(503, 'limits_unavailable', 'Collection limits cannot be checked right now; retry shortly');
  }
}

/** Addresses are hashed so no raw IP sits in the counter store (process memory or Redis). */
const digest = (s: string) => crypto.createHash('sha256').update(s).digest('base64url').slice(0, 22);

/**
 * What one client's budget is keyed by: an IPv4 address, or the /64 network of an IPv6 address (one host
 * or one LAN gets a whole /64, so counting single IPv6 addresses would give a sender billions of budgets).
 */
export function addressKey(ip: string): string {
  const addr = ip.split('%')[0]!.toLowerCase();
  if (!addr.includes(':')) return addr;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
  if (mapped) return mapped[1]!;
  const [head = '', tail] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/**
 * Fixed one-minute windows over the shared counters (in-process embedded, Redis at scale, so every
 * collector counts against the same budget). Each method charges the request and returns the window
 * that is over its budget, or null when the request may go on.
 */
export class CollectRateLimiter {
  constructor(
    private readonly counters: CounterStore,
    private readonly limits: CollectLimits,
  ) {}

  /** A browser request from `address` carrying `events` events for `siteId`. */
  async browser(address: string, siteId: string, events: number): Promise<CounterWindow | null> {
    const { perAddress, perSite } = this.limits;
    if (perAddress > 0) {
      const w = await counted(() => this.counters.incr(`collect:addr:${digest(addressKey(address))}`, MINUTE_MS));
      if (w.count > perAddress) return w;
    }
    return this.charge(`collect:site:${siteId}`, perSite, events);
  }

  /** A server-side request with API key `keyId` carrying `events` events for `siteId`. */
  server(keyId: string, siteId: string, events: number): Promise<CounterWindow | null> {
    return this.charge(`collect:key:${keyId}:${siteId}`, this.limits.perKey, events);
  }

  private async charge(key: string, max: number, events: number): Promise<CounterWindow | null> {
    if (max <= 0) return null;
    // A request counts at least once, whatever it carries (an envelope that turns out invalid still cost us).
    const n = Math.max(1, events);
    const w = await counted(() => this.counters.incr(key, MINUTE_MS, n));
    // A request alone larger than the budget could never pass: it is judged against an otherwise empty window.
    return w.count > max && w.count > n ? w : null;
  }
}

import crypto from 'node:crypto';
import { TidemarkError } from '@tidemark/core';
import type { CounterStore, CounterWindow } from './counters';

/** 429 whose details carry retry_after (seconds); the HTTP layer turns that into a Retry-After header. */
export function tooManyRequests(message: string, resetAt: number): TidemarkError {
  const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  return new TidemarkError(429, 'rate_limited', message, { retry_after: retryAfter });
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest('base64url').slice(0, 22);

export interface LoginThrottleOptions {
  windowMs: number;
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { windowMs: 15 * 60_000, maxFailuresPerAccount: 5, maxFailuresPerIp: 30 };

/**
 * Slows password guessing: after too many failed logins for one account, or from one IP, further
 * attempts answer 429 until the window closes. Keys are hashed so no email or IP sits in the counter store.
 */
export class LoginThrottle {
  constructor(
    private readonly counters: CounterStore,
    private readonly opts: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  private keys(account: string, ip: string) {
    return { account: `login:acct:${digest(account.trim().toLowerCase())}`, ip: `login:ip:${digest(ip)}` };
  }

  /** Throws 429 when either the account or the IP is over its failure budget. */
  async check(account: string, ip: string): Promise<void> {
    const k = this.keys(account, ip);
    const over = (w: CounterWindow | null, max: number) => (w && w.count >= max ? w : null);
    const blocked = over(await this.counters.peek(k.account), this.opts.maxFailuresPerAccount) ?? over(await this.counters.peek(k.ip), this.opts.maxFailuresPerIp);
    if (blocked) throw tooManyRequests('Too many failed sign-in attempts; try again later', blocked.resetAt);
  }

  async fail(account: string, ip: string): Promise<void> {
    const k = this.keys(account, ip);
    await this.counters.incr(k.account, this.opts.windowMs);
    await this.counters.incr(k.ip, this.opts.windowMs);
  }

  /** A successful login clears the account's failures (not the IP's). */
  async succeed(account: string, ip: string): Promise<void> {
    await this.counters.reset(this.keys(account, ip).account);
  }
}

/** Per-key request budget per minute. */
export class KeyRateLimiter {
  constructor(private readonly counters: CounterStore) {}

  async consume(keyId: string, perMinute: number): Promise<void> {
    const w = await this.counters.incr(`apikey:${keyId}`, 60_000);
    if (w.count > perMinute) throw tooManyRequests(`API key rate limit of ${perMinute} requests per minute exceeded`, w.resetAt);
  }
}

/** Generic per-IP budget for expensive anonymous endpoints (registration hashes a password). */
export class IpBudget {
  constructor(
    private readonly counters: CounterStore,
    private readonly name: string,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  async consume(ip: string): Promise<void> {
    const w = await this.counters.incr(`${this.name}:${digest(ip)}`, this.windowMs);
    if (w.count > this.max) throw tooManyRequests('Too many requests; try again later', w.resetAt);
  }
}

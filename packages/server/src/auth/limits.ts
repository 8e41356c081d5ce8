import crypto from 'node:crypto';
import { TidemarkError } from '@tidemark/core';
import type { CounterStore } from '../counters';

/** 429 whose details carry retry_after (seconds); the HTTP layer turns that into a Retry-After header. */
export function tooManyRequests(message: string, resetAt: number): TidemarkError {
  const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  return new TidemarkError(429, 'rate_limited', message, { retry_after: retryAfter });
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest('base64url').slice(0, 22);

export interface LoginThrottleOptions {
  windowMs: number;
  /** Failures one address may make against one account per window before that pair answers 429. */
  maxFailuresPerPair: number;
  /** Failures against one account (all addresses) after which unfamiliar addresses are slowed down. */
  maxFailuresPerAccount: number;
  /** While an account is under attack: one attempt per this long from addresses it never signed in from. */
  accountSlowdownMs: number;
  /** Failures from one address (all accounts) after which it is slowed down for unfamiliar accounts. */
  maxFailuresPerIp: number;
  /** While an address is spraying: this many attempts per minute for accounts never signed in from it. */
  sprayAttemptsPerMinute: number;
  /** How long a successful sign-in makes an (account, address) pair familiar. */
  familiarMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  windowMs: 15 * 60_000,
  maxFailuresPerPair: 5,
  maxFailuresPerAccount: 10,
  accountSlowdownMs: 2_000,
  maxFailuresPerIp: 50,
  sprayAttemptsPerMinute: 5,
  familiarMs: 30 * 24 * 60 * 60_000,
};

/**
 * Slows password guessing without handing attackers a way to lock owners out (docs/accounts.md):
 * - one address guessing one account: after maxFailuresPerPair failures that pair answers 429 until the
 *   window ends — other addresses, and other accounts from that address, are untouched;
 * - one account guessed from many addresses: once it collects maxFailuresPerAccount failures, addresses
 *   it has not signed in from before get one attempt per accountSlowdownMs (a short wait, never a lock);
 * - one address spraying many accounts: past maxFailuresPerIp failures, its attempts at accounts not
 *   signed in from it before are capped per minute — people behind the same proxy who signed in before
 *   are unaffected, newcomers wait seconds.
 * Familiar (account, address) pairs — a successful sign-in within familiarMs — skip both slowdowns.
 * Keys are hashed so no e-mail or address sits in the counter store.
 */
export class LoginThrottle {
  constructor(
    private readonly counters: CounterStore,
    private readonly opts: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  private keys(account: string, ip: string) {
    const a = account.trim().toLowerCase();
    return {
      pair: `login:pair:${digest(`${a}\n${ip}`)}`,
      familiar: `login:ok:${digest(`${a}\n${ip}`)}`,
      account: `login:acct:${digest(a)}`,
      accountSlot: `login:acct-slot:${digest(a)}`,
      ip: `login:ip:${digest(ip)}`,
      ipSlot: `login:ip-slot:${digest(ip)}`,
    };
  }

  /** Throws 429 when this address may not try this account now; otherwise lets the attempt through. */
  async check(account: string, ip: string): Promise<void> {
    const k = this.keys(account, ip);
    const o = this.opts;
    const pair = await this.counters.peek(k.pair);
    if (pair && pair.count >= o.maxFailuresPerPair)
      throw tooManyRequests('Too many failed sign-in attempts from this address; try again later', pair.resetAt);
    if (await this.counters.peek(k.familiar)) return;
    const acct = await this.counters.peek(k.account);
    if (acct && acct.count >= o.maxFailuresPerAccount) {
      const slot = await this.counters.incr(k.accountSlot, o.accountSlowdownMs);
      if (slot.count > 1) throw tooManyRequests('This account is receiving many failed sign-ins; try again in a moment', slot.resetAt);
    }
    const ipw = await this.counters.peek(k.ip);
    if (ipw && ipw.count >= o.maxFailuresPerIp) {
      const slot = await this.counters.incr(k.ipSlot, 60_000);
      if (slot.count > o.sprayAttemptsPerMinute)
        throw tooManyRequests('Too many failed sign-ins from this address; try again shortly', slot.resetAt);
    }
  }

  async fail(account: string, ip: string): Promise<void> {
    const k = this.keys(account, ip);
    await this.counters.incr(k.pair, this.opts.windowMs);
    await this.counters.incr(k.account, this.opts.windowMs);
    await this.counters.incr(k.ip, this.opts.windowMs);
  }

  /**
   * A successful sign-in clears this pair's failures and makes the pair familiar. The account's and
   * address's failure counts stay: an attacker learns nothing from the owner signing in.
   */
  async succeed(account: string, ip: string): Promise<void> {
    const k = this.keys(account, ip);
    await this.counters.reset(k.pair);
    await this.counters.reset(k.familiar);
    await this.counters.incr(k.familiar, this.opts.familiarMs);
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

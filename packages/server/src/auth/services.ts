import type { Config } from '../config';
import { keyedCounterStore, MemoryCounterStore, type CounterStore } from './counters';
import { IpBudget, KeyRateLimiter, LoginThrottle } from './limits';
import { createMailer, type Mailer } from './mailer';

/** Process-wide auth state: throttles, rate limits, session lifetimes, mail. Lives on ctx.auth. */
export interface AuthServices {
  counters: CounterStore;
  loginThrottle: LoginThrottle;
  keyLimiter: KeyRateLimiter;
  /** Registrations and invitation acceptances hash a password: bounded per IP. */
  signupBudget: IpBudget;
  sessionIdleMs: number;
  sessionMaxMs: number;
  invitationTtlMs: number;
  mailer: Mailer;
}

/** `keyDigest`: the server keys' counter digest (secrets/ServerKeys); without it counter keys stay as named. */
export function createAuthServices(config: Config, opts: { counters?: CounterStore; mailer?: Mailer; keyDigest?: (name: string) => string } = {}): AuthServices {
  const store = opts.counters ?? new MemoryCounterStore();
  const counters = opts.keyDigest ? keyedCounterStore(store, opts.keyDigest) : store;
  return {
    counters,
    loginThrottle: new LoginThrottle(counters),
    keyLimiter: new KeyRateLimiter(counters),
    signupBudget: new IpBudget(counters, 'signup', 30, 60 * 60_000),
    sessionIdleMs: config.sessionIdleMinutes * 60_000,
    sessionMaxMs: config.sessionMaxDays * 24 * 60 * 60_000,
    invitationTtlMs: 7 * 24 * 60 * 60_000,
    mailer: opts.mailer ?? createMailer(config),
  };
}

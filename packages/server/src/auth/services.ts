import type { Config } from '../config';
import { MemoryCounterStore, type CounterStore } from './counters';
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

export function createAuthServices(config: Config, opts: { counters?: CounterStore; mailer?: Mailer } = {}): AuthServices {
  const counters = opts.counters ?? new MemoryCounterStore();
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

import type { Config } from '../config';
import { MemoryCounterStore, type CounterStore } from './counters';
import { DEFAULT_LOGIN_THROTTLE, IpBudget, KeyRateLimiter, LoginThrottle, type LoginThrottleOptions } from './limits';
import { createMailer, type Mailer } from './mailer';
import { PasswordPolicy } from './breached';

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
  /** How long an open-signup e-mail confirmation link stays valid. */
  verificationTtlMs: number;
  /** Refuses breached passwords on registration, invitation acceptance and password change. */
  passwords: PasswordPolicy;
  mailer: Mailer;
}

export function createAuthServices(config: Config, opts: { counters?: CounterStore; mailer?: Mailer; loginThrottle?: Partial<LoginThrottleOptions>; passwords?: PasswordPolicy } = {}): AuthServices {
  const counters = opts.counters ?? new MemoryCounterStore();
  return {
    counters,
    loginThrottle: new LoginThrottle(counters, { ...DEFAULT_LOGIN_THROTTLE, ...opts.loginThrottle }),
    keyLimiter: new KeyRateLimiter(counters),
    signupBudget: new IpBudget(counters, 'signup', 30, 60 * 60_000),
    sessionIdleMs: config.sessionIdleMinutes * 60_000,
    sessionMaxMs: config.sessionMaxDays * 24 * 60 * 60_000,
    invitationTtlMs: 7 * 24 * 60 * 60_000,
    verificationTtlMs: 24 * 60 * 60_000,
    passwords: opts.passwords ?? new PasswordPolicy(config.pwnedPasswordsUrl ? { url: config.pwnedPasswordsUrl } : null),
    mailer: opts.mailer ?? createMailer(config),
  };
}

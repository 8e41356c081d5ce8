import type { Config } from '../config';
import { MemoryCounterStore, type CounterStore } from '../counters';
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

/** Open sign-up settings that leave it unusable or weaker, said once at start-up. */
export function openSignupWarnings(config: Pick<Config, 'openSignup' | 'smtpUrl' | 'publicUrl'>): string[] {
  if (!config.openSignup) return [];
  const out: string[] = [];
  if (!config.smtpUrl)
    out.push(
      'TIDEMARK_OPEN_SIGNUP is on but SMTP_URL is not set: new accounts must confirm their e-mail, so sign-ups after the first answer 503.',
    );
  if (!config.publicUrl)
    out.push("TIDEMARK_OPEN_SIGNUP is on but TIDEMARK_PUBLIC_URL is not set: confirmation links are built from the request's Host header.");
  return out;
}

export function createAuthServices(
  config: Config,
  opts: { counters?: CounterStore; mailer?: Mailer; loginThrottle?: Partial<LoginThrottleOptions>; passwords?: PasswordPolicy } = {},
): AuthServices {
  const counters = opts.counters ?? new MemoryCounterStore();
  for (const w of openSignupWarnings(config)) console.warn(w);
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

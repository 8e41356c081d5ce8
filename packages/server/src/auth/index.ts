export {
  authenticate,
  requireUser,
  requireUserSession,
  requirePrincipal,
  requireSiteAccess,
  requireOrgRole,
  requireKeyForCollect,
  canSeeSite,
  rejectKeyInUrl,
  type Principal,
  type UserPrincipal,
  type KeyPrincipal,
} from './authenticate';
export { roleAllows, keyAllows, roleAtLeast, type Need } from './permissions';
export { createAuthServices, type AuthServices } from './services';
export { MemoryCounterStore, type CounterStore, type CounterWindow } from './counters';
export { LoginThrottle, KeyRateLimiter, IpBudget, tooManyRequests } from './limits';
export { hashPassword, verifyPassword, burnVerify, ARGON2_OPTIONS } from './passwords';
export { startSession, rotateSession, endSession, resolveUserSession, forgetResolvedSession, type UserSession } from './session';
export { isSameOrigin, assertSameOrigin, assertNotCrossSite, requestOrigin } from './origin';
export { SESSION_COOKIE, isHttps } from './cookies';
export { registerAccount, acceptInvitationAsUser, bootstrapAdmin, type Registration } from './accounts';
export { UnconfiguredMailer, SmtpMailer, createMailer, type Mailer, type MailMessage } from './mailer';

export {
  authenticate,
  requireUser,
  requireUserSession,
  requireInstanceAdmin,
  isInstanceAdmin,
  requirePrincipal,
  requirePrincipalOrKeyHeader,
  requireSiteAccess,
  requireOrgRole,
  requireKeyForCollect,
  canSeeSite,
  rejectKeyInUrl,
  siteAccessHolds,
  type Principal,
  type UserPrincipal,
  type KeyPrincipal,
} from './authenticate';
export { roleAllows, keyAllows, roleAtLeast, type Need } from './permissions';
export { createAuthServices, type AuthServices } from './services';
export { LoginThrottle, DEFAULT_LOGIN_THROTTLE, KeyRateLimiter, IpBudget, tooManyRequests, type LoginThrottleOptions } from './limits';
export { hashPassword, verifyPassword, burnVerify, ARGON2_OPTIONS } from './passwords';
export {
  startSession,
  rotateSession,
  endSession,
  endPresentedSession,
  resolveUserSession,
  forgetResolvedSession,
  appHostOrg,
  hostAdmits,
  type UserSession,
} from './session';
export { isSameOrigin, assertSameOrigin, assertNotCrossSite, requestOrigin } from './origin';
export { SESSION_COOKIE, isHttps } from './cookies';
export { registerAccount, confirmEmail, acceptInvitationAsUser, bootstrapAdmin, type Registration, type RegisterOutcome } from './accounts';
export { UnconfiguredMailer, SmtpMailer, createMailer, brandMail, type Mailer, type MailMessage } from './mailer';
export { forwardedForWarning } from './proxy-warning';
export { PasswordPolicy, isCommonPassword, isPrivateAddress, rangeCheck, type RangeCheckOptions } from './breached';

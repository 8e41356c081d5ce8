/**
 * The routes the route walks (tenant-isolation.test.ts, shares-http.test.ts) leave out, in one place: a new
 * public route is added here once.
 */

/** Public by design: anyone may call them with any id (collection takes a public tracking id). */
export const PUBLIC_ROUTES: RegExp[] = [
  /^\/health$/,
  /^\/t(\.[\w-]+)*\.js$/,
  /^\/api\/collect(\/|$)/,
  /^\/api\/v1\/collect(\/|$)/,
  /^\/api\/tracking\/(events|test)(\.js)?$/,
  /^\/api\/analytics\/track$/,
  /^\/api\/webhooks\//,
  /^\/api\/event$/,
  /^\/api\/auth\/(login|register|setup|logout)$/,
  // The consent banner's configuration and the recording of a decision (by tracking id, like collection).
  /^\/api\/consent(\/config)?$/,
  // An experiment's variants for the visitor a signed attribution id names (by tracking id, like collection).
  /^\/api\/experiments\/assign$/,
];

/**
 * Open without a session as well, each answering nothing of a site's or guarded by a token of its own: for
 * walks that expect every other route to refuse (a share link's tokens).
 */
export const OPEN_ROUTES: RegExp[] = [
  ...PUBLIC_ROUTES,
  /^\/api\/tracking\//,
  /^\/api\/(send|batch)$/,
  /^\/api\/auth\//,
  /^\/v1\/(openapi\.json|docs)$/,
  /^\/api\/reports\/unsubscribe$/, // a mail's link: its own signed token
  /^\/api\/domains\/ask$/, // the reverse proxy's on-demand TLS question
  /^\/api\/branding$/, // the sign-in page's branding, by host
];

/** The static dashboard (SPA shell and assets): outside /api and /v1, no named params. */
export function isStaticDashboard(url: string): boolean {
  const underApi = url.startsWith('/api/') || url === '/api' || url.startsWith('/v1/') || url === '/v1';
  return !underApi && !/:\w/.test(url);
}

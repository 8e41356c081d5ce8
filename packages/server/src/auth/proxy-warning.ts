import type { FastifyRequest } from 'fastify';

/**
 * An onRequest check that warns once when requests carry X-Forwarded-For while no proxy is trusted
 * (TIDEMARK_TRUSTED_PROXIES): every client then shares the proxy's address, so per-address limits
 * (sign-in throttling, collection limits) treat all users as one.
 */
export function forwardedForWarning(
  trustedProxies: string[],
  log: (msg: string) => void = (m) => console.warn(m),
): (req: FastifyRequest) => void {
  let warned = trustedProxies.length > 0;
  return (req) => {
    if (warned || req.headers['x-forwarded-for'] === undefined) return;
    warned = true;
    log(
      'Requests carry X-Forwarded-For but TIDEMARK_TRUSTED_PROXIES is not set: every client is seen as the proxy address ' +
        `(${req.ip}), so per-address sign-in and collection limits apply to all users at once. Set TIDEMARK_TRUSTED_PROXIES to the proxy's address.`,
    );
  };
}

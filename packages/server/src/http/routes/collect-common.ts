import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest, INGEST_LIMITS, TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import type { SiteRecord } from '../../meta';
import { tooManyRequests } from '../../auth';
import type { CounterWindow } from '../../counters';
import {
  CollectRateLimiter,
  siteRules,
  type ClientHints,
  type CollectOutcome,
  type IngestCollector,
  type RequestSignals,
} from '../../ingest';

/**
 * Collect bodies are taken as text whatever their content type (the tracker sends text/plain JSON so
 * browsers skip the CORS preflight) and parsed here, which also keeps the raw body for the raw store.
 */
export function acceptTextBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: INGEST_LIMITS.bodyBytes }, (_req, body, done) => done(null, body));
}

export function rawBody(req: FastifyRequest): string {
  return typeof req.body === 'string' ? req.body : '';
}

export function header(req: FastifyRequest, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

/** What the pipeline needs to know about the request itself (besides its body and site). */
export interface RequestFacts {
  ip: string;
  userAgent: string;
  signals: RequestSignals;
  visitorHeader: string;
}

/**
 * Read as the request arrives, before anything is awaited: the client address comes from the socket,
 * which a browser closing its page right after sendBeacon may already have torn down a few ms later
 * (req.ip is then undefined, and the visitor would be hashed from nothing).
 */
export function requestFacts(req: FastifyRequest, visitorHeader: string): RequestFacts {
  return { ip: req.ip ?? '', userAgent: header(req, 'user-agent'), signals: requestSignals(req), visitorHeader };
}

export function requestSignals(req: FastifyRequest): RequestSignals {
  return {
    dnt: header(req, 'dnt') === '1',
    gpc: header(req, 'sec-gpc') === '1',
    hasAcceptLanguage: header(req, 'accept-language') !== '',
    hasAccept: header(req, 'accept') !== '',
    webdriver: false, // set from the events' context by the collector
    clientHints: clientHints(req),
  };
}

/**
 * The User-Agent Client Hints the collector asks browsers for (Accept-CH on the tracker script and the
 * collect responses). Chromium sends Sec-CH-UA-Mobile and -Platform on every secure request anyway;
 * -Model only where Accept-CH reached it (same origin, or delegated by the site's Permissions-Policy).
 * No Critical-CH: it makes the browser retry a navigation, and these responses are no navigations.
 */
export const ACCEPT_CH = 'Sec-CH-UA-Mobile, Sec-CH-UA-Platform, Sec-CH-UA-Model';

/** A structured-field string ("Android"), bounded; anything else is treated as absent. */
function sfString(v: string): string {
  const m = /^"([^"\\]{0,64})"$/.exec(v);
  return m ? m[1] : '';
}

/** Sec-CH-UA-Mobile / -Platform / -Model; null when the client sent none of them. */
export function clientHints(req: FastifyRequest): ClientHints | null {
  const mobile = header(req, 'sec-ch-ua-mobile');
  const platform = header(req, 'sec-ch-ua-platform');
  const model = header(req, 'sec-ch-ua-model');
  if (!mobile && !platform && !model) return null;
  return { mobile: mobile === '?1' ? true : mobile === '?0' ? false : null, platform: sfString(platform), model: sfString(model) };
}

const ALLOW_HEADERS = 'Content-Type, X-Site-ID, X-Visitor-ID';

/**
 * Preflight for the browser endpoints. The site is not known yet (a preflight has no body and no
 * custom header values), so any origin may ask; the POST itself answers with CORS headers only for
 * an origin the site owns, and refuses events from any other.
 */
export function preflight(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return preflightAllowing(ALLOW_HEADERS)(req, reply);
}

/** The same preflight for clients that send other request headers (Umami's script sends x-umami-cache). */
export const preflightAllowing =
  (allowHeaders: string) =>
  (req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const origin = header(req, 'origin');
    if (origin) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Vary', 'Origin');
    }
    reply.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
    reply.header('Access-Control-Allow-Headers', allowHeaders);
    reply.header('Access-Control-Max-Age', '86400');
    return reply.status(204).send();
  };

/**
 * A browser request's Origin must be one of the site's hosts. Allowed: CORS headers are set.
 * Refused: its events are counted as host_not_allowed and the request answers 403. No Origin (not a
 * cross-origin browser request): the per-event page check still applies.
 */
export async function checkOrigin(
  req: FastifyRequest,
  reply: FastifyReply,
  site: SiteRecord,
  collector: IngestCollector,
  events: number,
  receivedAt: number,
): Promise<void> {
  const origin = header(req, 'origin');
  if (!origin) return;
  let host = '';
  try {
    host = new URL(origin).hostname;
  } catch {
    host = '';
  }
  if (host && siteRules(site).hostAllowed(host)) {
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Vary', 'Origin');
    return;
  }
  await collector.countDrops(site.id, receivedAt, 'host_not_allowed', events);
  throw new TidemarkError(403, 'origin_not_allowed', 'This origin is not one of the hosts of this site');
}

/** The collection rate limiter over the process's shared counters (in memory, or Redis at scale). */
export function collectLimiter(ctx: AppContext): CollectRateLimiter {
  return new CollectRateLimiter(ctx.auth.counters, ctx.config.collectLimits);
}

/** A request over a rate limit (`over`, from CollectRateLimiter): its events count as rate_limited drops, then 429 with Retry-After. */
export async function refuseOverLimit(
  over: CounterWindow | null,
  collector: IngestCollector,
  site: SiteRecord,
  events: number,
  receivedAt: number,
): Promise<void> {
  if (!over) return;
  await collector.countDrops(site.id, receivedAt, 'rate_limited', Math.max(1, events));
  throw tooManyRequests('Too many events for this site or from this address; retry later', over.resetAt);
}

/** 2xx when anything was usable; 400 when every event of the request was invalid (they are quarantined). */
export function assertSomethingValid(outcome: CollectOutcome, total: number): void {
  if (outcome.accepted === 0 && outcome.filtered === 0 && outcome.quarantined >= total && total > 0) {
    const first = outcome.firstIssues[0];
    throw badRequest(
      'invalid_event',
      first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'No valid event in the request',
      outcome.firstIssues,
    );
  }
}

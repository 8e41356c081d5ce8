import fastifyCompress from '@fastify/compress';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TidemarkError } from '@tidemark/core';
import type { AppContext } from '../../app/context';
import { requireKeyForCollect } from '../../auth';
import type { SegmentContract } from '../../ingest';
import { acceptTextBodies, assertSomethingValid, collectLimiter, header, rawBody, refuseOverLimit, requestFacts } from './collect-common';

export const SEGMENT_PATHS: ReadonlyArray<[string, SegmentContract]> = [
  ['/v1/batch', 'segment.batch'],
  ['/v1/track', 'segment.track'],
  ['/v1/identify', 'segment.identify'],
  ['/v1/page', 'segment.page'],
  ['/v1/screen', 'segment.screen'],
  ['/v1/group', 'segment.group'],
  ['/v1/alias', 'segment.alias'],
];

/** The write key of `Authorization: Basic base64(writeKey:)` (some clients put it as the password), or ''. */
export function basicAuthKey(authorization: string): string {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
  if (!m) return '';
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  return (user || (colon < 0 ? '' : decoded.slice(colon + 1))).trim();
}

/**
 * Segment-compatible collection (Segment, RudderStack and Jitsu-classic server libraries):
 * `POST /v1/batch` and the single-message `/v1/track|identify|page|screen|group|alias`. The write key
 * is a Tidemark API key with write permission scoped to one site (or an organization-wide one with
 * X-Site-ID), sent as `Authorization: Basic base64(writeKey:)` or `writeKey` in the body. Answers
 * 200 {"success":true} once the batch is durable; 400 only for a body that is not JSON or whose
 * messages all lack their ids (the others are quarantined); 429 with Retry-After over a rate limit;
 * 503 (retried by the clients) when ingestion is overloaded. Gzip bodies (RudderStack's default) are
 * decompressed within the body size limit.
 */
export async function collectSegmentRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const limiter = collectLimiter(ctx);

  async function handle(req: FastifyRequest, contract: SegmentContract) {
    const receivedAt = Date.now();
    const context = requestFacts(req, '');
    // Read from the context at each request: the collector is the one the process runs now.
    const collector = ctx.collector;
    const admission = await collector.admit(contract, rawBody(req));
    try {
      const f = admission.fields;
      const key = basicAuthKey(header(req, 'authorization')) || f.writeKey?.trim() || '';
      if (!key)
        throw new TidemarkError(
          401,
          'invalid_api_key',
          'Missing write key: Authorization: Basic base64(writeKey:), or writeKey in the body',
        );
      const { key: apiKey, site } = await requireKeyForCollect(ctx, key, header(req, 'x-site-id') || null).catch((err: unknown) => {
        if (err instanceof TidemarkError && err.code === 'site_required')
          throw new TidemarkError(
            403,
            'write_key_not_scoped',
            'This key covers several sites: use a write key scoped to one site, or name it with X-Site-ID',
          );
        throw err;
      });
      admission.check();
      // Limited per key and site, never per address: one backend sends for all of its users.
      await refuseOverLimit(await limiter.server(apiKey.id, site.id, f.count), collector, site, f.count, receivedAt);
      const outcome = await admission.collect({ ...context, site, trust: 'server', receivedAt, sentAt: null });
      assertSomethingValid(outcome, f.count);
      return { success: true };
    } finally {
      admission.release();
    }
  }

  await app.register(async (scope) => {
    acceptTextBodies(scope);
    await scope.register(fastifyCompress, {
      globalCompression: false,
      requestEncodings: ['gzip', 'deflate'],
      onUnsupportedRequestEncoding: (encoding) =>
        new TidemarkError(415, 'unsupported_encoding', `Content-Encoding ${encoding.slice(0, 40)} is not supported (gzip, deflate)`),
      onInvalidRequestPayload: (encoding) => new TidemarkError(400, 'invalid_json', `The body is not valid ${encoding} data`),
    });
    for (const [path, contract] of SEGMENT_PATHS) scope.post(path, (req) => handle(req, contract));
  });
}

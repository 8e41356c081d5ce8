import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildTracker, TRACKER_DIST_DIR, TRACKER_FILES } from '@tidemark/tracker';
import type { AppContext } from '../../app/context';
import { ACCEPT_CH } from './collect-common';

/**
 * Serves the browser tracker: GET /t.js (the core the snippet loads) and /t.auto.js (its extension), from
 * packages/tracker/dist with the precompressed .br/.gz variants the build writes. Files are re-read when
 * their modification time changes, so a rebuild needs no restart. When dist is missing the tracker is
 * built on first request; if that fails (no build tools in this install) the answer is a 503 JSON error.
 */

interface ScriptFile {
  mtimeMs: number;
  etag: string;
  variants: { identity: Buffer; br?: Buffer; gzip?: Buffer };
}

type Encoding = 'br' | 'gzip' | 'identity';

/** `/t.js` may be revalidated hourly; `/t.js?v=…` (a versioned URL) may be kept a year. */
const CACHE_PLAIN = 'public, max-age=3600, stale-while-revalidate=86400';
const CACHE_VERSIONED = 'public, max-age=31536000, immutable';

/** The best encoding the client accepts (q > 0) among those we have, preferring brotli. */
export function pickEncoding(acceptEncoding: string | undefined, have: { br?: unknown; gzip?: unknown }): Encoding {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (enc: string) => (accepted.get(enc) ?? accepted.get('*') ?? 0) > 0;
  if (have.br && ok('br')) return 'br';
  if (have.gzip && ok('gzip')) return 'gzip';
  return 'identity';
}

export function trackerScriptRoutes(app: FastifyInstance, ctx: AppContext, distDir: string = TRACKER_DIST_DIR): void {
  void ctx;
  const cache = new Map<string, ScriptFile>();
  let building: Promise<unknown> | undefined;

  function load(name: string): ScriptFile | undefined {
    const file = path.join(distDir, name);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return undefined;
    }
    const cached = cache.get(name);
    if (cached && cached.mtimeMs === stat.mtimeMs) return cached;
    const identity = fs.readFileSync(file);
    const read = (suffix: string) => (fs.existsSync(file + suffix) ? fs.readFileSync(file + suffix) : undefined);
    const hash = crypto.createHash('sha256').update(identity).digest('base64url').slice(0, 22);
    // One weak validator for every encoding of the same script (Vary: Accept-Encoding tells caches apart).
    const loaded: ScriptFile = { mtimeMs: stat.mtimeMs, etag: `W/"${hash}"`, variants: { identity, br: read('.br'), gzip: read('.gz') } };
    cache.set(name, loaded);
    return loaded;
  }

  async function loadOrBuild(name: string): Promise<ScriptFile | undefined> {
    const found = load(name);
    if (found) return found;
    // Single flight: concurrent first requests share one build; a failed build is retried on a later request.
    building ??= buildTracker(distDir).finally(() => (building = undefined));
    try {
      await building;
    } catch (err) {
      app.log.warn({ err }, 'tracker build failed');
      return undefined;
    }
    return load(name);
  }

  // Plausible's script paths, for pages that change only the host of their script tag.
  const aliases: Record<string, string> = { 't.plausible.js': '/js/script.js' };
  const routes = TRACKER_FILES.flatMap(({ name }) => [
    { name, url: `/${name}` },
    ...(aliases[name]
      ? [
          { name, url: aliases[name] },
          { name, url: aliases[name].replace(/\.js$/, '.hash.js') },
        ]
      : []),
  ]);
  for (const { name, url } of routes) {
    app.get(url, async (req: FastifyRequest, reply: FastifyReply) => {
      const script = await loadOrBuild(name);
      if (!script) {
        return reply
          .status(503)
          .header('retry-after', '60')
          .send({
            success: false,
            error: { code: 'tracker_not_built', message: `${name} is not built: run \`npm run build\` (packages/tracker/dist is missing)` },
          });
      }
      const versioned = typeof (req.query as Record<string, unknown>).v === 'string';
      reply
        .header('content-type', 'application/javascript; charset=utf-8')
        .header('cache-control', versioned ? CACHE_VERSIONED : CACHE_PLAIN)
        .header('etag', script.etag)
        .header('vary', 'accept-encoding')
        .header('x-content-type-options', 'nosniff')
        // Any site may embed the script.
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        // Ask Chromium for the client hints the collector reads for the device type (collect-common.ts).
        .header('accept-ch', ACCEPT_CH);
      const ifNoneMatch = req.headers['if-none-match'];
      if (ifNoneMatch?.split(',').some((t) => t.trim().replace(/^W\//, '') === script.etag.slice(2) || t.trim() === '*')) {
        return reply.status(304).send();
      }
      const encoding = pickEncoding(req.headers['accept-encoding'], script.variants);
      if (encoding !== 'identity') reply.header('content-encoding', encoding);
      return reply.send(script.variants[encoding]);
    });
  }
}

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dashboardDistDir } from '@tidemark/dashboard';
import type { AppContext } from '../../app/context';
import { ShareService } from '../../shares';

/**
 * Serves the dashboard SPA (packages/dashboard/dist) at `/`. Files are read once at start-up (the build
 * is a few hundred KB); unknown non-API paths get index.html so client-side routes survive a reload.
 * The HTML carries a strict Content-Security-Policy: scripts and styles only from this origin, no
 * inline scripts, no framing of the dashboard. React sets element styles through the CSSOM, which CSP does not block.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // The heatmap page shows the tracked page itself beneath the map (sandboxed: no scripts run).
  'frame-src http: https:',
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The session replay player (dashboard player.html, framed by the Recordings page only): the recorded page's
 * inline styles must apply there, and its images and fonts may come from the recorded site. Scripts stay
 * 'self' (the recorded DOM is rebuilt in an iframe sandboxed without scripts besides).
 */
export const PLAYER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "font-src 'self' data: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface StaticFile {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  /** Content-hashed build output never changes under its name. */
  immutable: boolean;
}

/** API namespaces: an unknown path here is a JSON 404, never the SPA. */
const API_PREFIXES = ['/api/', '/v1/', '/health'];

function loadDist(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!fs.existsSync(path.join(dir, 'index.html'))) return files;
  // A file may vanish between listing and reading (a rebuild running while the server starts): it is
  // skipped rather than failing the start; the next start serves the finished build.
  const gone = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'ENOENT';
  const walk = (sub: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, sub), { withFileTypes: true });
    } catch (err) {
      if (gone(err)) return;
      throw err;
    }
    for (const entry of entries) {
      const rel = path.posix.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else {
        let body: Buffer;
        try {
          body = fs.readFileSync(path.join(dir, rel));
        } catch (err) {
          if (gone(err)) continue;
          throw err;
        }
        const type = TYPES[path.extname(entry.name)] ?? 'application/octet-stream';
        const compressible = /text|javascript|json|svg/.test(type) && body.length > 1024;
        files.set(`/${rel}`, {
          body,
          type,
          immutable: rel.startsWith('assets/'),
          gzip: compressible ? zlib.gzipSync(body, { level: 9 }) : undefined,
        });
      }
    }
  };
  walk('');
  return files;
}

/** The dashboard's CSP with the frame-ancestors a shared link allows ('none' when it allows none). */
export const shareCsp = (ancestors: readonly string[]) =>
  ancestors.length ? DASHBOARD_CSP.replace("frame-ancestors 'none'", `frame-ancestors ${ancestors.join(' ')}`) : DASHBOARD_CSP;

/** `frameAncestors`: a shared link's allowed embedders; 'player': the replay player page (its own CSP). */
function send(req: FastifyRequest, reply: FastifyReply, file: StaticFile, status = 200, frameAncestors: readonly string[] | 'player' = []) {
  reply.status(status).header('content-type', file.type).header('x-content-type-options', 'nosniff');
  reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  if (frameAncestors === 'player') {
    reply.header('content-security-policy', PLAYER_CSP).header('referrer-policy', 'no-referrer').header('x-frame-options', 'SAMEORIGIN');
  } else if (file.type.startsWith('text/html')) {
    reply.header('content-security-policy', shareCsp(frameAncestors)).header('referrer-policy', 'same-origin');
    if (!frameAncestors.length) reply.header('x-frame-options', 'DENY');
  }
  if (file.gzip) {
    reply.header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Tidemark</title><p>The dashboard has not been built. Run <code>npm run build</code> (or <code>npm start</code>, which builds first).</p>`;

export function dashboardRoutes(app: FastifyInstance, ctx: AppContext, distDir: string = dashboardDistDir): void {
  const files = loadDist(distDir);
  const index = files.get('/index.html');

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const urlPath = req.url.split('?')[0];
    if (API_PREFIXES.some((p) => urlPath === p.replace(/\/$/, '') || urlPath.startsWith(p))) {
      return reply.status(404).send({ success: false, error: { code: 'not_found', message: `No route ${req.method} ${urlPath}` } });
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      decoded = urlPath;
    }
    const file = files.get(decoded);
    if (file && decoded !== '/index.html') return send(req, reply, file, 200, decoded === '/player.html' ? 'player' : []);
    // A missing build asset is a real 404 (a stale tab asking for an old hash), not the SPA.
    if (decoded.startsWith('/assets/')) {
      return reply.status(404).send({ success: false, error: { code: 'not_found', message: 'No such asset' } });
    }
    if (!index)
      return reply
        .status(503)
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', DASHBOARD_CSP)
        .send(NOT_BUILT);
    return send(req, reply, index);
  };

  app.get('/', handler);
  app.get('/*', handler);

  // A shared link's page: never indexed; framable only by the origins the link names; 404 when the link is not live.
  let shares: ShareService | undefined;
  app.get('/share/:token', async (req, reply) => {
    shares ??= new ShareService(ctx.meta, ctx.keys, ctx.auth.counters);
    const ancestors = await shares.frameAncestors((req.params as { token: string }).token);
    reply.header('x-robots-tag', 'noindex, nofollow').header('cache-control', 'no-store');
    if (!index) return handler(req, reply);
    return send(req, reply, { ...index, immutable: false }, ancestors ? 200 : 404, ancestors ?? []);
  });
}

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = path.resolve(here, '../fixtures');

export interface CapturedEvent {
  event_id: string;
  name: string;
  timestamp: number;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
}

export interface CapturedRequest {
  status: number;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { site_id: string; sent_at: number; events: CapturedEvent[]; visitor?: { id: string } };
}

export interface FixtureServer {
  /** http://127.0.0.1:port */
  origin: string;
  /** The same server under another host name (http://localhost:port): a different site for the page. */
  otherOrigin: string;
  /** Every POST /api/collect, in arrival order, including refused ones. */
  requests: CapturedRequest[];
  /** Events of the accepted (2xx) requests, optionally of one site. */
  events(site?: string): CapturedEvent[];
  /** Answer the next `n` collect requests with 503 (they are recorded, not accepted). */
  /** Answers 503 to the next `n` collect requests (of `site` only, when given: other pages may still be sending). */
  failNext(n: number, site?: string): void;
  close(): Promise<void>;
}

/**
 * A small site for the browser tests: serves fixtures/*.html as /page/<name> (with {{SITE}} and {{ATTRS}} replaced by
 * the `site` and `attrs` query parameters, {{OTHER}} by the other origin), the built scripts from `distDir`, and records the
 * bodies POSTed to /api/collect.
 */
export async function startFixtureServer(distDir: string): Promise<FixtureServer> {
  const requests: CapturedRequest[] = [];
  let failures = 0;
  let failSite: string | undefined;
  let otherOrigin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/api/collect') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(raw);
        const fail = failures > 0 && (!failSite || body.site_id === failSite);
        if (fail) failures--;
        const status = fail ? 503 : 202;
        requests.push({ status, headers: req.headers, raw, body });
        res.writeHead(status, { 'access-control-allow-origin': '*', 'content-type': 'application/json' });
        res.end(JSON.stringify({ success: status === 202 }));
      });
      return;
    }
    const page = /^\/page\/([\w-]+)/.exec(url.pathname);
    if (page) {
      const file = path.join(FIXTURES_DIR, `${page[1]}.html`);
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      const html = fs
        .readFileSync(file, 'utf8')
        .replaceAll('{{SITE}}', url.searchParams.get('site') ?? 'test-site')
        .replaceAll('{{ATTRS}}', url.searchParams.get('attrs') ?? '')
        .replaceAll('{{OTHER}}', otherOrigin);
      return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    }
    if (/^\/t(\.auto|\.mp)?\.js$/.test(url.pathname)) {
      const file = path.join(distDir, url.pathname.slice(1));
      return void res.writeHead(200, { 'content-type': 'application/javascript' }).end(fs.readFileSync(file));
    }
    if (url.pathname.startsWith('/files/')) return void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4\n');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  otherOrigin = `http://localhost:${port}`;
  return {
    origin: `http://127.0.0.1:${port}`,
    otherOrigin,
    requests,
    events: (site) => requests.filter((r) => r.status < 300 && (!site || r.body.site_id === site)).flatMap((r) => r.body.events),
    failNext: (n, site) => {
      failures = n;
      failSite = site;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

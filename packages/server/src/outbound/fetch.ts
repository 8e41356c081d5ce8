import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isForbiddenAddress } from './address';

/**
 * Outgoing HTTP for webhooks and other callbacks to addresses people type in: the host is resolved
 * first and every address checked, the connection goes to the checked address (so a second DNS answer
 * cannot swap it), redirects are followed only by hand and checked the same way, bodies are capped
 * and every request has a deadline.
 */

export class OutboundRefused extends Error {
  readonly code = 'outbound_refused';
}

export interface OutboundOptions {
  /** Reach private, loopback and link-local addresses too (an admin's explicit choice). */
  allowPrivate?: boolean;
  timeoutMs?: number;
  maxRedirects?: number;
  /** Bytes of the response body kept. */
  maxBodyBytes?: number;
  /** The address policy (tests stand a loopback server in for a public one); default isForbiddenAddress. */
  isForbidden?: (address: string) => boolean;
  /** Resolver (tests); default dns.lookup. */
  lookup?: (host: string) => Promise<Array<{ address: string; family: number }>>;
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The URL that answered (after redirects). */
  url: string;
}

const defaultLookup = (host: string) => dns.promises.lookup(host, { all: true, verbatim: true });

/** The address to connect to for `url`, or an OutboundRefused saying why not. */
export async function resolveOutbound(url: URL, opts: OutboundOptions = {}): Promise<{ address: string; family: number }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundRefused(`only http and https URLs: ${url.protocol}`);
  if (url.username || url.password) throw new OutboundRefused('URLs with credentials are refused');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const found = net.isIP(host) ? [{ address: host, family: net.isIP(host) }] : await (opts.lookup ?? defaultLookup)(host);
  if (!found.length) throw new OutboundRefused(`${host} has no address`);
  if (!opts.allowPrivate) {
    const bad = found.find((a) => (opts.isForbidden ?? isForbiddenAddress)(a.address));
    if (bad) throw new OutboundRefused(`${host} resolves to a private, loopback or link-local address (${bad.address})`);
  }
  return found[0]!;
}

function once(
  url: URL,
  pinned: { address: string; family: number },
  req: OutboundRequest,
  opts: OutboundOptions,
): Promise<OutboundResponse> {
  const client = url.protocol === 'https:' ? https : http;
  const max = opts.maxBodyBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    const r = client.request(
      url,
      {
        method: req.method ?? 'GET',
        headers: req.headers,
        timeout: opts.timeoutMs ?? 10_000,
        // Connect to the address that was checked, whatever the name resolves to now.
        lookup: (_host, o, cb) => {
          if ((o as dns.LookupOptions).all) (cb as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [pinned]);
          else cb(null, pinned.address, pinned.family);
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < max) chunks.push(c.subarray(0, max - size));
          size += c.length;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), url: url.href }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms`)));
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** One request (following up to `maxRedirects` redirects, each checked like the first). */
export async function outboundFetch(
  target: string | URL,
  req: OutboundRequest = {},
  opts: OutboundOptions = {},
): Promise<OutboundResponse> {
  let url = new URL(target);
  for (let hop = 0; ; hop++) {
    const pinned = await resolveOutbound(url, opts);
    const res = await once(url, pinned, req, opts);
    const location = res.headers.location;
    if (res.status < 300 || res.status >= 400 || !location) return res;
    if (hop >= (opts.maxRedirects ?? 3)) throw new OutboundRefused('too many redirects');
    url = new URL(location, url);
    // A redirect is followed as a GET without the body, like browsers do for 301-303.
    if (res.status !== 307 && res.status !== 308) req = { ...req, method: 'GET', body: undefined };
  }
}

import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isPrivateAddress } from '../auth';
import { repeat } from '../schedule';
import type { ExchangeRate } from '../meta';
import { parseRates } from './rates';

/** The ECB's daily file is a few KB; its whole history a few MB. */
const MAX_BYTES = 16 * 1024 * 1024;
const DAY_MS = 86_400_000;

export interface RatesFetchOptions {
  /** http(s) URL of ECB reference-rate XML or a rates CSV (TIDEMARK_RATES_URL). */
  url: string;
  /** Only when an admin says so (TIDEMARK_RATES_ALLOW_PRIVATE): the URL may resolve to a private, loopback or link-local address. */
  allowPrivate?: boolean;
  timeoutMs?: number;
}

const refused = (host: string) =>
  Object.assign(new Error(`refusing to fetch rates from a private address (${host})`), { code: 'EPRIVATE' });

/** dns.lookup that refuses private addresses, so the socket connects only to an address that was checked (no rebinding). */
const publicLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as dns.LookupAddress[];
    if (list.length === 0 || list.some((a) => isPrivateAddress(a.address))) return callback(refused(hostname), '', 0);
    if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** GETs the rates file (no redirects followed: a redirect could point anywhere) and parses it. */
export function fetchRates(opts: RatesFetchOptions): Promise<ExchangeRate[]> {
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    return Promise.reject(new Error('rates URL is not a URL'));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.reject(new Error('rates URL must be http(s)'));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!opts.allowPrivate && net.isIP(host) && isPrivateAddress(host)) return Promise.reject(refused(host));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      url,
      { lookup: opts.allowPrivate ? undefined : publicLookup, timeout: opts.timeoutMs ?? 30_000, headers: { 'user-agent': 'Tidemark' } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`rates URL answered HTTP ${res.statusCode}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BYTES) req.destroy(new Error('rates file too large'));
          else chunks.push(c);
        });
        res.on('end', () => {
          try {
            resolve(parseRates(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('rates URL timed out')));
    req.on('error', reject);
  });
}

/**
 * The daily rates job: fetches `url` a minute after start and then once a day, and stores what it parsed
 * (`store`, e.g. RevenueService.putRates). A failure is logged and retried the next day; nothing stops.
 */
export function scheduleRatesFetch(
  opts: RatesFetchOptions & {
    store: (rates: ExchangeRate[]) => Promise<number>;
    onError: (err: unknown) => void;
    firstMs?: number;
    everyMs?: number;
  },
): () => void {
  const tick = () => {
    fetchRates(opts)
      .then((rates) => opts.store(rates))
      .catch(opts.onError);
  };
  return repeat(tick, { firstMs: opts.firstMs ?? 60_000, everyMs: opts.everyMs ?? DAY_MS });
}

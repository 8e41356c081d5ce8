import crypto from 'node:crypto';
import dns from 'node:dns';
import https from 'node:https';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { TidemarkError } from '@tidemark/core';

const breached = () =>
  new TidemarkError(400, 'password_breached', 'This password appears in lists of breached passwords; choose another one');

let common: Set<string> | undefined;

/** The ~49,000 most common passwords from public breach corpora, as shipped by @zxcvbn-ts/language-common. */
function commonPasswords(): Set<string> {
  if (!common) {
    // Loaded on first use: the list costs a few MB that servers without sign-ups never need.
    const { dictionary } = createRequire(import.meta.url)('@zxcvbn-ts/language-common') as { dictionary: Record<string, string[]> };
    common = new Set(dictionary['passwords-common']);
  }
  return common;
}

/** True when the password (compared case-insensitively, as the list is lower-case) is a common one. */
export const isCommonPassword = (password: string): boolean => commonPasswords().has(password.toLowerCase());

/** Address ranges an outgoing check must never reach (loopback, private, link-local, CGNAT, ULA …). */
const PRIVATE = new net.BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(a, p, 'ipv4');
}
for (const [a, p] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const) {
  PRIVATE.addSubnet(a, p, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : null;
  if (!family) return true;
  const mapped = family === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address) : null;
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  return PRIVATE.check(address, family);
}

/** dns.lookup that refuses private addresses, so the socket connects only to what was checked (no rebinding). */
const publicLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad || list.length === 0)
      return callback(Object.assign(new Error(`refusing to connect to private address of ${hostname}`), { code: 'EPRIVATE' }), '', 0);
    if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

export interface RangeCheckOptions {
  /** Base URL the 5-hex-digit prefix is appended to, e.g. https://api.pwnedpasswords.com/range/ */
  url: string;
  timeoutMs?: number;
  /** Tests only: let the check reach a local stand-in of the range service. */
  allowPrivate?: boolean;
}

function get(url: URL, opts: RangeCheckOptions): Promise<string> {
  if (!opts.allowPrivate && net.isIP(url.hostname.replace(/^\[|\]$/g, '')) && isPrivateAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
    return Promise.reject(Object.assign(new Error(`refusing to connect to private address ${url.hostname}`), { code: 'EPRIVATE' }));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      url,
      {
        lookup: opts.allowPrivate ? undefined : publicLookup,
        timeout: opts.timeoutMs ?? 3000,
        headers: { 'add-padding': 'true', 'user-agent': 'Tidemark' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`range service answered HTTP ${res.statusCode}`));
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          if (body.length > 4_000_000) req.destroy(new Error('range answer too large'));
        });
        res.on('end', () => resolve(body));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('range service timed out')));
    req.on('error', reject);
  });
}

/**
 * k-anonymity range check (the Pwned Passwords protocol): only the first 5 hex digits of the password's
 * SHA-1 leave the server; the answer lists suffixes with counts (padding entries carry count 0).
 */
export async function rangeCheck(password: string, opts: RangeCheckOptions): Promise<boolean> {
  const hash = crypto.createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
  const base = opts.url.endsWith('/') ? opts.url : `${opts.url}/`;
  const url = new URL(hash.slice(0, 5), base);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('range service URL must be http(s)');
  const body = await get(url, opts);
  const suffix = hash.slice(5);
  for (const line of body.split('\n')) {
    const [s, n] = line.trim().split(':');
    if (s?.toUpperCase() === suffix && Number(n) > 0) return true;
  }
  return false;
}

/** Refuses breached passwords: the shipped list always, the range service when one is configured. */
export class PasswordPolicy {
  constructor(
    private readonly range: RangeCheckOptions | null,
    private readonly log: (msg: string) => void = (m) => console.warn(m),
  ) {}

  async assertAcceptable(password: string): Promise<void> {
    if (isCommonPassword(password)) throw breached();
    if (!this.range) return;
    try {
      if (await rangeCheck(password, this.range)) throw breached();
    } catch (err) {
      if (err instanceof TidemarkError) throw err;
      // The offline list already applied; an unreachable service must not block sign-ups.
      this.log(`Breached-password range check skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

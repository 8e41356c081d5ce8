import dns from 'node:dns';
import http from 'node:http';
import type net from 'node:net';
import { isPrivateAddress } from '../auth';

export interface VerifyOptions {
  /** Port of the HTTP check (the reverse proxy's plain HTTP port). */
  port: number;
  /** Whether the HTTP check may reach private and loopback addresses (an admin's choice; tests). */
  allowPrivate: boolean;
  /** TXT records of a name (node:dns by default). */
  resolveTxt?: (name: string) => Promise<string[][]>;
  /** Address lookup of the HTTP check (node:dns by default; split-horizon setups and tests). */
  lookup?: net.LookupFunction;
  timeoutMs?: number;
}

export const txtName = (host: string) => `_tidemark-verify.${host}`;
export const txtValue = (token: string) => `tidemark-verify=${token}`;
export const wellKnownPath = (token: string) => `/.well-known/tidemark-verify/${token}`;

/** dns.lookup refusing private addresses, so the socket connects only to what was checked (no rebinding). */
const publicLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as dns.LookupAddress[];
    if (!list.length || list.some((a) => isPrivateAddress(a.address)))
      return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' }), '', 0);
    if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** GET http://host:port/.well-known/tidemark-verify/<token>; resolves to the body (first 200 bytes). */
function fetchToken(host: string, token: string, opts: VerifyOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host,
        port: opts.port,
        path: wellKnownPath(token),
        timeout: opts.timeoutMs ?? 5000,
        lookup: opts.lookup ?? (opts.allowPrivate ? undefined : publicLookup),
        headers: { 'user-agent': 'Tidemark domain check' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`http://${host}${wellKnownPath('…')} answered ${res.statusCode}`));
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          if (body.length > 200) req.destroy();
        });
        res.on('end', () => resolve(body.slice(0, 200)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`http://${host} timed out`)));
    req.on('error', reject);
  });
}

/**
 * Whether `host` proves it is the organization's: a TXT record `_tidemark-verify.<host>` with
 * `tidemark-verify=<token>`, or the host answering the token over HTTP (it routes to this Tidemark, which
 * serves the token for its own host). The method that worked, or the reasons both failed.
 */
export async function verifyHost(
  host: string,
  token: string,
  opts: VerifyOptions,
): Promise<{ method: 'txt' | 'http' | null; error: string | null }> {
  const errors: string[] = [];
  try {
    const records = await (opts.resolveTxt ?? ((n: string) => dns.promises.resolveTxt(n)))(txtName(host));
    if (records.some((parts) => parts.join('') === txtValue(token))) return { method: 'txt', error: null };
    errors.push(`TXT ${txtName(host)}: no record ${txtValue(token)}`);
  } catch (err) {
    errors.push(`TXT ${txtName(host)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    if ((await fetchToken(host, token, opts)).trim() === token) return { method: 'http', error: null };
    errors.push('HTTP: the answer was not the token');
  } catch (err) {
    errors.push(`HTTP: ${(err as Error).message}`);
  }
  return { method: null, error: errors.join('; ') };
}

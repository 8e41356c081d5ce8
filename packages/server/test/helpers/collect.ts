// Shared by the collector's HTTP suites: a real server, an organization with sites and keys, a client.
import { startTestServer } from './server';
import type { SiteRecord } from '../../src/meta';
import type { Config } from '../../src/index';

/** A response body as JSON, or null when it is not JSON (tests read both kinds of answer). */
export function jsonOrNull(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

export type CollectServer = Awaited<ReturnType<typeof startCollectServer>>;

export async function startCollectServer(overrides: Partial<Config> = {}) {
  // Loopback is a trusted proxy here so tests can pose as visitors from elsewhere via X-Forwarded-For.
  const s = await startTestServer({ trustedProxies: ['127.0.0.1'], ...overrides });
  const meta = s.ctx.meta;
  const org = await meta.orgs.create('Collect Test Org');
  const site = await meta.sites.create(org.id, { name: 'Example', domain: 'example.com', allowed_hosts: ['example-preview.net'] });
  const other = await meta.orgs.create('Someone Else');
  const otherSite = await meta.sites.create(other.id, { name: 'Other', domain: 'other.org' });
  const key = async (orgId: string, siteId: string | null, permissions: Array<'read' | 'write' | 'admin'>) =>
    (await meta.apiKeys.create({ orgId, siteId, name: 'test', permissions, rateLimitPerMin: 100_000, createdBy: null })).rawKey;
  const keys = {
    write: await key(org.id, site.id, ['write']),
    read: await key(org.id, site.id, ['read']),
    orgWide: await key(org.id, null, ['write']),
    otherOrg: await key(other.id, otherSite.id, ['write', 'read']),
  };

  async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(s.url + path, {
      method,
      headers: { 'user-agent': CHROME_UA, 'accept-language': 'en-US', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const json = jsonOrNull(text);
    return { status: res.status, body: json, text, headers: res.headers };
  }

  /** Sends like the tracker: text/plain JSON from a page of the site. */
  const collect = (body: unknown, headers: Record<string, string> = {}) =>
    request('POST', '/api/collect', body, { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://www.example.com', ...headers });

  const events = (s: SiteRecord | string, where = '', params: unknown[] = []) =>
    server.ctx.events.query<Record<string, any>>(`SELECT * FROM events WHERE site_id = ? ${where} ORDER BY ts, name`, [
      typeof s === 'string' ? s : s.id,
      ...params,
    ]);

  const server = s;
  return { ...s, site, otherSite, keys, request, collect, events };
}

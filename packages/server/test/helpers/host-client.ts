import http from 'node:http';
import type { HttpResult } from './accounts';

/**
 * A browser on a custom host name: requests go to the test server's port with `Host: <host>` (as a reverse
 * proxy passes it), a same-origin Origin for changes, and the session cookie it was given on that host.
 */
export class HostClient {
  cookie: string | null = null;
  bearer: string | null = null;

  constructor(
    readonly serverUrl: string,
    readonly host: string,
  ) {}

  request<T = any>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<HttpResult<T>> {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { ...extra, host: this.host, accept: 'application/json' };
    if (data !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(data));
    }
    if (method !== 'GET') headers.origin = `http://${this.host}`;
    if (this.cookie) headers.cookie = this.cookie;
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const url = new URL(this.serverUrl);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: Number(url.port), path, method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          for (const c of [res.headers['set-cookie'] ?? []].flat()) {
            const [pair] = c.split(';');
            const [name, value] = pair!.split('=');
            if (name === 'tm_session') this.cookie = value ? `tm_session=${value}` : null;
          }
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          resolve({ status: res.statusCode ?? 0, body: parsed as T, text, headers: h });
        });
      });
      req.on('error', reject);
      req.end(data);
    });
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
}

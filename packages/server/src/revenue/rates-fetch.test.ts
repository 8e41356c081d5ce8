import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExchangeRate } from '../meta';
import { fetchRates, scheduleRatesFetch } from './rates-fetch';

const ECB = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube><Cube time="2026-12-04"><Cube currency="USD" rate="1.0512"/><Cube currency="JPY" rate="158.31"/><Cube currency="GBP" rate="0.8302"/></Cube></Cube>
</gesmes:Envelope>`;

describe('daily exchange-rate fetch', () => {
  let server: http.Server;
  let port: number;
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/daily.xml') res.writeHead(200, { 'content-type': 'text/xml' }).end(ECB);
      else if (req.url === '/broken') res.writeHead(200).end('<html>maintenance</html>');
      else if (req.url === '/moved') res.writeHead(302, { location: '/daily.xml' }).end();
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('parses the ECB daily file from a URL an admin allowed to be private', async () => {
    const rates = await fetchRates({ url: `http://127.0.0.1:${port}/daily.xml`, allowPrivate: true });
    expect(rates).toEqual([
      { currency: 'USD', day: '2026-12-04', per_eur: 1.0512 },
      { currency: 'JPY', day: '2026-12-04', per_eur: 158.31 },
      { currency: 'GBP', day: '2026-12-04', per_eur: 0.8302 },
    ]);
  });

  it('refuses loopback, private and link-local addresses (literal or resolved) unless allowed, before any request', async () => {
    const before = hits.length;
    for (const url of [
      `http://127.0.0.1:${port}/daily.xml`,
      `http://localhost:${port}/daily.xml`,
      `http://[::1]:${port}/daily.xml`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/rates.xml',
      'http://192.168.0.10/rates.xml',
    ])
      await expect(fetchRates({ url, timeoutMs: 2000 }), url).rejects.toMatchObject({ code: 'EPRIVATE' });
    expect(hits.length).toBe(before);
    await expect(fetchRates({ url: 'file:///etc/passwd' })).rejects.toThrow(/http\(s\)/);
  });

  it('follows no redirect and refuses a file that is not rates', async () => {
    await expect(fetchRates({ url: `http://127.0.0.1:${port}/moved`, allowPrivate: true })).rejects.toThrow(/HTTP 302/);
    await expect(fetchRates({ url: `http://127.0.0.1:${port}/broken`, allowPrivate: true })).rejects.toMatchObject({ status: 400 });
  });

  it('the scheduled job stores what it fetched, and reports a failure without storing', async () => {
    const stored: ExchangeRate[][] = [];
    const errors: unknown[] = [];
    const run = (path: string) =>
      new Promise<void>((resolve) => {
        const stop = scheduleRatesFetch({
          url: `http://127.0.0.1:${port}${path}`,
          allowPrivate: true,
          firstMs: 0,
          everyMs: 3_600_000,
          store: async (r) => {
            stored.push(r);
            stop();
            resolve();
            return r.length;
          },
          onError: (err) => {
            errors.push(err);
            stop();
            resolve();
          },
        });
      });
    await run('/daily.xml');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.map((r) => r.currency)).toEqual(['USD', 'JPY', 'GBP']);
    await run('/missing.xml');
    expect(stored).toHaveLength(1);
    expect(String(errors[0])).toMatch(/HTTP 404/);
  });
});

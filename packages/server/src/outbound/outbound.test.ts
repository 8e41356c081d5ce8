import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedIPv4, isForbiddenAddress, outboundFetch, OutboundRefused } from './index';

/**
 * The outgoing-request guard against SSRF: private, loopback and link-local addresses are refused
 * whether named directly, through a DNS name, behind a redirect, or written as IPv4 inside IPv6. Two
 * loopback servers stand in: 127.0.0.2 plays a public host (the test's policy allows only it), 127.0.0.1
 * the internal service an attacker wants to reach; it must never see a request.
 */
let inside: http.Server;
let outside: http.Server;
let insidePort = 0;
let outsidePort = 0;
const insideHits: string[] = [];
const policy = (a: string) => a !== '127.0.0.2' && isForbiddenAddress(a);

const listen = (s: http.Server, host: string) => new Promise<number>((r) => s.listen(0, host, () => r((s.address() as AddressInfo).port)));

beforeAll(async () => {
  inside = http.createServer((req, res) => {
    insideHits.push(req.url ?? '');
    res.end('internal secret');
  });
  insidePort = await listen(inside, '127.0.0.1');
  outside = http.createServer((req, res) => {
    if (req.url === '/to-inside') res.writeHead(302, { location: `http://127.0.0.1:${insidePort}/admin` }).end();
    else if (req.url === '/to-mapped') res.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${insidePort}/admin` }).end();
    else if (req.url === '/to-self') res.writeHead(301, { location: '/hello' }).end();
    else res.end(`hello ${req.method}`);
  });
  outsidePort = await listen(outside, '127.0.0.2');
});

afterAll(async () => {
  await new Promise((r) => inside.close(r));
  await new Promise((r) => outside.close(r));
});

describe('address policy', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:a9fe:a9fe', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['[::1]', true],
    ['not-an-ip', true],
    ['93.184.216.34', false],
    ['8.8.8.8', false],
    ['2606:4700:4700::1111', false],
    ['::ffff:8.8.8.8', false],
  ])('%s forbidden: %s', (address, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
  });

  it('reads IPv4 inside IPv6 in both spellings', () => {
    expect(embeddedIPv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIPv4('::ffff:169.254.169.254')).toBe('169.254.169.254');
    expect(embeddedIPv4('2001:db8::1')).toBeNull();
  });
});

describe('outboundFetch', () => {
  it('reaches an allowed host and follows a redirect that stays allowed', async () => {
    const r = await outboundFetch(`http://127.0.0.2:${outsidePort}/to-self`, { method: 'POST', body: 'x' }, { isForbidden: policy });
    expect([r.status, r.body]).toEqual([200, 'hello GET']);
  });

  it('refuses loopback and private addresses named directly, including IPv6-mapped ones', async () => {
    for (const url of [
      `http://127.0.0.1:${insidePort}/`,
      `http://[::ffff:127.0.0.1]:${insidePort}/`,
      `http://[::ffff:7f00:1]:${insidePort}/`,
      `http://[::1]:${insidePort}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://0x7f000001/',
    ])
      await expect(outboundFetch(url, {}, { isForbidden: policy }), url).rejects.toBeInstanceOf(OutboundRefused);
    expect(insideHits).toEqual([]);
  });

  it('refuses a DNS name that resolves to a forbidden address (stubbed resolver and the real one)', async () => {
    const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
    await expect(outboundFetch(`http://hooks.example.com:${insidePort}/`, {}, { lookup, isForbidden: policy })).rejects.toThrow(
      /private, loopback/,
    );
    await expect(outboundFetch(`http://localhost:${insidePort}/`)).rejects.toBeInstanceOf(OutboundRefused);
    // One forbidden address among several is enough to refuse.
    const mixed = async () => [
      { address: '127.0.0.2', family: 4 },
      { address: '10.0.0.1', family: 4 },
    ];
    await expect(outboundFetch(`http://mixed.example:${outsidePort}/`, {}, { lookup: mixed, isForbidden: policy })).rejects.toBeInstanceOf(
      OutboundRefused,
    );
    expect(insideHits).toEqual([]);
  });

  it('refuses redirects to forbidden addresses, plain or IPv6-mapped', async () => {
    for (const path of ['/to-inside', '/to-mapped'])
      await expect(outboundFetch(`http://127.0.0.2:${outsidePort}${path}`, {}, { isForbidden: policy }), path).rejects.toBeInstanceOf(
        OutboundRefused,
      );
    expect(insideHits).toEqual([]);
  });

  it('connects to the address it checked: the resolver is asked once per hop (no rebinding between check and connect)', async () => {
    let calls = 0;
    const lookup = async () => {
      calls++;
      return calls === 1 ? [{ address: '127.0.0.2', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    };
    const r = await outboundFetch(`http://rebind.example:${outsidePort}/`, {}, { lookup, isForbidden: policy });
    expect(r.body).toBe('hello GET');
    expect(calls).toBe(1);
    expect(insideHits).toEqual([]);
  });

  it('reaches private addresses only when an admin allowed it; refuses other schemes and credentials', async () => {
    const r = await outboundFetch(`http://127.0.0.1:${insidePort}/allowed`, {}, { allowPrivate: true });
    expect(r.body).toBe('internal secret');
    expect(insideHits).toEqual(['/allowed']);
    await expect(outboundFetch('file:///etc/passwd')).rejects.toBeInstanceOf(OutboundRefused);
    await expect(outboundFetch('http://user:pw@example.com/')).rejects.toBeInstanceOf(OutboundRefused);
  });
});

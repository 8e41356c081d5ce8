import { describe, expect, it } from 'vitest';
import { quarantinePayload, redactRawBody } from './redact';

describe('redaction of stored payloads', () => {
  it('stores ordinary bodies byte for byte', () => {
    const raw = '{"events":[{"name":"page_view","properties":{"tip":"ip"}}]}';
    expect(redactRawBody(raw, JSON.parse(raw))).toBe(raw);
  });
  it('removes IP addresses and API keys wherever they are nested', () => {
    const raw = JSON.stringify({
      customerObject: { apiKey: 'tm_live_secret' },
      events: [{ properties: { ip_address: '1.2.3.4', IP: '5.6.7.8', keep: 1 } }],
      x_forwarded_for: '9.9.9.9',
    });
    const out = redactRawBody(raw, JSON.parse(raw));
    expect(out).not.toMatch(/1\.2\.3\.4|5\.6\.7\.8|9\.9\.9\.9|tm_live_secret/);
    expect(JSON.parse(out)).toEqual({ customerObject: {}, events: [{ properties: { keep: 1 } }] });
  });
  it("removes a Segment-compatible client's writeKey from the stored body", () => {
    const raw = JSON.stringify({ batch: [{ type: 'track', event: 'x', context: { ip: '8.8.4.4' } }], writeKey: 'tm_live_write' });
    const out = redactRawBody(raw, JSON.parse(raw));
    expect(out).not.toMatch(/tm_live_write|8\.8\.4\.4/);
    expect(JSON.parse(out)).toEqual({ batch: [{ type: 'track', event: 'x', context: {} }] });
  });
  it('keeps a __proto__ key as data and bounds depth and size', () => {
    const input = JSON.parse('{"__proto__":{"polluted":true},"ip":"1.1.1.1"}');
    const { text } = quarantinePayload(input);
    expect(text).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    let deep: unknown = 'leaf';
    for (let i = 0; i < 500; i++) deep = [deep];
    expect(quarantinePayload(deep).text).toContain('[nested too deep]');
    expect(quarantinePayload({ s: 'x'.repeat(100_000) }, 1000)).toEqual({ text: `{"s":"${'x'.repeat(994)}`, originalBytes: 100_008 });
  });
});

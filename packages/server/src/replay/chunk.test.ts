import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPLAY_LIMITS } from '@tidemark/core';
import { parseChunkBody, rageClicks, summarizeChunk } from './chunk';

const ev = (type: number, timestamp: number, data: Record<string, unknown> = {}) => ({ type, timestamp, data });

describe('replay chunks', () => {
  it('reads gzip and plain JSON alike, and refuses what is not a list of rrweb events', () => {
    const events = [ev(4, 1_700_000_000_000, { href: 'https://a.example/x' }), ev(2, 1_700_000_000_001, { node: {} })];
    expect(parseChunkBody(zlib.gzipSync(JSON.stringify(events)))).toEqual(events);
    expect(parseChunkBody(Buffer.from(JSON.stringify(events)))).toEqual(events);
    for (const bad of ['nope', '{}', '[]', '[{"type":9,"timestamp":1700000000000,"data":{}}]', '[{"type":2,"timestamp":5,"data":{}}]'])
      expect(() => parseChunkBody(Buffer.from(bad)), bad).toThrow(expect.objectContaining({ status: 400, code: 'invalid_chunk' }));
    expect(() => parseChunkBody(Buffer.from([0x1f, 0x8b, 1, 2, 3]))).toThrow(expect.objectContaining({ code: 'invalid_chunk' }));
    const bomb = zlib.gzipSync(Buffer.alloc(REPLAY_LIMITS.inflatedBytes + 1, 0x20));
    expect(() => parseChunkBody(bomb)).toThrow(expect.objectContaining({ status: 413, code: 'chunk_too_large' }));
  });

  it('summarizes times, pages, clicks, rage clicks and errors', () => {
    const t = 1_700_000_000_000;
    const click = (dt: number, x: number, y = 5) => ev(3, t + dt, { source: 2, type: 2, x, y });
    const s = summarizeChunk([
      ev(4, t, { href: 'https://a.example/one?q=secret' }),
      click(10, 100),
      click(20, 105),
      click(30, 110),
      click(2000, 400),
      ev(3, t + 2100, { source: 2, type: 1, x: 1, y: 1 }), // a mouse-up is no click
      ev(5, t + 2200, { tag: 'error', payload: {} }),
      ev(4, t + 3000, { href: 'https://a.example/two' }),
    ]);
    expect(s).toEqual({ ts_start: t, ts_end: t + 3000, event_count: 8, paths: ['/one', '/two'], clicks: 4, rage_clicks: 1, errors: 1 });
  });

  it('counts a burst once, and neither far-apart nor slow clicks', () => {
    expect(rageClicks([0, 100, 200, 300, 400].map((t) => ({ t, x: 0, y: 0 })))).toBe(1);
    expect(rageClicks([0, 100, 200].map((t, i) => ({ t, x: i * 100, y: 0 })))).toBe(0);
    expect(rageClicks([0, 600, 1200].map((t) => ({ t, x: 0, y: 0 })))).toBe(0);
    expect(rageClicks([0, 50, 100, 5000, 5050, 5100].map((t) => ({ t, x: 0, y: 0 })))).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { capText } from './prefix';

describe('capText', () => {
  it('keeps short text whole and says so', () => {
    expect(capText('{"a":1}', 16)).toEqual({ text: '{"a":1}', originalBytes: 0 });
    expect(capText('é'.repeat(8), 16)).toEqual({ text: 'é'.repeat(8), originalBytes: 0 });
  });

  it('cuts long text to at most maxBytes on a character boundary and reports the original size', () => {
    const s = 'a' + '€'.repeat(10); // 1 + 30 bytes
    const c = capText(s, 9);
    expect(c.originalBytes).toBe(31);
    expect(c.text).toBe('a€€'); // 7 bytes: a fourth € would need 10
    expect(Buffer.byteLength(c.text)).toBeLessThanOrEqual(9);
    const emoji = capText('😀'.repeat(4), 6);
    expect(emoji).toEqual({ text: '😀', originalBytes: 16 });
  });

  it('never leaves a lone surrogate in a prefix', () => {
    const c = capText('\ud800'.repeat(10) + 'x'.repeat(10), 12);
    expect(c.text).not.toMatch(/[\ud800-\udfff]/);
    expect(c.text).toBe('\ufffd'.repeat(4)); // 3 bytes each
    expect(c.originalBytes).toBe(40);
  });
});

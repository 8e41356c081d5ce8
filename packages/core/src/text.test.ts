import { describe, expect, it } from 'vitest';
import { wellFormed, wellFormedJson } from './text';

describe('well-formed text', () => {
  it('replaces lone surrogates, keeps pairs and everything else', () => {
    expect(wellFormed('a\ud800b')).toBe('a\ufffdb');
    expect(wellFormed('\udc00\ud83d\ude00\ud800')).toBe('\ufffd😀\ufffd');
    const same = 'plain é 😀 \u0000';
    expect(wellFormed(same)).toBe(same);
  });

  it('JSON text: lone surrogate escapes become \\ufffd, so it decodes well-formed', () => {
    const cases: Array<[string, unknown]> = [
      [JSON.stringify({ k: '\ud800' }), { k: '\ufffd' }],
      [JSON.stringify({ '\udfff': 'x\udc00y\ud800' }), { '\ufffd': 'x\ufffdy\ufffd' }],
      ['{"k":"\\ud83d\\ude00 \\uD800\\uDC00"}', { k: '😀 𐀀' }],
      // An escaped backslash followed by "ud800" is text, not an escape.
      [JSON.stringify({ k: '\\ud800' }), { k: '\\ud800' }],
      [JSON.stringify({ k: '\\\ud800' }), { k: '\\\ufffd' }],
      ['{"k":"\ud800"}', { k: '\ufffd' }],
    ];
    for (const [text, decoded] of cases) {
      const fixed = wellFormedJson(text);
      expect(JSON.parse(fixed), text).toEqual(decoded);
      expect(fixed.isWellFormed()).toBe(true);
    }
    const clean = JSON.stringify({ k: 'é', n: '\n' });
    expect(wellFormedJson(clean)).toBe(clean);
  });
});

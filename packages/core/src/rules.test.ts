import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HASHED_TRAIT_PREFIX, PROP_KEY_PATTERN, shownTrait } from './rules';

describe('rules shared with the dashboard', () => {
  it('import nothing, so the dashboard bundle that takes them carries no schema library', () => {
    const source = fs.readFileSync(new URL('./rules.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*(import|export .* from)\b/m);
  });

  it('mask hashed trait values and keep the rest as stored', () => {
    expect(shownTrait(`${HASHED_TRAIT_PREFIX}0123456789abcdef`)).toBe('•••• 012345');
    for (const v of ['pro', '', 'HMAC:ab', 'hmac']) expect(shownTrait(v)).toBe(v);
    expect(shownTrait(HASHED_TRAIT_PREFIX)).toBe('•••• ');
  });

  it('take property keys of the strict pattern only', () => {
    for (const k of ['plan', 'a.b:c-d e', '_x', 'x'.repeat(64)]) expect(PROP_KEY_PATTERN.test(k)).toBe(true);
    for (const k of ['', ' x', "a'b", 'a[b]', 'x'.repeat(65), '.x']) expect(PROP_KEY_PATTERN.test(k)).toBe(false);
  });
});

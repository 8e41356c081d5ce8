import { describe, expect, it } from 'vitest';
import { PROP_KEY_PATTERN, shownTrait as coreShownTrait } from '@tidemark/core';
import { shownTrait, TRAIT_KEY } from './traits';

describe('traits in the dashboard', () => {
  it('masks hashed values exactly as the server does, and takes the same keys', () => {
    for (const v of ['hmac:0123456789abcdef', 'pro', '', 'hmac:', 'HMAC:ab']) expect(shownTrait(v)).toBe(coreShownTrait(v));
    expect(shownTrait('hmac:0123456789abcdef')).toBe('•••• 012345');
    expect(TRAIT_KEY.source).toBe(PROP_KEY_PATTERN.source);
  });
});

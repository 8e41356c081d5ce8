import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORING_RULES } from '@tidemark/core';
import { keyPagesText, parseKeyPages } from './scoring-form';

describe('key page rules in the scoring editor', () => {
  it('round-trips the rules through their text', () => {
    expect(keyPagesText(DEFAULT_SCORING_RULES.key_pages)).toBe('pricing /pricing* 15\ndocs /docs* 5\ncontact /contact* 10');
    expect(parseKeyPages(keyPagesText(DEFAULT_SCORING_RULES.key_pages))).toEqual({ rules: DEFAULT_SCORING_RULES.key_pages });
  });

  it('skips blank lines and names a bad line', () => {
    expect(parseKeyPages('\n  careers   /jobs/*  -20 \n\n')).toEqual({ rules: [{ name: 'careers', path: '/jobs/*', points: -20 }] });
    expect(parseKeyPages('pricing /pricing 5\npricing /pricing')).toEqual({ error: 'Key pages, line 2: write name, path and points' });
    expect(parseKeyPages('pricing /pricing many')).toHaveProperty('error');
  });
});

import { describe, expect, it } from 'vitest';
import { compilePathPattern, pathMatches, wildcardToRegex } from './path-pattern';

describe('path patterns', () => {
  it('keeps an exact path as an equality', () => {
    expect(compilePathPattern({ path: '/pricing' })).toEqual({ kind: 'exact', path: '/pricing' });
  });

  it('turns * into any run of characters and matches everything else literally', () => {
    expect(wildcardToRegex('/blog/*')).toBe('^/blog/.*$');
    const p = compilePathPattern({ path: '/thank-you*.html?(x)' });
    expect(pathMatches(p, '/thank-you/a.html?(x)')).toBe(true);
    expect(pathMatches(p, '/thank-youXhtml?(x)')).toBe(false);
    expect(pathMatches(compilePathPattern({ path: '/blog/*' }), '/blog/a/b')).toBe(true);
    expect(pathMatches(compilePathPattern({ path: '/blog/*' }), '/blog')).toBe(false);
  });

  it('refuses a missing, doubled, empty or invalid pattern with a 400', () => {
    expect(() => compilePathPattern({})).toThrow(/exactly one/);
    expect(() => compilePathPattern({ path: '/a', path_regex: 'a' })).toThrow(/exactly one/);
    expect(() => compilePathPattern({ path: '' })).toThrow(/1-500/);
    expect(() => compilePathPattern({ path_regex: '(a' })).toThrow(/RE2/);
    expect(() => compilePathPattern({ path_regex: '(?=a)' })).toThrow(/RE2/);
  });
});

import { describe, expect, it } from 'vitest';
import { checkRegex, re2Problem } from './regex';

// Judged against DuckDB 1.5 and ClickHouse 18.16 (both refuse each of REFUSED; both run each of RUN).
const REFUSED = [
  '\\Z',
  '(?<n>a)',
  'a{1001}',
  'a{1000,1001}',
  '(a{1000}){1000}',
  'a{2}{3}',
  'a**',
  'a++',
  '\\1',
  '\\8',
  '(?=a)',
  '(?<=a)',
  '(?<!a)b',
  '(?P=n)',
  '\\p{Foo}',
  '[[:foo:]]',
  'x{2,1}',
  '[z-a]',
  '(',
  'a)',
  '[a',
  '\\',
  '\\x{110000}',
  '(?x)a b',
  '\\cA',
  '\\e',
  '\\u0041',
  '\\h',
  '\\R',
  '\\X',
  '\\G',
  'a|*',
  '[a-\\d]',
  '\\N{DIGIT ONE}',
  '\\o{101}',
  '[\\b]',
  '\\Ka',
  '(?#c)',
];
const RUN = [
  '^/blog/[0-9]+$',
  '(?P<n>a)',
  'a{1000}',
  '(?i)abc',
  '\\pL',
  '\\p{Greek}',
  '\\PL',
  '\\p{^Greek}',
  '[[:alpha:]]',
  '\\Qa.b\\E',
  'a*?',
  '\\b',
  '\\A',
  '\\z',
  '\\x{10FFFF}',
  '(?s).',
  '(?U)a*',
  '(?m)^a$',
  '(?i-s:a)',
  '\\x41',
  '\\0',
  '\\v',
  '$^',
  '|',
  '()',
  '(?:)',
  '[\\d-z]',
  'a{,5}',
  'a{0}',
  '😀+',
  'é|ü',
];

describe('RE2 pattern check', () => {
  it('refuses what RE2 refuses, with a 400 naming the problem', () => {
    for (const p of REFUSED) {
      expect(re2Problem(p), p).not.toBeNull();
      expect(() => checkRegex(p), p).toThrow(expect.objectContaining({ status: 400, code: 'invalid_filter' }));
    }
  });

  it('lets through what RE2 runs', () => {
    for (const p of RUN) expect(re2Problem(p), p).toBeNull();
  });

  it('bounds the length', () => {
    expect(() => checkRegex('')).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => checkRegex('a'.repeat(201))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => checkRegex('a'.repeat(200))).not.toThrow();
  });
});

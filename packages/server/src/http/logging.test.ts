import { describe, expect, it } from 'vitest';
import { errorForLog, redactMessage, requestForLog } from './logging';

describe('redactMessage', () => {
  it('keeps the shape of engine errors but not the values they quote', () => {
    const cases: Array<[string, string[], RegExp]> = [
      [
        "Conversion Error: Could not convert string 'jane@example.com' to INT32",
        ['jane@example.com'],
        /^Conversion Error: Could not convert string/,
      ],
      [
        'Invalid Input Error: Malformed JSON at byte 2 of input: unexpected character.  Input: {"plan":"\ud800gold"}',
        ['plan', 'gold'],
        /^Invalid Input Error: Malformed JSON/,
      ],
      [
        "Code: 27. DB::Exception: Cannot parse input: expected '\"' before: 'secret-path/abc': (at row 1)",
        ['secret-path'],
        /^Code: 27\. DB::Exception: Cannot parse input/,
      ],
      [
        'Binder Error: Referenced column "utm_campaign_black_friday" not found\nLINE 1: SELECT x FROM events WHERE path = \'/checkout\'',
        ['black_friday', '/checkout'],
        /^Binder Error: Referenced column/,
      ],
      [
        'connect ECONNREFUSED 10.1.2.3:5432 from 2001:db8::7 key tm_live_abcdefghijklmnopqrstuvwxyz0123',
        ['10.1.2.3', '2001:db8::7', 'tm_live_abc'],
        /^connect ECONNREFUSED/,
      ],
    ];
    for (const [message, secrets, shape] of cases) {
      const out = redactMessage(message);
      for (const s of secrets) expect(out, message).not.toContain(s);
      expect(out).toMatch(shape);
    }
    expect(redactMessage('x'.repeat(10) + ' ' + 'word '.repeat(200)).length).toBeLessThanOrEqual(301);
  });

  it('logs errors as type, code, redacted message and stack frames without the message line', () => {
    const err = Object.assign(new Error("Could not convert string 'a@b.example' to INT32"), { code: 'E_CONV' });
    const logged = errorForLog(err);
    expect(logged).toMatchObject({ type: 'Error', code: 'E_CONV' });
    expect(JSON.stringify(logged)).not.toContain('a@b.example');
    expect(logged.stack).toMatch(/^\s+at /);
    expect(errorForLog(new Error('outer', { cause: new Error("inner 'x@y.example'") })).cause?.message).toBe('inner ‹…›');
  });

  it('logs a request by method and route pattern only', () => {
    expect(requestForLog({ method: 'GET', routeOptions: { url: '/api/invitations/:token' } })).toEqual({
      method: 'GET',
      route: '/api/invitations/:token',
    });
    expect(requestForLog({ method: 'GET' })).toEqual({ method: 'GET', route: null });
  });
});

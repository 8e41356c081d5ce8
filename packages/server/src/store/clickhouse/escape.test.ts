import { describe, expect, it } from 'vitest';
import { quoteFloat, quoteIdentifier, quoteInt, quoteString, quoteValue, wellFormed } from './escape';
import { prepareStatement, tokenize } from './statement';
import { HOSTILE_STRINGS } from '../../../test/helpers/scaleout-hostile';

/**
 * Escaping is checked two ways: here, by reading the literal back with a model of ClickHouse's own
 * literal parser (every escaped literal must be one string token that decodes to the input), and in
 * scaleout-clickhouse.test.ts by round-tripping the same hostile values through a real server.
 */

/** ClickHouse's string-literal decoding (readQuotedString): backslash escapes and doubled quotes. */
function decodeLiteral(lit: string): string {
  expect(lit.startsWith("'") && lit.endsWith("'")).toBe(true);
  const body = lit.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "'") throw new Error(`unescaped quote at ${i} in ${lit}`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new Error('dangling backslash');
    const simple: Record<string, string> = { '0': '\0', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'" };
    if (e === 'x') {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += simple[e] ?? e;
  }
  return out;
}

describe('quoteString', () => {
  it.each(HOSTILE_STRINGS)('makes one literal that decodes to the input: %j', (s) => {
    const lit = quoteString(s);
    const tokens = tokenize(lit);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.kind).toBe('string');
    expect(decodeLiteral(lit)).toBe(s);
  });

  it('never leaves a raw control character, quote or backslash in the literal body', () => {
    for (const s of HOSTILE_STRINGS) {
      const body = quoteString(s).slice(1, -1);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: no raw control character may survive quoting
      expect(body).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(body.replace(/\\./g, '')).not.toMatch(/['\\]/);
    }
  });

  it('replaces lone surrogates with U+FFFD (they have no UTF-8 form) and keeps pairs', () => {
    expect(decodeLiteral(quoteString('a\ud800b'))).toBe('a\ufffdb');
    expect(decodeLiteral(quoteString('\udc00'))).toBe('\ufffd');
    expect(decodeLiteral(quoteString('😀'))).toBe('😀');
    expect(wellFormed('x\ud83d')).toBe('x\ufffd');
  });

  it('refuses non-strings', () => {
    expect(() => quoteString(5 as unknown as string)).toThrow(TypeError);
  });
});

describe('numbers, identifiers, values', () => {
  it('writes integers exactly and refuses unsafe or non-integers', () => {
    expect(quoteInt(0)).toBe('0');
    expect(quoteInt(-42)).toBe('-42');
    expect(quoteInt(1_705_000_000_000)).toBe('1705000000000');
    expect(quoteInt(12345678901234567890n)).toBe('12345678901234567890');
    expect(() => quoteInt(1.5)).toThrow();
    expect(() => quoteInt(2 ** 60)).toThrow();
    expect(() => quoteInt(Number.NaN)).toThrow();
  });

  it('writes floats as Float64 and refuses NaN and infinities', () => {
    expect(quoteFloat(1.5)).toBe("toFloat64('1.5')");
    expect(quoteFloat(-1e-7)).toBe("toFloat64('-1e-7')");
    expect(() => quoteFloat(Number.POSITIVE_INFINITY)).toThrow();
    expect(() => quoteFloat(Number.NaN)).toThrow();
  });

  it('binds null, booleans, dates (as ms) and arrays', () => {
    expect(quoteValue(null)).toBe('NULL');
    expect(quoteValue(undefined)).toBe('NULL');
    expect(quoteValue(true)).toBe('1');
    expect(quoteValue(new Date(1000))).toBe('1000');
    expect(quoteValue(['a', "b'"])).toBe("['a', 'b\\'']");
    expect(() => quoteValue({})).toThrow(TypeError);
    expect(() => quoteValue(Symbol('x'))).toThrow(TypeError);
  });

  it('allows only plain identifiers', () => {
    expect(quoteIdentifier('tidemark_events')).toBe('`tidemark_events`');
    for (const bad of ['', 'a-b', 'a`b', 'a b', '1abc', 'x;y', 'db.table', 'é']) expect(() => quoteIdentifier(bad)).toThrow();
  });
});

describe('prepareStatement', () => {
  const final = { finalTables: new Set(['events']) };

  it('binds ? outside literals, quoted names and comments only', () => {
    const sql = 'SELECT \'?\', "a?", `b?` -- ?\n, ? /* ? */ FROM t WHERE x = ?';
    expect(prepareStatement(sql, ["it's", 5])).toBe("SELECT '?', \"a?\", `b?` -- ?\n, 'it\\'s' /* ? */ FROM t WHERE x = 5");
  });

  it('keeps every hostile value inside one literal', () => {
    for (const s of HOSTILE_STRINGS) {
      const out = prepareStatement('SELECT count() FROM t WHERE a = ? AND b = 1', [s]);
      const tokens = tokenize(out).filter((t) => t.kind !== 'space');
      expect(tokens.filter((t) => t.kind === 'string')).toHaveLength(1);
      expect(tokens.filter((t) => t.kind === 'comment')).toHaveLength(0);
      expect(decodeLiteral(tokens.find((t) => t.kind === 'string')!.text)).toBe(wellFormed(s));
      expect(out.endsWith('AND b = 1')).toBe(true);
    }
  });

  it('refuses a count mismatch between ? and params', () => {
    expect(() => prepareStatement('SELECT ?', [])).toThrow(/more \? placeholders/);
    expect(() => prepareStatement('SELECT 1', [1])).toThrow(/params given/);
  });

  it('refuses unterminated literals and comments', () => {
    expect(() => prepareStatement("SELECT 'abc", [])).toThrow(/unterminated/);
    expect(() => prepareStatement('SELECT 1 /* x', [])).toThrow(/unterminated/);
  });

  it('turns TRUE/FALSE into 1/0, but not inside literals or as names', () => {
    expect(prepareStatement("SELECT countIf(TRUE), 'TRUE', `true`, t.true FROM x WHERE a AND false", [])).toBe(
      "SELECT countIf(1), 'TRUE', `true`, t.true FROM x WHERE a AND 0",
    );
  });

  it('reads deduplicated tables with FINAL, after an alias, once', () => {
    expect(prepareStatement('SELECT * FROM events WHERE site_id = ?', ['s'], final)).toBe("SELECT * FROM events FINAL WHERE site_id = 's'");
    expect(prepareStatement('SELECT * FROM events AS e WHERE 1', [], final)).toBe('SELECT * FROM events AS e FINAL WHERE 1');
    expect(prepareStatement('SELECT * FROM events FINAL', [], final)).toBe('SELECT * FROM events FINAL');
    expect(prepareStatement('SELECT * FROM (SELECT * FROM events) AS q', [], final)).toBe(
      'SELECT * FROM (SELECT * FROM events FINAL) AS q',
    );
    expect(prepareStatement('SELECT count() FROM events', [], final)).toBe('SELECT count() FROM events FINAL');
    expect(prepareStatement('SELECT * FROM other.events, events_x, system.events', [], final)).toBe(
      'SELECT * FROM other.events, events_x, system.events',
    );
    expect(prepareStatement("SELECT 'FROM events' FROM t", [], final)).toBe("SELECT 'FROM events' FROM t");
  });
});

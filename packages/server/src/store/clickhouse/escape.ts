/**
 * The one place where values become ClickHouse SQL text.
 *
 * Servers before 19.x (e.g. the 18.16 that Debian ships) have no server-side query parameters, so
 * every value that reaches a statement is written as a literal here. Literal rules (ClickHouse
 * "String literals"): single quotes; backslash starts an escape sequence. We escape the backslash
 * and the quote, and write every control character as an escape so a statement never contains a raw
 * NUL, newline or other byte that a log line, a proxy or the parser could treat specially. Text is
 * sent as UTF-8; lone UTF-16 surrogates (which have no UTF-8 form) become U+FFFD, exactly what
 * Node's UTF-8 encoder would do, so what is stored is what is later compared against.
 *
 * Identifiers never come from requests; the few that come from configuration (the database name)
 * must match a strict pattern and are back-quoted.
 */

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

// Backslash, quote, C0 controls and DEL: everything that is escaped inside a literal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped
const NEEDS_ESCAPE = /[\\'\u0000-\u001f\u007f]/g;

function escapeChar(ch: string): string {
  return SIMPLE_ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The string with lone surrogates replaced by U+FFFD (what a UTF-8 encoder writes for them). */
export function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd');
}

/** A string as a quoted ClickHouse literal. */
export function quoteString(value: string): string {
  if (typeof value !== 'string') throw new TypeError('quoteString: not a string');
  return `'${wellFormed(value).replace(NEEDS_ESCAPE, escapeChar)}'`;
}

/** An integer literal; refuses anything that is not a safe integer (or a bigint). */
export function quoteInt(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isSafeInteger(value)) throw new TypeError(`quoteInt: not a safe integer: ${value}`);
  return String(value);
}

/**
 * A floating-point literal. Written as toFloat64('…') so the column type is Float64 even for a
 * whole number (an integer literal would be typed UInt8/Int64 and change division semantics).
 */
export function quoteFloat(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`quoteFloat: not finite: ${value}`);
  return `toFloat64(${quoteString(String(value))})`;
}

/**
 * Any value bound into a statement. Dates become milliseconds since the epoch, matching the
 * `Int64` millisecond timestamps of our tables; arrays become array literals.
 */
export function quoteValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      return Number.isInteger(value) ? quoteInt(value) : quoteFloat(value);
    case 'bigint':
      return quoteInt(value);
    case 'boolean':
      return value ? '1' : '0';
    default:
      break;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isSafeInteger(ms)) throw new TypeError('quoteValue: invalid Date');
    return quoteInt(ms);
  }
  if (Array.isArray(value)) return `[${value.map(quoteValue).join(', ')}]`;
  throw new TypeError(`quoteValue: cannot bind a value of type ${Object.prototype.toString.call(value)}`);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A configured name (database, table) back-quoted; anything but a plain word is refused. */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name))
    throw new Error(`Invalid ClickHouse identifier ${JSON.stringify(name)}: use letters, digits and _`);
  return `\`${name}\``;
}

/** True when `name` may be used as a database or table name. */
export function isPlainIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * SQL fragments that keep values apart from text until the very end.
 *
 * The `sql` template tag accepts only other fragments, never plain strings or numbers, so a request
 * value can enter a statement in exactly two ways: `bind*()` (a parameter, or a strictly escaped
 * literal on engines without server-side parameters) or `ident()` (a name that must match a strict
 * identifier pattern and, by convention, only ever comes from the metric/dimension registry).
 */
export type ParamType = 'string' | 'int' | 'float' | 'bool';

export interface BoundValue {
  readonly kind: 'bound';
  readonly value: string | number | boolean;
  readonly type: ParamType;
}

type Chunk = string | BoundValue | Sql;

export class Sql {
  /** @internal use the helpers below; the constructor is not for request values. */
  constructor(readonly chunks: readonly Chunk[]) {}

  /** True when the fragment renders to nothing (useful for optional clauses). */
  get isEmpty(): boolean {
    return this.chunks.every((c) => (typeof c === 'string' ? c === '' : c instanceof Sql ? c.isEmpty : false));
  }
}

/** Template tag: `sql\`count(${expr})\``. Interpolations must be fragments. */
export function sql(strings: TemplateStringsArray, ...args: Sql[]): Sql {
  const chunks: Chunk[] = [];
  strings.forEach((s, i) => {
    if (s) chunks.push(s);
    if (i < args.length) {
      const a = args[i];
      if (!(a instanceof Sql)) throw new TypeError('sql: interpolations must be Sql fragments; bind values explicitly');
      chunks.push(a);
    }
  });
  return new Sql(chunks);
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A column / alias / table name. Only registry-declared names reach here; anything else throws. */
export function ident(name: string): Sql {
  if (!IDENT.test(name)) throw new Error(`sql: invalid identifier ${JSON.stringify(name)}`);
  return new Sql([name]);
}

/**
 * Constant SQL text chosen by code: keywords, operators, format strings (never a request value).
 * Statement separators and comments are refused outright as a tripwire.
 */
export function keyword(text: string): Sql {
  if (/;|--|\/\*/.test(text)) throw new Error(`sql: unexpected keyword text ${JSON.stringify(text)}`);
  return new Sql([text]);
}

export const empty = new Sql([]);

export function bindString(value: string): Sql {
  if (typeof value !== 'string') throw new TypeError('bindString: not a string');
  return new Sql([{ kind: 'bound', value, type: 'string' }]);
}

export function bindInt(value: number): Sql {
  if (!Number.isSafeInteger(value)) throw new TypeError(`bindInt: not a safe integer: ${value}`);
  return new Sql([{ kind: 'bound', value, type: 'int' }]);
}

export function bindFloat(value: number): Sql {
  if (!Number.isFinite(value)) throw new TypeError(`bindFloat: not finite: ${value}`);
  return new Sql([{ kind: 'bound', value, type: 'float' }]);
}

export function bindBool(value: boolean): Sql {
  return new Sql([{ kind: 'bound', value, type: 'bool' }]);
}

export function join(parts: readonly Sql[], separator = ', '): Sql {
  const chunks: Chunk[] = [];
  parts.forEach((p, i) => {
    if (i > 0) chunks.push(separator);
    chunks.push(p);
  });
  return new Sql(chunks);
}

/** `(a AND b AND …)`; TRUE for an empty list. */
export function and(parts: readonly Sql[]): Sql {
  const ps = parts.filter((p) => !p.isEmpty);
  if (ps.length === 0) return keyword('TRUE');
  if (ps.length === 1) return ps[0];
  return sql`(${join(ps, ' AND ')})`;
}

/** `(a OR b OR …)`; FALSE for an empty list. */
export function or(parts: readonly Sql[]): Sql {
  const ps = parts.filter((p) => !p.isEmpty);
  if (ps.length === 0) return keyword('FALSE');
  if (ps.length === 1) return ps[0];
  return sql`(${join(ps, ' OR ')})`;
}

/** How one engine writes a bound value into the statement text. */
export interface Placeholders {
  /**
   * Returns the text standing for `value` at 0-based position `index` of the params array.
   * Engines with server-side parameters return a marker (and the value goes to params); engines
   * without them return a strictly escaped literal and set `inlinesValues`.
   */
  placeholder(value: BoundValue, index: number): string;
  readonly inlinesValues: boolean;
}

export interface CompiledSql {
  sql: string;
  params: Array<string | number | boolean>;
}

/** Walks the fragment tree in text order, so positional parameters always line up. */
export function render(fragment: Sql, ph: Placeholders): CompiledSql {
  const out: string[] = [];
  const params: CompiledSql['params'] = [];
  const walk = (f: Sql): void => {
    for (const c of f.chunks) {
      if (typeof c === 'string') out.push(c);
      else if (c instanceof Sql) walk(c);
      else {
        out.push(ph.placeholder(c, params.length));
        if (!ph.inlinesValues) params.push(c.value);
      }
    }
  };
  walk(fragment);
  return { sql: out.join(''), params };
}

import { quoteValue } from './escape';

/**
 * Prepares a statement written for the EventStore contract (positional `?` params, portable SQL) for
 * ClickHouse, in one pass over its tokens so nothing inside a string literal, a quoted name or a
 * comment is ever touched:
 *
 * - `?` becomes the escaped literal of the next param (servers before 19.x have no parameters);
 * - `TRUE` / `FALSE` become `1` / `0` (18.x has no boolean literals);
 * - `FROM <table>` for the deduplicated tables gets `FINAL`, so rows written twice (a stream entry
 *   redelivered after a writer died between insert and acknowledge) are never counted twice — the
 *   tables are ReplacingMergeTrees keyed by the event's identity, and FINAL merges on read what the
 *   background merges have not merged yet. Cheap because the WHERE on (site_id, ts) is applied
 *   through the primary key first.
 */

type TokenKind = 'string' | 'quoted' | 'comment' | 'word' | 'param' | 'space' | 'other';

interface Token {
  kind: TokenKind;
  text: string;
}

/** Splits SQL into tokens; quoted runs and comments are single tokens. Unterminated ones throw. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const start = i;
    if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < n) {
        const d = sql[i]!;
        if (d === '\\') i += 2;
        else if (d === c) {
          if (sql[i + 1] === c)
            i += 2; // doubled quote inside the run
          else break;
        } else i++;
      }
      if (i >= n) throw new Error('SQL: unterminated quoted text');
      i++;
      out.push({ kind: c === "'" ? 'string' : 'quoted', text: sql.slice(start, i) });
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new Error('SQL: unterminated comment');
      i = end + 2;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < n && /[A-Za-z0-9_$]/.test(sql[i]!)) i++;
      out.push({ kind: 'word', text: sql.slice(start, i) });
    } else if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i]!)) i++;
      out.push({ kind: 'space', text: sql.slice(start, i) });
    } else if (c === '?') {
      i++;
      out.push({ kind: 'param', text: '?' });
    } else {
      i++;
      out.push({ kind: 'other', text: c });
    }
  }
  return out;
}

export interface PrepareOptions {
  /** Tables read with FINAL (unqualified names, lower case). */
  finalTables?: ReadonlySet<string>;
}

/** Binds params and applies the rewrites above. Throws when the number of `?` and params differ. */
export function prepareStatement(sql: string, params: readonly unknown[] = [], opts: PrepareOptions = {}): string {
  const tokens = tokenize(sql);
  const finalTables = opts.finalTables ?? new Set<string>();
  const out: string[] = [];
  let p = 0;
  const nextSignificant = (from: number): number => {
    let j = from;
    while (j < tokens.length && (tokens[j]!.kind === 'space' || tokens[j]!.kind === 'comment')) j++;
    return j;
  };
  const prevSignificant = (from: number): Token | undefined => {
    for (let j = from; j >= 0; j--) if (tokens[j]!.kind !== 'space' && tokens[j]!.kind !== 'comment') return tokens[j];
    return undefined;
  };
  // Index of the token after which FINAL goes, once a FROM <final table> has been seen.
  let finalAfter = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'param') {
      if (p >= params.length) throw new Error(`SQL: more ? placeholders than the ${params.length} params given`);
      out.push(quoteValue(params[p++]));
    } else if (t.kind === 'word') {
      const upper = t.text.toUpperCase();
      const prev = prevSignificant(i - 1);
      const qualified = prev?.text === '.';
      if (!qualified && (upper === 'TRUE' || upper === 'FALSE') && tokens[nextSignificant(i + 1)]?.text !== '(')
        out.push(upper === 'TRUE' ? '1' : '0');
      else out.push(t.text);
      if (!qualified && prev?.kind === 'word' && prev.text.toUpperCase() === 'FROM' && finalTables.has(t.text.toLowerCase())) {
        const next = nextSignificant(i + 1);
        if (tokens[next]?.text !== '.' && tokens[next]?.text !== '(') finalAfter = tableEnd(tokens, i, nextSignificant);
      }
    } else out.push(t.text);
    if (i === finalAfter) {
      const next = tokens[nextSignificant(i + 1)];
      if (!(next?.kind === 'word' && next.text.toUpperCase() === 'FINAL')) out.push(' FINAL');
      finalAfter = -1;
    }
  }
  if (p !== params.length) throw new Error(`SQL: ${params.length} params given for ${p} ? placeholders`);
  return out.join('');
}

/** FINAL follows `table [AS alias]`; returns the index of the last token of that. */
function tableEnd(tokens: Token[], tableIndex: number, nextSignificant: (from: number) => number): number {
  const a = nextSignificant(tableIndex + 1);
  if (tokens[a]?.kind === 'word' && tokens[a]!.text.toUpperCase() === 'AS') {
    const alias = nextSignificant(a + 1);
    if (tokens[alias]?.kind === 'word' || tokens[alias]?.kind === 'quoted') return alias;
  }
  return tableIndex;
}

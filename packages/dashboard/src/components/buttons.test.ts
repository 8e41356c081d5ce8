import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The opening `<button …>` tags of a TSX source (a `>` inside `{…}` does not end one). */
function buttonTags(text: string): Array<{ line: number; tag: string }> {
  const out: Array<{ line: number; tag: string }> = [];
  for (let at = text.indexOf('<button'); at >= 0; at = text.indexOf('<button', at + 1)) {
    let depth = 0;
    let end = at;
    for (; end < text.length; end++) {
      const c = text[end];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '>' && depth === 0) break;
    }
    out.push({ line: text.slice(0, at).split('\n').length, tag: text.slice(at, end) });
  }
  return out;
}

describe('buttons', () => {
  it('each carries a class (or is a tab): a bare button is the system grey one, in either theme', () => {
    const files = fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tsx'));
    expect(files.length).toBeGreaterThan(20);
    const bare = files.flatMap((f) =>
      buttonTags(fs.readFileSync(path.join(src, f), 'utf8'))
        .filter((b) => !/\bclassName=/.test(b.tag) && !/\brole="tab"/.test(b.tag))
        .map((b) => `${f}:${b.line}`),
    );
    expect(bare).toEqual([]);
  });
});

import type { KeyPageRule } from '@tidemark/core';

/** Key page rules as the editor's text: one per line, `name path points` (`pricing /pricing* 15`). */
export function keyPagesText(rules: readonly KeyPageRule[]): string {
  return rules.map((k) => `${k.name} ${k.path} ${k.points}`).join('\n');
}

/** The editor's text back to rules; a line that is not `name path points` is named in the error. */
export function parseKeyPages(text: string): { rules: KeyPageRule[] } | { error: string } {
  const rules: KeyPageRule[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    const points = Number(parts[2]);
    if (parts.length !== 3 || !Number.isFinite(points)) return { error: `Key pages, line ${i + 1}: write name, path and points` };
    rules.push({ name: parts[0]!, path: parts[1]!, points });
  }
  return { rules };
}

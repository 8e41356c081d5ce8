import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The rollups folder's shape (README.md): no import cycle between its files, only the stats engine's
// leaves from outside, and the rest of the stats engine reaching in only through index.ts.

const HERE = path.dirname(new URL(import.meta.url).pathname);
const STATS = path.dirname(HERE);

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms)].map((m) => m[1]);
}

const sources = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('stats/rollups imports', () => {
  const files = sources(HERE);
  const graph = new Map(files.map((f) => [f, imports(path.join(HERE, f))]));

  it('has no cycle between its files', () => {
    const local = (spec: string) => (spec.startsWith('./') ? `${spec.slice(2)}.ts` : null);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, trail: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const next of (graph.get(f) ?? []).map(local).filter((x): x is string => x !== null)) visit(next, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
    // The walk saw the folder's real edges.
    expect(graph.get('mark-cube.ts')).toContain('./cube');
  });

  it('uses only the stats engine leaves and the store interface from outside', () => {
    const allowed = new Set(['@tidemark/core', '../sql', '../registry', '../dialect', '../dialects/duckdb', '../period', '../../store']);
    const outside = [...graph].flatMap(([f, specs]) =>
      specs.filter((s) => !s.startsWith('./') && !allowed.has(s)).map((s) => `${f}: ${s}`),
    );
    expect(outside).toEqual([]);
  });

  it('is reached from the rest of the stats engine only through index.ts', () => {
    const deep = sources(STATS).flatMap((f) =>
      imports(path.join(STATS, f))
        .filter((s) => s.startsWith('./rollups/'))
        .map((s) => `${f}: ${s}`),
    );
    expect(deep).toEqual([]);
    expect(sources(STATS).some((f) => imports(path.join(STATS, f)).includes('./rollups'))).toBe(true);
  });
});

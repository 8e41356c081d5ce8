/**
 * Nelder–Mead minimisation (the textbook simplex method: reflect, expand, contract, shrink), used to fit
 * the lifetime models' parameters on their log scale so they stay positive.
 */
export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

export function nelderMead(
  f: (x: number[]) => number,
  start: number[],
  opts: { step?: number; maxIterations?: number; tolerance?: number } = {},
): MinimizeResult {
  const n = start.length;
  const step = opts.step ?? 0.5;
  const maxIterations = opts.maxIterations ?? 2000;
  const tolerance = opts.tolerance ?? 1e-9;
  // Non-finite values (a parameter out of reach) count as +∞, so the simplex moves away from them.
  const g = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, v: g(x) }));
  let it = 0;
  for (; it < maxIterations; it++) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.v - best.v) <= tolerance * (Math.abs(best.v) + tolerance) && spread(simplex.map((s) => s.x)) < 1e-7)
      return { x: best.x, value: best.v, iterations: it, converged: true };
    const centroid = Array.from({ length: n }, (_, j) => simplex.slice(0, n).reduce((a, s) => a + s.x[j]!, 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const reflected = { x: along(-1), v: 0 };
    reflected.v = g(reflected.x);
    if (reflected.v < best.v) {
      const expanded = { x: along(-2), v: 0 };
      expanded.v = g(expanded.x);
      simplex[n] = expanded.v < reflected.v ? expanded : reflected;
      continue;
    }
    if (reflected.v < simplex[n - 1]!.v) {
      simplex[n] = reflected;
      continue;
    }
    const outside = reflected.v < worst.v;
    const contracted = { x: along(outside ? -0.5 : 0.5), v: 0 };
    contracted.v = g(contracted.x);
    if (contracted.v < (outside ? reflected.v : worst.v)) {
      simplex[n] = contracted;
      continue;
    }
    simplex = simplex.map((s, i) => {
      if (i === 0) return s;
      const x = s.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!));
      return { x, v: g(x) };
    });
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, iterations: it, converged: false };
}

function spread(xs: number[][]): number {
  let m = 0;
  for (const x of xs) for (let j = 0; j < x.length; j++) m = Math.max(m, Math.abs(x[j]! - xs[0]![j]!));
  return m;
}

/** Minimises, then restarts from the result until the value stops improving (Nelder–Mead can stall early). */
export function minimizeWithRestarts(f: (x: number[]) => number, start: number[], restarts = 3): MinimizeResult {
  let r = nelderMead(f, start);
  for (let i = 0; i < restarts; i++) {
    const next = nelderMead(f, r.x, { step: 0.2 });
    const better = next.value < r.value - 1e-9;
    r = next.value <= r.value ? { ...next, iterations: r.iterations + next.iterations } : r;
    if (!better) break;
  }
  return r;
}

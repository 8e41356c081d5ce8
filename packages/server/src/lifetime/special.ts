/** Special functions the lifetime models need (textbook approximations, tested in models.test.ts). */

// Lanczos approximation (g = 7, n = 9): about 15 significant digits for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln B(a, b). */
export const lbeta = (a: number, b: number) => lgamma(a) + lgamma(b) - lgamma(a + b);

/** Gauss–Legendre nodes and weights on [-1, 1] (Newton on the Legendre polynomial). */
function gaussLegendre(n: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 1; i <= n; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k];
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    x.push(z);
    w.push(2 / ((1 - z * z) * dp * dp));
  }
  return { x, w };
}

const GL = gaussLegendre(16);

/**
 * Nodes and weights for ∫₀¹ f(u) du: 16-point Gauss–Legendre on each panel between `breaks` (ascending,
 * from 0 to 1), so a caller puts panels where its integrand's mass is.
 */
export function unitNodes(breaks: readonly number[]): { u: number[]; w: number[] } {
  const u: number[] = [];
  const w: number[] = [];
  for (let i = 0; i + 1 < breaks.length; i++) {
    const lo = breaks[i]!;
    const half = (breaks[i + 1]! - lo) / 2;
    if (!(half > 0)) continue;
    GL.x.forEach((x, k) => {
      u.push(lo + half * (x + 1));
      w.push(half * GL.w[k]!);
    });
  }
  return { u, w };
}
